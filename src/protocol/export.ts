/**
 * The exported result: one JSON schema and one CSV layout, written by the CLI and by the page
 * alike, so that runs from either can be compared by a script. Every export carries its receipt.
 */
import { ALL_CONDITIONS, type StudentCondition } from './conditions';
import { CONFIG_KEYS, defaultConfig, valueText } from './config';
import { DIGITS } from './constants';
import { seconds } from './format';
import { seedRangeText, type ExperimentResult } from './results';

/**
 * @3: the receipt names each phase's kernels; a favourite-digit run carries favourite rates; a
 * partly shared student. @2: init and distill are fields (not a `conditions` list); each seed has
 * its own data order and noise set. A @2 file is still read (as @3 with the settings it predates
 * at their defaults).
 */
export const RESULT_SCHEMA = 'subliminal-mnist/result@3';
const PREVIOUS_SCHEMA = 'subliminal-mnist/result@2';

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
  return checkExport(JSON.parse(text));
}

/** Checks that a value (parsed JSON) is an exported result. */
export function checkExport(value: unknown): ResultExport {
  const schema = typeof value === 'object' && value !== null ? (value as { schema?: unknown }).schema : undefined;
  if (schema !== RESULT_SCHEMA && schema !== PREVIOUS_SCHEMA) throw new Error(`not a ${RESULT_SCHEMA} file`);
  const candidate = value as ResultExport;
  if (!Array.isArray(candidate.seeds) || typeof candidate.config !== 'object' || typeof candidate.summary !== 'object')
    throw new Error(`${RESULT_SCHEMA}: missing seeds, config or summary`);
  // A setting added since the file was written takes its default, which is what the file's run did.
  const config = { ...defaultConfig(), ...candidate.config };
  if (schema === RESULT_SCHEMA) return { ...candidate, config };
  return { ...candidate, schema: RESULT_SCHEMA, config, kernels: {} };
}

/** The receipt in words: what ran, where, and how long; printed by the CLI, shown under the page's results and drawn under exported charts. */
export function receiptLines(
  result: Pick<ExperimentResult, 'config' | 'backend' | 'tfjsVersion' | 'seeds' | 'wallMs' | 'phaseMs' | 'kernels'>,
  runtime: string,
): string[] {
  const config = CONFIG_KEYS.map((k) => `${k}=${valueText(result.config[k])}`).join(' ');
  const phases = Object.entries(result.phaseMs)
    .map(([phase, ms]) => `${phase} ${seconds(ms)}`)
    .join(', ');
  return [
    `${seedRangeText(result.seeds.map((s) => s.seed))}, each with its own initialisation, data order and noise set`,
    `config: ${config}`,
    `backend: ${result.backend} (tfjs ${result.tfjsVersion}), ${runtime}`,
    `kernels: ${kernelsText(result.kernels)}`,
    `wall time: ${seconds(result.wallMs)}; training time per phase (summed over parallel workers): ${phases}`,
  ];
}

/** Which step trained each phase, grouped: "fused-webgpu: teacher, aux-shared; tfjs (…): teacher noise pass". */
export function kernelsText(kernels: ExperimentResult['kernels']): string {
  const groups = new Map<string, string[]>();
  for (const [phase, use] of Object.entries(kernels)) {
    const key = use.fallback ? `${use.step} (the fused step could not run: ${use.fallback})` : use.step;
    groups.set(key, [...(groups.get(key) ?? []), phase]);
  }
  return groups.size === 0 ? 'not recorded' : [...groups].map(([step, phases]) => `${step} for ${phases.join(', ')}`).join('; ');
}

function csvNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

/**
 * One row per seed, condition and evaluation: `final` rows carry per-digit accuracy, history
 * rows (every evalEvery steps) the overall accuracy only; favourite_rate is filled in a
 * favourite-digit run, alignment (the overall cosine of the update with the teacher's) for students.
 */
export function toCsv(result: ExperimentResult): string {
  const digitColumns = Array.from({ length: DIGITS }, (_, d) => `digit_${d}`);
  const lines = [['seed', 'condition', 'step', 'final', 'accuracy', 'favourite_rate', 'alignment', ...digitColumns].join(',')];
  for (const seed of result.seeds) {
    for (const condition of ALL_CONDITIONS) {
      for (const point of seed.history[condition] ?? []) {
        lines.push(
          [
            seed.seed,
            condition,
            point.step,
            0,
            point.accuracy,
            csvNumber(point.favouriteRate),
            csvNumber(point.alignment),
            ...digitColumns.map(() => ''),
          ].join(','),
        );
      }
      const final = seed.accuracy[condition];
      if (final)
        lines.push(
          [
            seed.seed,
            condition,
            '',
            1,
            final.overall,
            csvNumber(seed.favouriteRate?.[condition]),
            csvNumber(seed.alignment?.[condition as StudentCondition]?.overall),
            ...final.perDigit.map(csvNumber),
          ].join(','),
        );
    }
  }
  return lines.join('\n') + '\n';
}
