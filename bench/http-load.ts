import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** What one autocannon run gave. */
export interface Load {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  timeouts: number;
}

/**
 * Runs a bench script (`bench/<script>`) in its own node process with `args`; answers what it printed on stdout as
 * JSON. `name` says who failed when it exits with an error.
 */
export function runJsonScript<T>(script: string, args: string[], name: string, onSpawn?: (pid: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.pid) onSpawn?.(child.pid);
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`${name} exited ${code}`))));
  });
}

/** Runs autocannon (bench/load.mjs) in its own process, so it does not share the server's event loop, against a set of GET paths. */
export function runLoad(opts: { url: string; connections: number; duration: number; headers: Record<string, string>; paths: string[] }): Promise<Load> {
  const args = {
    url: opts.url,
    connections: opts.connections,
    duration: opts.duration,
    headers: opts.headers,
    requests: opts.paths.map((p) => ({ method: 'GET', path: p })),
  };
  return runJsonScript<Load>('load.mjs', [JSON.stringify(args)], 'load generator');
}
