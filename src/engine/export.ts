/**
 * The exported result: one JSON schema and one CSV layout, written by the CLI and by the page
 * alike, so that runs from either can be compared by a script. Every export carries its receipt.
 */
import { CONDITIONS, type Condition } from './config';
import type { ExperimentResult } from './experiment';
import { DIGITS } from './mlp';

export const RESULT_SCHEMA = 'subliminal-mnist/result@1';

export interface ResultExport extends ExperimentResult {
  schema: typeof RESULT_SCHEMA;
  createdAt: string;
  /** Where it ran, e.g. "node v20.20.2 linux x64" or a browser's user agent. */
  runtime: string;
}

export function toExport(result: ExperimentResult, runtime: string, createdAt = new Date()): ResultExport {
  return { schema: RESULT_SCHEMA, createdAt: createdAt.toISOString(), runtime, ...result };
}

/** Parses and checks an exported result; throws with a clear message when it is not one. */
export function parseExport(text: string): ResultExport {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || (value as { schema?: unknown }).schema !== RESULT_SCHEMA)
    throw new Error(`not a ${RESULT_SCHEMA} file`);
  const candidate = value as ResultExport;
  if (!Array.isArray(candidate.seeds) || typeof candidate.config !== 'object')
    throw new Error(`${RESULT_SCHEMA}: missing seeds or config`);
  return candidate;
}

const ALL_CONDITIONS: Condition[] = ['reference', ...CONDITIONS];

/** The receipt in words: what ran, where, and how long; printed by the CLI and drawn under exported charts. */
export function receiptLines(result: Pick<ExperimentResult, 'config' | 'backend' | 'tfjsVersion' | 'seeds' | 'wallMs' | 'phaseMs'>, runtime: string): string[] {
  const seconds = (ms: number) => (ms / 1000).toFixed(1) + ' s';
  const config = Object.entries(result.config)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`)
    .join(' ');
  const phases = Object.entries(result.phaseMs)
    .map(([phase, ms]) => `${phase} ${seconds(ms)}`)
    .join(', ');
  return [
    `seeds: ${result.seeds.map((s) => s.seed).join(', ')}`,
    `config: ${config}`,
    `backend: ${result.backend} (tfjs ${result.tfjsVersion}), ${runtime}`,
    `wall time: ${seconds(result.wallMs)}; training time per phase (summed over parallel workers): ${phases}`,
  ];
}

function csvNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

/**
 * One row per seed, condition and evaluation: `final` rows carry per-digit accuracy, history
 * rows (every evalEvery steps) the overall accuracy only.
 */
export function toCsv(result: ExperimentResult): string {
  const digitColumns = Array.from({ length: DIGITS }, (_, d) => `digit_${d}`);
  const lines = [['seed', 'condition', 'step', 'final', 'accuracy', ...digitColumns].join(',')];
  for (const seed of result.seeds) {
    for (const condition of ALL_CONDITIONS) {
      for (const point of seed.history[condition] ?? []) {
        lines.push([seed.seed, condition, point.step, 0, point.accuracy, ...digitColumns.map(() => '')].join(','));
      }
      const final = seed.accuracy[condition];
      if (final) lines.push([seed.seed, condition, '', 1, final.overall, ...final.perDigit.map(csvNumber)].join(','));
    }
  }
  return lines.join('\n') + '\n';
}
