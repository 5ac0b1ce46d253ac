import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

/**
 * CPU time of processes from /proc (Linux; zero elsewhere), for `storeos bench telemetry` to say where the machine's
 * cores went during a run: the server, PostgreSQL, the publishers.
 */

const ticksPerSecond = 100;

/** User plus system CPU seconds a process and its exited children have used so far (0 when it is gone). */
function cpuOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime 14, stime 15, and the exited children's 16, 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** The process and all its descendants now. */
export function withDescendants(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSafe('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
    } catch {}
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(parents.get(out[i]) ?? []));
  return out;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** CPU seconds of a group of processes, found again at every reading (PostgreSQL forks backends). */
export function cpuSeconds(pids: () => number[]): number {
  return pids().reduce((sum, pid) => sum + cpuOf(pid), 0);
}

/** CPU seconds used since a `cpuMeter` reading. */
export interface CpuUsed {
  /** This process: the server under test. */
  server: number;
  /** Its children that exited meanwhile (a load generator): their CPU time is added to their parent's. */
  loader: number;
  /** PostgreSQL's processes (0 when the server is not ours to measure). */
  postgres: number;
}

/**
 * Reads where the cores go from now on: this process, its exited children and the PostgreSQL server under
 * `postmaster` (0: not measured); `used()` answers the CPU seconds each has used since.
 */
export function cpuMeter(postmaster: number): { used(): CpuUsed } {
  const pgPids = () => (postmaster ? withDescendants(postmaster) : []);
  const own = process.cpuUsage();
  const all = cpuSeconds(() => [process.pid]);
  const pg = cpuSeconds(pgPids);
  return {
    used() {
      const u = process.cpuUsage(own);
      const server = (u.user + u.system) / 1e6;
      return { server, loader: Math.max(0, cpuSeconds(() => [process.pid]) - all - server), postgres: cpuSeconds(pgPids) - pg };
    },
  };
}

/** Starts a V8 CPU profile of this process; `stop(dir)` writes it into dir as `<name>-<pid>-<time>.cpuprofile`. */
export async function startProfile(name: string): Promise<{ stop(dir: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(dir) {
      const { profile } = await session.post('Profiler.stop');
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `${name}-${process.pid}-${Date.now()}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
      process.stderr.write(`CPU profile of the server: ${file}\n`);
    },
  };
}
