/**
 * How a run spreads over CPU cores (the CLI's worker threads, the page's workers). Results
 * merge back into one run, identical to training everything in one place.
 */
import type { Condition, StudentCondition } from './conditions';
import type { Config } from './config';
import { assembleResult, seedRange, type ExperimentResult, type SeedResult } from './results';
import { studentsOf, totalSteps } from './schedule';

export interface Share {
  seeds: number[];
  students: StudentCondition[];
  /** Whether this share reports the teacher (when students are split, each worker retrains it but one reports it). */
  reportsTeacher: boolean;
}

/**
 * Splits a run over `cores` workers: by seeds, or (when that balances worse) by students, each
 * worker then retraining the deterministic teacher it needs. Chooses the split whose busiest
 * worker has the fewest model-steps to train (K models side by side cost about K times one).
 */
export function planShares(config: Config, cores: number): Share[] {
  const all = seedRange(config);
  const students = studentsOf(config);
  const bySeeds = Math.min(cores, all.length);
  const byStudents = Math.min(cores, students.length);
  const seedSplitCost = Math.ceil(all.length / bySeeds) * totalSteps(config, students);
  const studentSplitCost = all.length * totalSteps(config, students.slice(0, Math.ceil(students.length / Math.max(byStudents, 1))));
  if (byStudents >= 2 && studentSplitCost < seedSplitCost)
    return Array.from({ length: byStudents }, (_, w) => ({
      seeds: all,
      students: students.filter((_, i) => i % byStudents === w),
      reportsTeacher: w === 0,
    }));
  return Array.from({ length: bySeeds }, (_, w) => ({ seeds: all.filter((_, i) => i % bySeeds === w), students, reportsTeacher: true }));
}

/** Whether a share's events about `condition` are the run's (a retrained teacher, or its reference, are not). */
export function shareReports(share: Share, condition: Condition): boolean {
  return share.reportsTeacher || (condition !== 'teacher' && condition !== 'reference');
}

/** One run's result from the results of its shares (in `planShares` order). */
export function mergeShares(config: Config, shares: Share[], parts: ExperimentResult[], wallMs: number): ExperimentResult {
  const bySeed = new Map<number, SeedResult>();
  const phaseMs: Partial<Record<Condition, number>> = {};
  parts.forEach((part, i) => {
    const owned = new Set<Condition>(
      (['reference', 'teacher', ...shares[i].students] as Condition[]).filter((c) => shareReports(shares[i], c)),
    );
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
  return assembleResult({
    config,
    backend: parts[0].backend,
    tfjsVersion: parts[0].tfjsVersion,
    seeds: [...bySeed.values()],
    phaseMs,
    wallMs,
  });
}
