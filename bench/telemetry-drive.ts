import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds } from './cpu-usage.ts';
import { latencyBuckets, type PublisherJob, type PublisherReport } from './telemetry-publisher.ts';

/**
 * Drives the publisher processes of `storeos bench telemetry` against one MQTT port: connect, warm up, measure, and
 * add up what they report, with the CPU each watched group of processes used meanwhile.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = import.meta.resolve('tsx/esm');

/** How the publishers load an endpoint. */
export interface Load {
  tokens: string[];
  publishers: number;
  window: number;
  /** How many devices (the first ones) trip the alarm rule now and then. */
  trippers: number;
}

/** What one measured window (or several, added up) gave. */
export interface RunResult {
  ackedInWindow: number;
  errors: number;
  seconds: number;
  /** PUBACK latency histogram, 0.1 ms buckets. */
  latency: number[];
  windowStart: number;
  windowEnd: number;
  trips: number;
  /** CPU seconds each watched group used during the window. */
  cpu: Record<string, number>;
}

/** Waits for a child's first IPC message that has `key`. */
export function reply<T>(child: ChildProcess, key: string, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${key} from child ${child.pid} within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (msg: Record<string, unknown>) => {
      if (msg.error) reject(new Error(String(msg.error)));
      else if (key in msg) resolve(msg[key] as T);
      else return;
      clearTimeout(timer);
      child.off('message', onMessage);
    };
    child.on('message', onMessage);
  });
}

/** The latency (ms) under which a share `p` of the histogram's messages were acknowledged. */
export function percentile(hist: number[], p: number): number {
  const total = hist.reduce((a, b) => a + b, 0);
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i];
    if (seen >= total * p) return i / 10;
  }
  return (hist.length - 1) / 10;
}

/** Two measured windows as one: counts, seconds, latencies and CPU added up. */
export function combine(a: RunResult, b: RunResult): RunResult {
  const cpu = { ...a.cpu };
  for (const [name, s] of Object.entries(b.cpu)) cpu[name] = (cpu[name] ?? 0) + s;
  return {
    ackedInWindow: a.ackedInWindow + b.ackedInWindow,
    errors: a.errors + b.errors,
    seconds: a.seconds + b.seconds,
    latency: a.latency.map((n, i) => n + b.latency[i]),
    windowStart: Math.min(a.windowStart, b.windowStart),
    windowEnd: Math.max(a.windowEnd, b.windowEnd),
    trips: a.trips + b.trips,
    cpu,
  };
}

/** Runs the publishers against `port`: 3 s of warm-up (not counted), then `seconds` measured. */
export async function drive(port: number, load: Load, seconds: number, watch: Record<string, () => number[]>): Promise<RunResult> {
  const per = Math.ceil(load.tokens.length / load.publishers);
  const children = Array.from({ length: load.publishers }, () =>
    fork(path.join(here, 'telemetry-publisher.ts'), [], { execArgv: ['--import', tsx], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  try {
    await Promise.all(
      children.map((child, k) => {
        const job: PublisherJob = {
          port,
          tokens: load.tokens.slice(k * per, (k + 1) * per),
          trippers: k === 0 ? load.trippers : 0,
          window: load.window,
          tripEveryMs: 2000,
        };
        child.send({ job });
        return reply<number>(child, 'connected');
      }),
    );
    const go = (ms: number) =>
      Promise.all(
        children.map((child) => {
          child.send({ go: ms });
          return reply<PublisherReport>(child, 'report', ms + 60_000);
        }),
      );
    // Warm-up: JIT, connection pools, first partitions and keys; not part of the figure.
    await go(3000);
    const groups: Record<string, () => number[]> = { ...watch, publishers: () => children.flatMap((c) => (c.pid ? [c.pid] : [])) };
    const before = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, cpuSeconds(pids)]));
    const reports = await go(seconds * 1000);
    const cpu = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, cpuSeconds(pids) - before[name]]));
    const latency = new Array<number>(latencyBuckets).fill(0);
    for (const r of reports) {
      for (let i = 0; i < latency.length; i++) latency[i] += r.latency[i];
    }
    const sum = (f: (r: PublisherReport) => number) => reports.reduce((a, r) => a + f(r), 0);
    return {
      ackedInWindow: sum((r) => r.ackedInWindow),
      errors: sum((r) => r.errors),
      seconds,
      latency,
      windowStart: Math.min(...reports.map((r) => r.windowStart)),
      windowEnd: Math.max(...reports.map((r) => r.windowEnd)),
      trips: sum((r) => r.trips),
      cpu,
    };
  } finally {
    for (const child of children) child.send({ stop: true });
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
  }
}
