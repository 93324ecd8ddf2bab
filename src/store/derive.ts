/**
 * Series the page draws, derived once in the store (not in each component): accuracy curves
 * per seed with their mean and 95% band, the results figure's bars, all from the same
 * summary function as the exports (protocol/results.ts), and the means over seeds of the latest
 * accuracy per digit and the latest alignment per layer.
 *
 * The curves grow one evaluation at a time, at a cost that does not grow with the run: a point
 * is appended to its line, its condition's band reads only the other seeds' latest points, and
 * every other line and band keeps its object (a chart of them does not redraw). A line's or a
 * band's array is made when it is first read, once.
 */
import { ALL_CONDITIONS, type Condition } from '../protocol/conditions';
import type { Alignment, ExperimentResult, ResultSummary, SeedResult } from '../protocol/results';
import { summarizeFavourite, summarizeSeeds } from '../protocol/results';
import { summarize } from '../protocol/stats';
import { AppendLog } from './appendLog';

export interface CurvePoint {
  seed: number;
  /** Step of the run's timeline: the teacher first, then each student after it. */
  step: number;
  value: number;
}

export interface Series {
  key: string;
  condition: Condition;
  seed: number;
  readonly points: readonly { step: number; value: number }[];
}

export interface BandPoint {
  step: number;
  mean: number;
  range: [number, number];
}

export interface Band {
  condition: Condition;
  /** Mean and 95% CI across seeds at each evaluated step where at least two seeds have reached it. */
  readonly points: readonly BandPoint[];
}

export interface FigureBar {
  condition: Condition;
  /** Every seed's accuracy, in seed order. */
  values: number[];
  mean: number;
  ci95: number | null;
}

interface Line {
  points: AppendLog<{ step: number; value: number }>;
  /** Whether the steps never went back, so that a step's points are found by reading back from the end. */
  inOrder: boolean;
}

// What each line and band grows from, out of sight of the components (and of deep equality).
const lines = new WeakMap<Series, Line>();
/** Each band's summaries in the order they were made: a step's latest one is its point. */
const revisions = new WeakMap<Band, AppendLog<BandPoint>>();

function lineSeries(condition: Condition, seed: number, line: Line): Series {
  const series = {
    key: `${condition}#${seed}`,
    condition,
    seed,
    get points() {
      return line.points.items;
    },
  };
  lines.set(series, line);
  return series;
}

function band(condition: Condition, log: AppendLog<BandPoint>): Band {
  let points: BandPoint[] | undefined;
  const made = {
    condition,
    get points() {
      return (points ??= latestPerStep(log));
    },
  };
  revisions.set(made, log);
  return made;
}

/** A band's points: each step's latest summary, in step order. */
function latestPerStep(log: AppendLog<BandPoint>): BandPoint[] {
  const points: BandPoint[] = [];
  for (let i = 0; i < log.length; i++) {
    const point = log.at(i);
    // Summaries come step by step; one from a seed that lags the others lands a little way back.
    let at = points.length;
    while (at > 0 && points[at - 1].step > point.step) at--;
    if (at > 0 && points[at - 1].step === point.step) points[at - 1] = point;
    else points.splice(at, 0, point);
  }
  return points;
}

/** `list` with `item` at `index`, or (index −1) added after the last of its condition: conditions in table order. */
function placed<T extends { condition: Condition }>(list: readonly T[], item: T, index: number): T[] {
  if (index >= 0) return list.with(index, item);
  const rank = ALL_CONDITIONS.indexOf(item.condition);
  const next = list.findIndex((other) => ALL_CONDITIONS.indexOf(other.condition) > rank);
  return next === -1 ? [...list, item] : list.toSpliced(next, 0, item);
}

/**
 * `series` with one more point on the line of `condition` and `point.seed`: one line per condition
 * and seed, conditions in table order and seeds in the order they first report.
 */
export function withPoint(series: Series[], condition: Condition, { seed, step, value }: CurvePoint): Series[] {
  const index = series.findIndex((s) => s.condition === condition && s.seed === seed);
  const line = index === -1 ? { points: AppendLog.empty<{ step: number; value: number }>(), inOrder: true } : lines.get(series[index])!;
  const last = line.points.length > 0 ? line.points.at(line.points.length - 1).step : -Infinity;
  const grown = { points: line.points.append({ step, value }), inOrder: line.inOrder && step >= last };
  return placed(series, lineSeries(condition, seed, grown), index);
}

/** A line's values at `step`, in order. */
function valuesAt({ points, inOrder }: Line, step: number): number[] {
  const values: number[] = [];
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points.at(i);
    if (inOrder && p.step < step) break;
    if (p.step === step) values.push(p.value);
  }
  return values.reverse();
}

