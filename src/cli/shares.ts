/**
 * How the CLI spreads a run over CPU cores. Seeds split across workers when there are enough of
 * them; a run with fewer seeds than cores splits its students instead (each worker retrains the
 * deterministic teacher it needs, so both cores work from the start). Results merge back into
 * one run, identical to training everything in one place.
 */
import type { Condition, StudentCondition } from '../protocol/conditions';
import type { Config } from '../protocol/config';
import { assembleResult, seedRange, type ExperimentResult, type SeedResult } from '../protocol/results';
import { studentsOf } from '../engine/experiment';

export interface Share {
  seeds: number[];
  students: StudentCondition[];
  /** Whether this share reports the teacher (when students are split, each worker retrains it but one reports it). */
  reportsTeacher: boolean;
}

export function planShares(config: Config, cores: number): Share[] {
  const all = seedRange(config);
  const students = studentsOf(config);
  if (config.seeds >= cores || cores === 1) {
    const workers = Math.min(cores, config.seeds);
    return Array.from({ length: workers }, (_, w) => ({ seeds: all.filter((_, i) => i % workers === w), students, reportsTeacher: true }));
  }
  const workers = Math.min(cores, students.length);
  if (workers < 2) return [{ seeds: all, students, reportsTeacher: true }];
  return Array.from({ length: workers }, (_, w) => ({ seeds: all, students: students.filter((_, i) => i % workers === w), reportsTeacher: w === 0 }));
}

/** One run's result from the results of its shares (in `planShares` order). */
export function mergeShares(config: Config, shares: Share[], parts: ExperimentResult[], wallMs: number): ExperimentResult {
  const bySeed = new Map<number, SeedResult>();
  const phaseMs: Partial<Record<Condition, number>> = {};
  parts.forEach((part, i) => {
    const owned = new Set<Condition>(['reference', ...(shares[i].reportsTeacher ? (['teacher'] as const) : []), ...shares[i].students]);
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
  return assembleResult({ config, backend: parts[0].backend, tfjsVersion: parts[0].tfjsVersion, seeds: [...bySeed.values()], phaseMs, wallMs });
}
