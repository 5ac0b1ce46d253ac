// Builds the console into console/dist before the browser tests when it is missing or older than
// its sources — once, even when several test files start at the same time.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const consoleRoot = path.join(repoRoot, 'console');
const builtIndex = path.join(consoleRoot, 'dist', 'index.html');

function newestSourceTime(entry: string): number {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(entry).map((name) => newestSourceTime(path.join(entry, name))));
}

function isBuildCurrent(): boolean {
  if (!existsSync(builtIndex)) return false;
  const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((name) => path.join(consoleRoot, name)).filter((entry) => existsSync(entry));
  return statSync(builtIndex).mtimeMs >= Math.max(...sources.map(newestSourceTime));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Makes sure console/dist holds a build of the current console sources. */
export async function ensureConsoleBuilt(): Promise<void> {
  if (isBuildCurrent()) return;
  // One builder at a time: a directory is created atomically, so it serves as the lock.
  const key = createHash('sha1').update(repoRoot).digest('hex').slice(0, 12);
  const lock = path.join(os.tmpdir(), `storeos-console-build-${key}`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // a lock older than the longest build was left by a killed run
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for another console build (lock ${lock})`);
      await sleep(500);
    }
  }
  try {
    if (!isBuildCurrent()) {
      // vitest sets NODE_ENV=test, which vite would honour: the tests must drive the production bundle
      const env = { ...process.env, NODE_ENV: 'production' };
      execFileSync('npx', ['vite', 'build', 'console', '--logLevel', 'warn'], { cwd: repoRoot, env, stdio: 'inherit' });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
