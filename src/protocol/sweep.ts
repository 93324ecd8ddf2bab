/**
 * Sweeps: one or two settings (numbers, or patterns of parts) over listed values, each value × seed an independent job
 * (a run of one seed with that value), so that a sweep can be split into deterministic shards,
 * run anywhere, and merged into exactly the file one machine would have written. One file format
 * for the CLI's output, the merge and the page's sweep figures.
 */
import { ALL_CONDITIONS, STUDENT_CONDITIONS, type Condition } from './conditions';
import {
  CONFIG_SCHEMA,
  commandFlags,
  configFromStrings,
  flagOf,
  inertProblem,
  isConfigKey,
  needsOf,
  refusalText,
  settingNamed,
  validateConfig,
  valueProblem,
  type Config,
  type ConfigKey,
} from './config';
import { seedRange, summarizeFavourite, summarizeSeeds, type ExperimentResult, type ResultSummary, type SeedResult } from './results';

export const SWEEP_SCHEMA = 'subliminal-mnist/sweep@1';

/** A value a sweep gives a setting: a number, or a pattern of parts in its canonical text (shareParts). */
export type AxisValue = number | string;

/** A setting and the values a sweep gives it, in the order listed. */
export interface Axis {
  key: ConfigKey;
  values: AxisValue[];
}

/**
 * Settings a sweep may vary: numeric ones, and as categories the pattern of shared parts and the
 * choices of how every model trains (the student's loss, the initialisation scheme, the noise); but not the
 * seeds, which are a sweep's other axis, nor the choices of which models train.
 */
export const SWEEPABLE = (Object.keys(CONFIG_SCHEMA) as ConfigKey[]).filter((key) => {
  const field = CONFIG_SCHEMA[key];
  return (field.kind !== 'enum' || ('sweepable' in field && field.sweepable)) && key !== 'seed' && key !== 'seeds';
});

/**
 * Parses "initShare=0,0.5,0.9,1" (or "init-share=…", as the flag is spelled) into an axis, each
 * value checked against the setting's range; a refusal names what is wrong.
 */
export function parseAxis(text: string): { axis?: Axis; issue?: string } {
  const at = text.indexOf('=');
  const name = at < 0 ? text : text.slice(0, at);
  const key = settingNamed(name);
  const refuse = (why: string) => ({ issue: `--vary ${text}: ${why}` });
  if (key === null) return refuse(`there is no setting "${name}"; a sweep can vary ${SWEEPABLE.join(', ')}`);
  if (key === 'seed' || key === 'seeds') return refuse('the seeds are every sweep’s other axis: give --seed and --seeds instead');
  if (!SWEEPABLE.includes(key)) {
    const what = CONFIG_SCHEMA[key].role === 'machine' ? 'sets where the run computes' : 'is a choice of which models train';
    return refuse(`${key} ${what}, not a setting a sweep varies; a sweep can vary ${SWEEPABLE.join(', ')}`);
  }
  const parts =
    at < 0
      ? []
      : text
          .slice(at + 1)
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== '');
  if (parts.length === 0) return refuse(`give the values, e.g. --vary ${key}=1,2,3`);
  const values: AxisValue[] = [];
  for (const part of parts) {
    const problem = valueProblem(key, part);
    if (problem) return refuse(problem);
    // As the run keeps it (a pattern in its canonical text), so that "aux+digits" and "heads" are one value.
    const value = configFromStrings([[key, part]]).config[key];
    const earlier = values.indexOf(value);
    if (earlier >= 0) return refuse(parts[earlier] === part ? `${part} is listed twice` : `${part} is the same value as ${parts[earlier]}`);
    values.push(value);
  }
  return { axis: { key, values } };
}

/**
 * Axes over a setting that shapes no model of a run with this base config (initShare without a
 * partly shared student): every value would give the same results. Each refusal names the
 * setting's value that gives it effect, as a flag.
 */
