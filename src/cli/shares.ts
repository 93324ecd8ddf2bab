/**
 * How the CLI spreads a run over CPU cores. Seeds split across workers when there are enough of
 * them; a run with fewer seeds than cores splits its students instead (each worker retrains the
 * deterministic teacher it needs, so both cores work from the start). Results merge back into
 * one run, identical to training everything in one place.
 */
import type { Condition, Config, TrainedCondition } from '../engine/config';
import { assembleResult, type ExperimentResult, type SeedResult } from '../engine/experiment';

export interface Share {
  seedIndices: number[];
  conditions: TrainedCondition[];
}

export function planShares(config: Config, cores: number): Share[] {
  const all = Array.from({ length: config.seeds }, (_, i) => i);
  if (config.seeds >= cores || cores === 1) {
    const workers = Math.min(cores, config.seeds);
    return Array.from({ length: workers }, (_, w) => ({ seedIndices: all.filter((i) => i % workers === w), conditions: config.conditions }));
  }
  const students = config.conditions.filter((c) => c !== 'teacher');
  const workers = Math.min(cores, students.length);
  if (workers < 2) return [{ seedIndices: all, conditions: config.conditions }];
  return Array.from({ length: workers }, (_, w) => ({
    seedIndices: all,
    conditions: [...(w === 0 && config.conditions.includes('teacher') ? (['teacher'] as const) : []), ...students.filter((_, i) => i % workers === w)],
  }));
}

/** One run's result from the results of its shares (in `planShares` order). */
export function mergeShares(config: Config, shares: Share[], parts: ExperimentResult[], wallMs: number): ExperimentResult {
  const bySeed = new Map<number, SeedResult>();
  const phaseMs: Partial<Record<Condition, number>> = {};
  parts.forEach((part, i) => {
    const owned = new Set<Condition>(['reference', ...shares[i].conditions]);
    for (const seed of part.seeds) {
      const merged = bySeed.get(seed.seed) ?? { seed: seed.seed, accuracy: {}, history: {} };
      for (const condition of owned) {
        if (seed.accuracy[condition] && !merged.accuracy[condition]) merged.accuracy[condition] = seed.accuracy[condition];
        if (seed.history[condition] && !merged.history[condition]) merged.history[condition] = seed.history[condition];
      }
      bySeed.set(seed.seed, merged);
    }
    for (const [condition, ms] of Object.entries(part.phaseMs) as [Condition, number][])
      if (owned.has(condition)) phaseMs[condition] = (phaseMs[condition] ?? 0) + ms;
  });
  const seeds = [...bySeed.values()].sort((a, b) => a.seed - b.seed);
  return assembleResult({ config, backend: parts[0].backend, seeds, phaseMs, wallMs });
}
