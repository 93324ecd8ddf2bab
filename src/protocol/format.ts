/** Numbers in words, the same everywhere: tables, charts, the CLI and exported receipts. */

/** 0.4567 → "45.7%". */
export const pct = (x: number, digits = 1) => `${(100 * x).toFixed(digits)}%`;

/** A mean and its interval's half-width: "45.7% ± 2.1", or "45.7%" where one seed gives no interval. */
export const estimateText = (e: { mean: number; ci95: number | null }) =>
  `${pct(e.mean)}${e.ci95 === null ? '' : ` ± ${(100 * e.ci95).toFixed(1)}`}`;

/** Milliseconds → "12 s" or "2 min 05 s". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}

/** Milliseconds → "12.3 s", for receipts. */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The interval every summary over seeds shows, named as every legend names it. */
export const INTERVAL_NAME = "95% interval (Student's t)";

/** What a summary over n seeds shows: its mean and interval, or, from one seed, that there is no interval to show. */
export const overSeeds = (n: number) =>
  n === 1 ? 'from one seed (one seed gives no interval)' : `mean ± ${INTERVAL_NAME} over ${n} seeds`;
