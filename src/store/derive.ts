/**
 * Series the page draws, derived once in the store (not in each component): accuracy curves
 * per seed with their mean and 95% band, and the results figure's bars, all from the same
 * summary function as the exports (protocol/results.ts).
 */
import { ALL_CONDITIONS, type Condition } from '../protocol/conditions';
import type { ExperimentResult, ResultSummary, SeedResult } from '../protocol/results';
import { summarizeFavourite, summarizeSeeds } from '../protocol/results';
import { summarize } from '../protocol/stats';

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
  points: { step: number; value: number }[];
}

export interface Band {
  condition: Condition;
  points: { step: number; mean: number; range: [number, number] }[];
}

export interface FigureBar {
  condition: Condition;
  /** Every seed's accuracy, in seed order. */
  values: number[];
  mean: number;
  ci95: number | null;
}

/** One line per condition and seed. */
export function seriesOf(curves: Partial<Record<Condition, CurvePoint[]>>): Series[] {
  const out: Series[] = [];
  for (const condition of ALL_CONDITIONS) {
    const bySeed = new Map<number, { step: number; value: number }[]>();
    for (const p of curves[condition] ?? []) {
      if (!bySeed.has(p.seed)) bySeed.set(p.seed, []);
      bySeed.get(p.seed)!.push({ step: p.step, value: p.value });
    }
    for (const [seed, points] of bySeed) out.push({ key: `${condition}#${seed}`, condition, seed, points });
  }
  return out;
}

/** Mean and 95% CI across seeds at each evaluated step (only where at least two seeds have reached it). */
export function bandsOf(series: Series[]): Band[] {
  const byCondition = new Map<Condition, Map<number, number[]>>();
  for (const s of series) {
    const steps = byCondition.get(s.condition) ?? new Map<number, number[]>();
    byCondition.set(s.condition, steps);
    for (const p of s.points) steps.set(p.step, [...(steps.get(p.step) ?? []), p.value]);
  }
  return [...byCondition].map(([condition, steps]) => ({
    condition,
    points: [...steps]
      .filter(([, values]) => values.length >= 2)
      .sort((a, b) => a[0] - b[0])
      .map(([step, values]) => {
        const { mean, ci95 } = summarize(values);
        return { step, mean, range: [mean - ci95!, mean + ci95!] as [number, number] };
      }),
  }));
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
