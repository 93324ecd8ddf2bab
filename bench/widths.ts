/**
 * The large sizes' pace, shared by `npm run bench` (Node wasm) and `npm run bench -- --gpu`
 * (WebGPU on Dawn): one model's warm step at hidden 1024 and 2048 beside the timed model's
 * 256 in the same run, as ratios (a busy machine's absolute times say little) set against the
 * ratio the FLOP count predicts, which is what the page's estimate before Run scales by.
 */
import { timeWidths, type TimingOptions, type WidthTiming } from '../src/engine/timing';

export const BENCH_WIDTHS = [1024, 2048];

export interface WidthsEntry {
  machine: string;
  date: string;
  backend: string;
  batchSize: number;
  rounds: number;
  /** Timed steps per round, after the untimed warm-up ones. */
  stepsPerRound: number;
  rows: WidthTiming[];
}

export async function benchWidths(
  machine: string,
  backend: string,
  { rounds, steps, ...options }: { rounds: number; steps: number } & Omit<TimingOptions, 'hidden' | 'models' | 'steps'>,
): Promise<WidthsEntry> {
  const rows = await timeWidths({ widths: BENCH_WIDTHS, rounds, steps, warmup: 1, ...options });
  const batchSize = options.batchSize ?? 1024;
  return { machine, date: new Date().toISOString(), backend, batchSize, rounds, stepsPerRound: steps, rows };
}

/** The entry as a markdown table. */
export function widthsTable(entry: WidthsEntry): string {
  const f = (x: number, d = 1) => x.toFixed(d);
  return [
    `Training step by hidden width, one model, batch ${entry.batchSize}, ${entry.backend}; medians of ${entry.rounds} × ${entry.stepsPerRound} steps:`,
    '| hidden | ms/step | × the 256 step | × by FLOP count |',
    '| --- | --- | --- | --- |',
    ...entry.rows.map((r) => `| ${r.hidden} | ${f(r.medianMs)} | ${f(r.timeRatio, 2)} | ${f(r.flopRatio, 2)} |`),
  ].join('\n');
}
