import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../kernel/db.ts';

/**
 * Runs data-modifying statements on distinct rows as ONE statement (each a common table expression of it; PostgreSQL
 * runs every one of those whether read or not), in the caller's transaction.
 */
export async function runWrites(tx: Executor, statements: (SQL | undefined)[]): Promise<void> {
  const list = statements.filter((q): q is SQL => q !== undefined);
  if (list.length === 0) return;
  if (list.length === 1) {
    await tx.execute(list[0]);
    return;
  }
  await tx.execute(sql`WITH ${sql.join(writeCtes(list), sql`, `)} SELECT 1`);
}

/** Data-modifying statements as common tables `w0`, `w1`, … of a statement that holds them. */
export function writeCtes(statements: SQL[]): SQL[] {
  return statements.map((q, k) => sql`${sql.raw(`w${k}`)} AS (${q})`);
}
