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

/** Runs autocannon (bench/load.mjs) in its own process, so it does not share the server's event loop, against a set of GET paths. */
export function runLoad(opts: { url: string; connections: number; duration: number; headers: Record<string, string>; paths: string[] }): Promise<Load> {
  const args = {
    url: opts.url,
    connections: opts.connections,
    duration: opts.duration,
    headers: opts.headers,
    requests: opts.paths.map((p) => ({ method: 'GET', path: p })),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, 'load.mjs'), JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as Load) : reject(new Error(`load generator exited ${code}`))));
  });
}