export function inertAxes(base: Config, axes: readonly Axis[]): string[] {
  return axes.flatMap(({ key }) => {
    // Another axis may set what gives this one effect: it must have effect in every cell of the grid.
    const needed = needsOf(key)?.key;
    const neededAxis = axes.find((axis) => axis.key === needed);
    const cells = neededAxis ? neededAxis.values.map((value) => ({ ...base, [neededAxis.key]: value }) as Config) : [base];
    for (const cell of cells) {
      const problem = inertProblem(key, cell, `--vary ${key}`);
      if (problem)
        return [`${problem}${neededAxis ? ` (a value --vary ${neededAxis.key} lists)` : ''}, and every value would give the same results`];
    }
    return [];
  });
}

/** One job of a sweep: its values of the varied settings and its seed. */
export interface SweepJob {
  values: Partial<Record<ConfigKey, AxisValue>>;
  seed: number;
}

/** A sweep's jobs in their one order: the first axis outermost, then the second, then the seeds. */
export function sweepJobs(base: Config, axes: readonly Axis[]): SweepJob[] {
  let combos: SweepJob['values'][] = [{}];
  for (const axis of axes) combos = combos.flatMap((combo) => axis.values.map((value) => ({ ...combo, [axis.key]: value })));
  return combos.flatMap((values) => seedRange(base).map((seed) => ({ values, seed })));
}

/** The config of one job: the base with the job's values, one seed. */
export function jobConfig(base: Config, job: SweepJob): Config {
  return { ...base, ...job.values, seed: job.seed, seeds: 1 } as Config;
}

export interface Shard {
  /** 1 … count. */
  index: number;
  count: number;
}

/** Parses "2/4" (the second of four shards). */
export function parseShard(text: string): { shard?: Shard; issue?: string } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!match || count < 1 || index < 1 || index > count) return { issue: `--shard ${text}: expected i/n with 1 ≤ i ≤ n, e.g. --shard 1/4` };
  return { shard: { index, count } };
}

/** The jobs of a shard: every count-th job from its index on, so each shard gets a share of every value. */
export const shardJobs = <T>(jobs: readonly T[], shard: Shard | null): T[] =>
  shard ? jobs.filter((_, i) => i % shard.count === shard.index - 1) : [...jobs];

/** A finished job: its seed's results (accuracy, history, alignment, favourite rates) and how it ran. */
export interface SweepJobResult extends SweepJob {
  result: SeedResult;
  kernels: ExperimentResult['kernels'];
  /** Wall time of the job, ms (not part of what a merge compares). */
  wallMs: number;
}

/** Each value combination's summary over its seeds. */
export interface SweepPoint {
  values: SweepJob['values'];
  summary: ResultSummary;
  favouriteSummary?: ResultSummary;
}

export interface SweepFile {
  schema: typeof SWEEP_SCHEMA;
  createdAt: string;
  runtime: string;
  backend: string;
  tfjsVersion: string;
  /** The settings every job shares (each varied one is overridden by the job's value; seeds by its seed). */
  config: Config;
  axes: Axis[];
  /** The shard this file holds, or null for a whole sweep (also what a merge of every shard writes). */
  shard: Shard | null;
  /** How many jobs the whole sweep has, and which this file holds, in sweep order. */
  totalJobs: number;
  jobs: SweepJobResult[];
  points: SweepPoint[];
  wallMs: number;
}

const sameValues = (a: SweepJob['values'], b: SweepJob['values']) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k as ConfigKey] === v);

/** Jobs with the same values together (a value's seeds, to train side by side), in the order each value first appears. */
export function groupByValues<T extends SweepJob>(jobs: readonly T[]): T[][] {
  const groups: T[][] = [];
  for (const job of jobs) {
    const group = groups.find((g) => sameValues(g[0].values, job.values));
    if (group) group.push(job);
    else groups.push([job]);
  }
  return groups;
}

/** Whether two jobs are the same job of a sweep (its values and seed). */
export const sameJob = (a: SweepJob, b: SweepJob) => a.seed === b.seed && sameValues(a.values, b.values);

