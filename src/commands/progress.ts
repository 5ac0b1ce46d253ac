import cliProgress from 'cli-progress';

/** A progress bar on stderr for long CLI work; when stderr is not a terminal (a log, CI), a line at most every second instead. */
export function progressBar(label: string): { update(done: number, total: number): void; stop(): void } {
  const tty = process.stderr.isTTY;
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`, stream: process.stderr, noTTYOutput: false, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let last = { done: 0, total: 0 };
  let printed = { done: -1, at: 0 };
  const printLine = () => {
    process.stderr.write(`${label}: ${last.done}/${last.total}\n`);
    printed = { done: last.done, at: Date.now() };
  };
  return {
    update(done, total) {
      last = { done, total };
      if (!tty) {
        if (Date.now() - printed.at >= 1000) printLine();
        return;
      }
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
      else if (last.total && printed.done !== last.done) printLine();
    },
  };
}
