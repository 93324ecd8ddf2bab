/** The CLI's progress line on stderr: redrawn in place on a terminal, one line per 5% otherwise (CI logs). */

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** A reporter for `total` steps of work: call it with the steps done so far and what is training. */
export function progressReporter(total: number, unit = 'steps') {
  const started = performance.now();
  let lastPercent = -1;
  return (done: number, what: string) => {
    const elapsed = performance.now() - started;
    const fraction = done / total;
    const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
    const width = 30;
    const filled = Math.round(fraction * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const text = `${bar} ${(100 * fraction).toFixed(0).padStart(3)}%  ${done}/${total} ${unit}  ${formatDuration(elapsed)} elapsed  ETA ${Number.isNaN(eta) ? '…' : formatDuration(eta)}  ${what}`;
    if (process.stderr.isTTY)
      process.stderr.write(`\r${text.padEnd(process.stderr.columns ?? 120).slice(0, (process.stderr.columns ?? 120) - 1)}`);
    else {
      const percent = Math.floor(fraction * 20);
      if (percent !== lastPercent) process.stderr.write(text + '\n');
      lastPercent = percent;
    }
    if (done === total && process.stderr.isTTY) process.stderr.write('\n');
  };
}