/** Each value combination's summaries from the jobs that ran, in sweep order. */
export function sweepPoints(base: Config, axes: readonly Axis[], jobs: readonly SweepJobResult[]): SweepPoint[] {
  const combos = sweepJobs({ ...base, seeds: 1 }, axes).map((job) => job.values);
  return combos.flatMap((values) => {
    const seeds = jobs.filter((job) => sameValues(job.values, values)).map((job) => job.result);
    if (seeds.length === 0) return [];
    const favourite = seeds.some((s) => s.favouriteRate);
    return [{ values, summary: summarizeSeeds(seeds), ...(favourite && { favouriteSummary: summarizeFavourite(seeds) }) }];
  });
}

/** The jobs of a file in sweep order (as one machine would have run them). */
function inSweepOrder(file: Pick<SweepFile, 'config' | 'axes'>, jobs: readonly SweepJobResult[]): SweepJobResult[] {
  const order = sweepJobs(file.config, file.axes);
  const index = (job: SweepJob) => order.findIndex((o) => sameJob(o, job));
  return [...jobs].sort((a, b) => index(a) - index(b));
}

export function assembleSweep(parts: Omit<SweepFile, 'schema' | 'points' | 'totalJobs'>): SweepFile {
  const jobs = inSweepOrder(parts, parts.jobs);
  return {
    schema: SWEEP_SCHEMA,
    ...parts,
    totalJobs: sweepJobs(parts.config, parts.axes).length,
    jobs,
    points: sweepPoints(parts.config, parts.axes, jobs),
  };
}

/** Checks that a value (parsed JSON) is a sweep file; throws with a clear message when it is not. */
export function checkSweep(value: unknown): SweepFile {
  if (typeof value !== 'object' || value === null || (value as { schema?: unknown }).schema !== SWEEP_SCHEMA)
    throw new Error(`not a ${SWEEP_SCHEMA} file`);
  const file = value as SweepFile;
  if (!Array.isArray(file.jobs) || !Array.isArray(file.axes) || !Array.isArray(file.points) || typeof file.config !== 'object')
    throw new Error(`${SWEEP_SCHEMA}: missing jobs, axes, points or config`);
  const { config, issues } = validateConfig(file.config as unknown as Record<string, unknown>);
  if (issues.length > 0) throw new Error(`${SWEEP_SCHEMA}: its config is not valid (${refusalText(issues[0])})`);
  for (const axis of file.axes) {
    if (!isConfigKey(axis.key) || !SWEEPABLE.includes(axis.key) || !Array.isArray(axis.values))
      throw new Error(`${SWEEP_SCHEMA}: axis ${JSON.stringify(axis)} is not a sweepable setting`);
    const bad = axis.values.find((value) => valueProblem(axis.key, String(value)) !== null);
    if (bad !== undefined) throw new Error(`${SWEEP_SCHEMA}: axis ${axis.key} has a value it cannot take (${JSON.stringify(bad)})`);
  }
  // A setting added since the file was written takes its default, which is what the file's jobs ran with.
  return { ...file, config };
}

export const parseSweep = (text: string) => checkSweep(JSON.parse(text));

/**
 * Joins shards of one sweep into one file: the same settings, axes and seeds in every part, no
 * job twice. The result equals the file the whole sweep would have written (its timing aside);
 * it says how many jobs are still missing when some shard is.
 */
