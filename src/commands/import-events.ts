import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createMetrics } from '../kernel/metrics.ts';
import type { Runtime } from '../kernel/runtime.ts';
import { createCustomers, type ImportEventsResult, importEvents } from '../modules/customers/index.ts';
import { cliContext } from './admin.ts';
import { progressBar } from './progress.ts';

/**
 * `storeos import events <file.csv> --tenant <slug> --source <id>`: loads historical orders and members through the
 * real pipeline (dedupe, identity graph, profiles), with a progress bar; prints what it did and every bad row.
 */
export async function importEventsFromFile(rt: Runtime, file: string, o: { tenant: string; source: string; dryRun?: boolean }): Promise<ImportEventsResult> {
  const ctx = await cliContext(rt.db, o.tenant);
  const { profiles, collection } = createCustomers({ db: rt.db, config: rt.config, log: rt.log, metrics: createMetrics() });
  await profiles.start();
  try {
    const { size } = await stat(file);
    const bar = progressBar(o.dryRun ? 'checking events' : 'importing events');
    const r = await importEvents(ctx, collection.collector, o.source, createReadStream(file), { totalBytes: size, dryRun: o.dryRun, onProgress: bar.update });
    bar.stop();
    // Profiles, computed traits and segments are current before the command ends.
    await collection.drain();
    await profiles.idle();
    return r;
  } finally {
    await collection.stop();
    await profiles.stop();
  }
}

/** The summary lines of an import, bad rows first. */
export function importReport(r: ImportEventsResult): string {
  const lines = r.errors.slice(0, 50).map((e) => `  row ${e.row}, ${e.column}: ${e.message}`);
  const more = r.errors.length - Math.min(50, r.errors.length) + r.moreErrors;
  if (more > 0) lines.push(`  … and ${more} more`);
  const bad = r.errors.length + r.moreErrors;
  lines.push(
    r.dryRun
      ? `${r.rows} rows read, ${r.rows - bad} valid; nothing was written (dry run)`
      : `${r.rows} rows read: ${r.stored} events stored, ${r.duplicates} already there (a re-run), ${bad} rows refused`,
  );
  return `${lines.join('\n')}\n`;
}
