/** Numbers in words, the same everywhere: tables, charts, the CLI and exported receipts. */

/** 0.4567 → "45.7%". */
export const pct = (x: number, digits = 1) => `${(100 * x).toFixed(digits)}%`;

/** Milliseconds → "12 s" or "2 min 05 s". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}

/** Milliseconds → "12.3 s", for receipts. */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