export function mergeSweeps(parts: readonly SweepFile[], runtime: string, createdAt = new Date()): { merged: SweepFile; missing: number } {
  if (parts.length === 0) throw new Error('nothing to merge');
  const [first] = parts;
  const describe = (file: SweepFile) => JSON.stringify({ config: file.config, axes: file.axes });
  for (const [i, part] of parts.entries()) {
    if (describe(part) !== describe(first))
      throw new Error(`file ${i + 1} is not a shard of the same sweep as file 1 (its settings or axes differ)`);
    if (part.backend !== first.backend)
      throw new Error(`file ${i + 1} ran on ${part.backend}, file 1 on ${first.backend}: their results are not one sweep`);
  }
  const seen = new Map<string, number>();
  const jobs: SweepJobResult[] = [];
  parts.forEach((part, i) =>
    part.jobs.forEach((job) => {
      const key = JSON.stringify([job.values, job.seed]);
      const earlier = seen.get(key);
      if (earlier !== undefined) throw new Error(`job ${key} is in file ${earlier + 1} and in file ${i + 1}: merge each shard once`);
      seen.set(key, i);
      jobs.push(job);
    }),
  );
  const merged = assembleSweep({
    createdAt: createdAt.toISOString(),
    runtime,
    backend: first.backend,
    tfjsVersion: first.tfjsVersion,
    config: first.config,
    axes: first.axes,
    shard: null,
    jobs,
    wallMs: parts.reduce((sum, p) => sum + p.wallMs, 0),
  });
  return { merged, missing: merged.totalJobs - jobs.length };
}

/** The sweep as CSV: a row per job and model (its final accuracy and favourite rate), then a row per value combination and model (mean and 95% CI). */
export function sweepCsv(file: SweepFile): string {
  const keys = file.axes.map((a) => a.key);
  const lines = [
    ['kind', ...keys, 'seed', 'condition', 'accuracy', 'favourite_rate', 'n', 'mean', 'ci95', 'favourite_mean', 'favourite_ci95'].join(','),
  ];
  const text = (v: AxisValue | null | undefined) => (v === null || v === undefined ? '' : String(v));
  for (const job of file.jobs)
    for (const condition of ALL_CONDITIONS) {
      const accuracy = job.result.accuracy[condition];
      if (accuracy)
        lines.push(
          [
            'seed',
            ...keys.map((k) => text(job.values[k])),
            job.seed,
            condition,
            accuracy.overall,
            text(job.result.favouriteRate?.[condition]),
            '',
            '',
            '',
            '',
            '',
          ].join(','),
        );
    }
  for (const point of file.points)
    for (const condition of ALL_CONDITIONS) {
      const s = point.summary[condition];
      const f = point.favouriteSummary?.[condition];
      if (s)
        lines.push(
          [
            'summary',
            ...keys.map((k) => text(point.values[k])),
            '',
            condition,
            '',
            '',
            s.n,
            s.mean,
            text(s.ci95),
            text(f?.mean),
            text(f?.ci95),
          ].join(','),
        );
    }
  return lines.join('\n') + '\n';
}

/** One condition of a one-axis sweep as a figure draws it: at each value, the mean, its 95% CI and every seed. */
export interface SweepSeries {
  condition: Condition;
  points: { value: AxisValue; mean: number; ci95: number | null; seeds: number[] }[];
}

/** A one-axis sweep's series for the students it trained (what a sweep is about), from accuracy or favourite rates. */
export function sweepSeries(file: SweepFile, measure: 'accuracy' | 'favourite' = 'accuracy'): SweepSeries[] {
  const [axis] = file.axes;
  const perSeed = (result: SeedResult, c: Condition) => (measure === 'accuracy' ? result.accuracy[c]?.overall : result.favouriteRate?.[c]);
  return STUDENT_CONDITIONS.flatMap((condition) => {
    const points = file.points.flatMap((point) => {
      const s = (measure === 'accuracy' ? point.summary : point.favouriteSummary)?.[condition];
      if (!s) return [];
      const value = point.values[axis.key]!;
      const seeds = file.jobs
        .filter((j) => j.values[axis.key] === value)
        .map((j) => perSeed(j.result, condition))
        .filter((v): v is number => v !== undefined);
      return [{ value, mean: s.mean, ci95: s.ci95, seeds }];
    });
    return points.length > 0 ? [{ condition, points }] : [];
  });
}

/** The command that reproduces a sweep file (its settings as flags, its axes, its seeds). */
export function sweepCommand(file: Pick<SweepFile, 'config' | 'axes'>): string {
  const flags = commandFlags(
    file.config,
    file.axes.map((a) => a.key),
  );
  return ['npm run sweep --', ...file.axes.map((a) => `--vary ${a.key}=${a.values.join(',')}`), ...flags].join(' ');
}

