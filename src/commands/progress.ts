import cliProgress from 'cli-progress';

/** A progress bar on stderr for long CLI work; silent when stderr is not a terminal, except for a final line. */
export function progressBar(label: string): { update(done: number, total: number): void; stop(): void } {
  const tty = process.stderr.isTTY;
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`, stream: process.stderr, noTTYOutput: false, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let last = { done: 0, total: 0 };
  return {
    update(done, total) {
      last = { done, total };
      if (!tty) return;
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
      else if (last.total) process.stderr.write(`${label}: ${last.done}/${last.total}\n`);
    },
  };
}
