/**
 * What the "Which parts must match?" figures draw, read from recorded sweep files: the
 * part-by-part student's accuracy per pattern of shared parts (one axis, shareParts), and per m
 * and pattern (two axes, m and shareParts, one file per initialisation scheme). Each value is the
 * summary the sweep file holds (mean and Student-t interval over seeds) with the seeds themselves;
 * a file of another shape is refused with what it lacks.
 */
import type { StudentCondition, TrainedCondition } from './conditions';
import type { ConfigKey, InitScheme } from './config';
import { partsOf, type NetworkPart, type SharePattern } from './parts';
import { sweepCommand, type SweepFile } from './sweep';

/** The student the which-parts figures are about: the part-by-part start, imitating the auxiliary logits alone. */
export const PARTS_STUDENT: StudentCondition = 'aux-parts';

export interface Estimate {
  mean: number;
  /** Half-width of the 95% interval (Student's t), null for one seed. */
  ci95: number | null;
  seeds: number[];
}

export interface PatternRow extends Estimate {
  pattern: SharePattern;
  parts: NetworkPart[];
}

export interface WhichPartsFigure {
  rows: PatternRow[];
  /** The teacher's test accuracy over its seeds (the same teachers for every pattern). */
  teacher: Estimate | null;
  /** The hidden layers of the sweep's networks, as its patterns name them. */
  depth: number;
  command: string;
}

export interface BudgetSeries {
  pattern: SharePattern;
  parts: NetworkPart[];
  points: (Estimate & { m: number })[];
}

export interface BudgetFigure {
  scheme: InitScheme;
  series: BudgetSeries[];
  /** The hidden layers of the sweep's networks, as its patterns name them. */
  depth: number;
  command: string;
}

const keysOf = (file: SweepFile) => file.axes.map((a) => a.key);

function requireAxes(file: SweepFile, wanted: readonly ConfigKey[]) {
  const keys = keysOf(file);
  if (keys.length !== wanted.length || wanted.some((key) => !keys.includes(key)))
    throw new Error(`this sweep varies ${keys.join(' and ') || 'nothing'}; the figure draws a sweep over ${wanted.join(' and ')}`);
  if (file.config.init !== 'parts') throw new Error(`this sweep's students start "${file.config.init}", not part by part (--init parts)`);
}

/** One condition's estimate over the jobs whose values match `values`, from the file's summary and its jobs' seeds. */
export function estimateAt(file: SweepFile, values: SweepFile['points'][number]['values'], condition: TrainedCondition): Estimate | null {
  const same = (other: typeof values) => Object.entries(values).every(([key, value]) => other[key as ConfigKey] === value);
  const summary = file.points.find((point) => same(point.values))?.summary[condition];
  if (!summary) return null;
  const seeds = file.jobs
    .filter((job) => same(job.values))
    .map((job) => job.result.accuracy[condition]?.overall)
    .filter((v): v is number => v !== undefined);
  return { mean: summary.mean, ci95: summary.ci95, seeds };
}

/** A sweep over shareParts as the which-parts figure draws it: a row per pattern, in the order the sweep lists them. */
export function whichPartsFigure(file: SweepFile): WhichPartsFigure {
  requireAxes(file, ['shareParts']);
  const [axis] = file.axes;
  const rows = axis.values.flatMap((value) => {
    const pattern = String(value);
    const estimate = estimateAt(file, { shareParts: pattern }, PARTS_STUDENT);
    return estimate ? [{ pattern, parts: partsOf(pattern, file.config.depth), ...estimate }] : [];
  });
  if (rows.length === 0) throw new Error(`this sweep holds no ${PARTS_STUDENT} student (give --distill aux or both)`);
  // The teacher does not depend on the student's pattern: its seeds are the same for every value, so the first value's summary is its.
  const teacher = estimateAt(file, { shareParts: String(axis.values[0]) }, 'teacher');
  return { rows, teacher, depth: file.config.depth, command: sweepCommand(file) };
}

/** A sweep over m and shareParts as the budget figure draws it: a series per pattern, its points in increasing m. */
export function budgetFigure(file: SweepFile): BudgetFigure {
  requireAxes(file, ['m', 'shareParts']);
  const ms = [...(file.axes.find((a) => a.key === 'm')!.values as number[])].sort((a, b) => a - b);
  const patterns = file.axes.find((a) => a.key === 'shareParts')!.values.map(String);
  const series = patterns.map((pattern) => ({
    pattern,
    parts: partsOf(pattern, file.config.depth),
    points: ms.flatMap((m) => {
      const estimate = estimateAt(file, { m, shareParts: pattern }, PARTS_STUDENT);
      return estimate ? [{ m, ...estimate }] : [];
    }),
  }));
  if (series.every((s) => s.points.length === 0))
    throw new Error(`this sweep holds no ${PARTS_STUDENT} student (give --distill aux or both)`);
  return { scheme: file.config.initScheme, series, depth: file.config.depth, command: sweepCommand(file) };
}