/**
 * `bands` once `series` has a new point of `condition` at `step`: the mean and 95% CI across seeds
 * there (seeds in the lines' order), where at least two seeds have reached it. Every other band
 * keeps its object, and so does this one while a single seed is there.
 */
function withBandAt(bands: Band[], series: readonly Series[], condition: Condition, step: number): Band[] {
  const values = series.filter((s) => s.condition === condition).flatMap((s) => valuesAt(lines.get(s)!, step));
  const index = bands.findIndex((b) => b.condition === condition);
  if (values.length < 2) return index === -1 ? placed(bands, band(condition, AppendLog.empty()), -1) : bands;
  const { mean, ci95 } = summarize(values);
  const log = index === -1 ? AppendLog.empty<BandPoint>() : revisions.get(bands[index])!;
  return placed(bands, band(condition, log.append({ step, mean, range: [mean - ci95!, mean + ci95!] })), index);
}

/** A measure's lines and bands with one more evaluation of `condition`. */
export function withEvaluation(series: Series[], bands: Band[], condition: Condition, point: CurvePoint): [Series[], Band[]] {
  const grown = withPoint(series, condition, point);
  return [grown, withBandAt(bands, grown, condition, point.step)];
}

/** What a figure shows of each model: test accuracy, or (favourite-digit runs) the favourite rate. */
export type Measure = 'accuracy' | 'favourite';

const valueOf = (seed: Pick<SeedResult, 'accuracy' | 'favouriteRate'>, condition: Condition, measure: Measure) =>
  measure === 'accuracy' ? seed.accuracy[condition]?.overall : seed.favouriteRate?.[condition];

/** The figure's bars: from the finished result when there is one, else from each seed's latest evaluation. */
export function barsOf(
  seeds: readonly Pick<SeedResult, 'seed' | 'accuracy' | 'favouriteRate'>[],
  measure: Measure = 'accuracy',
  summary?: ResultSummary,
): FigureBar[] {
  const ordered = [...seeds].sort((a, b) => a.seed - b.seed);
  const summaries = summary ?? (measure === 'accuracy' ? summarizeSeeds(seeds) : summarizeFavourite(seeds));
  return ALL_CONDITIONS.flatMap((condition) => {
    const s = summaries[condition];
    if (!s) return [];
    const values = ordered.map((seed) => valueOf(seed, condition, measure)).filter((v): v is number => v !== undefined);
    return [{ condition, values, mean: s.mean, ci95: s.ci95 }];
  });
}

/** The bars of a finished result: the very summary its export writes. */
export const barsOfResult = (result: ExperimentResult, measure: Measure = 'accuracy') =>
  barsOf(result.seeds, measure, measure === 'accuracy' ? result.summary : result.favouriteSummary);

/** Each model's latest accuracy on each digit, mean over seeds. */
export interface DigitMeans {
  /** The models evaluated so far, the untrained reference left out, in table order. */
  conditions: Condition[];
  /** A row per digit 0–9: the digit and each model's mean over the seeds whose test images hold that digit. */
  rows: ({ digit: string } & Partial<Record<Condition, number>>)[];
}

export function digitMeans(latest: readonly Pick<SeedResult, 'accuracy'>[]): DigitMeans {
  const conditions = ALL_CONDITIONS.filter((c) => c !== 'reference' && latest.some((s) => s.accuracy[c]));
  const rows = Array.from({ length: 10 }, (_, digit) => {
    const row: DigitMeans['rows'][number] = { digit: String(digit) };
    for (const c of conditions) {
      const values = latest.map((s) => s.accuracy[c]?.perDigit[digit]).filter((v): v is number => v !== null && v !== undefined);
      if (values.length) row[c] = summarize(values).mean;
    }
    return row;
  });
  return { conditions, rows };
}

/** A student's latest cosine with its teacher's update, mean over seeds: over all weights and per layer. */
export interface AlignmentMeans {
  condition: Condition;
  overall: number;
  layers: number[];
}

export function alignmentMeans(latest: Partial<Record<Condition, Record<number, Alignment>>>): AlignmentMeans[] {
  return ALL_CONDITIONS.flatMap((condition) => {
    const values = Object.values(latest[condition] ?? {});
    if (values.length === 0) return [];
    const mean = (pick: (a: Alignment) => number) => summarize(values.map(pick)).mean;
    // Every seed of a run has the same layers.
    const layers = values[0].layers.map((_, l) => mean((a) => a.layers[l]));
    return [{ condition, overall: mean((a) => a.overall), layers }];
  });
}