export const SWEEP_JOURNAL_SCHEMA = 'subliminal-mnist/sweep-journal@1';

/** What a journal is kept for: one sweep (or one shard of it) on one backend. Its first line. */
export interface JournalHeader {
  schema: typeof SWEEP_JOURNAL_SCHEMA;
  config: Config;
  axes: Axis[];
  shard: Shard | null;
  backend: string;
}

/** A journal's line for each finished job: its result, and the tfjs that trained it (for the file's receipt). */
export interface JournalEntry {
  job: SweepJobResult;
  backend: string;
  tfjsVersion: string;
}

/** The flag that selects a shard ("--shard 1/2"), empty for a whole sweep. */
const shardFlag = (shard: Shard | null) => (shard ? `--shard ${shard.index}/${shard.count}` : '');

/** One line of a journal (JSON lines: a line is whole once its newline is written). */
export const journalLine = (value: JournalHeader | JournalEntry): string => JSON.stringify(value) + '\n';

/** How the sweep a journal was kept for differs from this one, setting by setting, in flags; empty when it is the same sweep. */
function journalDifferences(kept: JournalHeader, sweep: JournalHeader): string[] {
  const differences = (Object.keys(sweep.config) as ConfigKey[])
    .filter((key) => kept.config[key] !== sweep.config[key])
    .map((key) => `${flagOf(key)} ${String(kept.config[key])} there, ${String(sweep.config[key])} here`);
  const axes = (header: JournalHeader) => header.axes.map((a) => `--vary ${a.key}=${a.values.join(',')}`).join(' ') || 'no --vary';
  if (axes(kept) !== axes(sweep)) differences.push(`${axes(kept)} there, ${axes(sweep)} here`);
  const shard = (header: JournalHeader) => shardFlag(header.shard) || 'no --shard';
  if (shard(kept) !== shard(sweep)) differences.push(`${shard(kept)} there, ${shard(sweep)} here`);
  if (kept.backend !== sweep.backend) differences.push(`backend ${kept.backend} there, ${sweep.backend} here`);
  return differences;
}

/**
 * Reads a journal kept for `sweep`: the jobs it finished, or why they cannot be resumed (a
 * journal of another sweep, or not a journal). A last line cut short (the process killed as it
 * wrote) is dropped: that job simply trains again.
 */
export function readJournal(text: string, sweep: JournalHeader): { entries: JournalEntry[] } | { problem: string } {
  // Every line that ends in its newline: what follows the last one is empty, or a line cut short.
  const whole = text.split('\n').slice(0, -1);
  const parsed: unknown[] = [];
  for (const [i, line] of whole.entries())
    try {
      parsed.push(JSON.parse(line));
    } catch {
      return { problem: `line ${i + 1} is not JSON; it is not a sweep journal, or it is damaged: delete it to start afresh` };
    }
  const [header, ...entries] = parsed as [JournalHeader | undefined, ...JournalEntry[]];
  if (header?.schema !== SWEEP_JOURNAL_SCHEMA) return { problem: `not a ${SWEEP_JOURNAL_SCHEMA} file: delete it to start afresh` };
  const differences = journalDifferences(header, sweep);
  if (differences.length > 0)
    return {
      problem:
        `it keeps the jobs of another sweep (${differences.join('; ')}). Run that sweep's command to resume it ` +
        `(${[sweepCommand(header), shardFlag(header.shard)].join(' ').trim()}), or delete the journal to start this one afresh`,
    };
  const expected = shardJobs(sweepJobs(sweep.config, sweep.axes), sweep.shard);
  const kept: JournalEntry[] = [];
  for (const entry of entries) {
    if (!expected.some((job) => sameJob(job, entry.job)) || kept.some((k) => sameJob(k.job, entry.job)))
      return {
        problem: `it lists job ${JSON.stringify([entry.job.values, entry.job.seed])}, which is not one of this sweep's or is there twice: delete it to start afresh`,
      };
    kept.push(entry);
  }
  return { entries: kept };
}
