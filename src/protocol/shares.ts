/**
 * How a run spreads over CPU cores (the CLI's worker threads, the page's workers). Results
 * merge back into one run, identical to training everything in one place.
 */
import { CONDITION_TABLE, isCondition, studentsOf, type Condition, type StudentCondition, type TeacherCondition } from './conditions';
import type { Config } from './config';
import { assembleResult, modelOfPhase, SEED_RECORDS, seedRange, type ExperimentResult, type Phase, type SeedResult } from './results';
import { planRun, teachersIn, type RunPlan } from './runPlan';

export interface Share {
  seeds: number[];
  students: StudentCondition[];
  /** What the share's worker does: its seeds side by side through its students and the teachers they need. */
  plan: RunPlan;
  /**
   * The teachers (and, with the first, the untrained reference) this share reports: when students
   * are split, a share retrains every teacher its students need, but only one share reports each.
   */
  reports: TeacherCondition[];
  /** Whether this share reports the untrained reference (the first share does). */
  reportsReference: boolean;
}

/** Splits `items` into `n` contiguous runs of nearly equal length (the first ones longer). */
function chunks<T>(items: readonly T[], n: number): T[][] {
  return Array.from({ length: n }, (_, i) => items.slice(Math.floor((i * items.length) / n), Math.floor(((i + 1) * items.length) / n)));
}

/**
 * Gives each teacher of each seed, and each seed's reference, to the first share that trains it, so
 * every model is reported exactly once: shares split by seeds each report their own seeds' teachers;
 * shares split by students (the same seeds) leave a retrained teacher to the first of them.
 */
function assignReports(plans: RunPlan[]): Share[] {
  const reported = new Set<string>();
  const claim = (key: string) => !reported.has(key) && (reported.add(key), true);
  return plans.map((plan) => {
    const reports = teachersIn(plan).filter((t) => plan.seeds.map((seed) => claim(`${t} ${seed}`)).some(Boolean));
    const reportsReference = plan.seeds.map((seed) => claim(`reference ${seed}`)).some(Boolean);
    const students = plan.tasks.flatMap((task) => (task.kind === 'student' ? [task.id] : []));
    return { seeds: plan.seeds, students, plan, reports, reportsReference };
  });
}

/** The busiest worker's model-steps when `plans` go, largest first, each to the worker with the least so far (K models side by side cost about K times one). */
function busiest(plans: readonly RunPlan[], cores: number): number {
  const loads = Array<number>(cores).fill(0);
  for (const cost of plans.map((plan) => plan.seeds.length * plan.steps).sort((a, b) => b - a)) {
    const least = loads.indexOf(Math.min(...loads));
    loads[least] += cost;
  }
  return Math.max(...loads);
}

export interface ShareOptions {
  /**
   * Whether the workers take shares from a queue (the CLI's pool), so that there may be more
   * shares than workers; the page gives each worker one share.
   */
  queued?: boolean;
}

/**
 * `seeds` in contiguous groups that shrink as the run goes, largest first (24 seeds on 2 cores:
 * 6, 5, 4, 3, 2, then four single seeds): from a queue, each goes to the first worker free, so a core
 * slowed by a neighbour on a shared machine takes fewer of them, and the last to finish are small.
 */
function shrinkingGroups(seeds: readonly number[], cores: number): number[][] {
  const groups: number[][] = [];
  for (let start = 0; start < seeds.length;) {
    const size = Math.ceil((seeds.length - start) / (2 * cores));
    groups.push(seeds.slice(start, start + size));
    start += size;
  }
  return groups;
}

/**
 * Splits a run over `cores` workers. With a queue (the CLI), and more seeds than cores: the seeds in
 * shrinking groups (shrinkingGroups), and the seeds that do not divide evenly over the cores last,
 * split by students (25 seeds on 2 cores: seed 25's students in two halves), so that no core idles
 * at the end however fast each core turns out to be. Otherwise one share per worker: by seeds, or
 * (when that balances worse) by students, in contiguous groups so that each teacher's students stay
 * together where they can (a worker retrains, deterministically, every teacher its students need),
 * whichever leaves the busiest worker the fewest model-steps to train.
 */
export function planShares(config: Config, cores: number, { queued = false }: ShareOptions = {}): Share[] {
  const all = seedRange(config);
  const students = studentsOf(config);
  const byStudents = Math.min(cores, students.length);
  const studentShares = (seeds: number[]) => chunks(students, byStudents).map((group) => planRun(config, { seeds, students: group }));
  if (queued && cores >= 2 && all.length > cores) {
    const left = byStudents >= 2 ? all.length % cores : 0;
    const grouped = shrinkingGroups(all.slice(0, all.length - left), cores).map((seeds) => planRun(config, { seeds, students }));
    return assignReports(left ? [...grouped, ...studentShares(all.slice(-left))] : grouped);
  }
  const bySeeds = Math.min(cores, all.length);
  // Round-robin seeds keep the first worker's seeds as early as a contiguous split would not: [1, 3, 5], [2, 4].
  const roundRobin = Array.from({ length: bySeeds }, (_, w) =>
    planRun(config, { seeds: all.filter((_, i) => i % bySeeds === w), students }),
  );
  const candidates = [roundRobin];
  if (byStudents >= 2) candidates.push(studentShares(all));
  // The first of the least busy: fewer shares where two tie.
  const best = candidates.reduce((a, b) => (busiest(b, cores) < busiest(a, cores) ? b : a));
  return assignReports(best);
}

/** The steps of a whole run split into shares: what its progress counts to. */
export const sharesSteps = (shares: readonly Share[]) => shares.reduce((sum, share) => sum + share.plan.steps, 0);

/** Whether a share's events about `condition` are the run's (a retrained teacher, or a second reference, are not). */
export function shareReports(share: Share, condition: Condition): boolean {
  const role = CONDITION_TABLE[condition].role;
  if (role === 'student') return share.students.includes(condition as StudentCondition);
  if (role === 'teacher') return share.reports.includes(condition as TeacherCondition);
  return share.reportsReference;
}

/** One run's result from the results of its shares (in `planShares` order). */
export function mergeShares(config: Config, shares: Share[], parts: ExperimentResult[], wallMs: number): ExperimentResult {
  const bySeed = new Map<number, SeedResult>();
  const phaseMs: ExperimentResult['phaseMs'] = {};
  const kernels: ExperimentResult['kernels'] = {};
  parts.forEach((part, i) => {
    const share = shares[i];
    const owns = (condition: string) => isCondition(condition) && shareReports(share, condition);
    for (const seed of part.seeds) {
      const merged = bySeed.get(seed.seed) ?? { seed: seed.seed, accuracy: {}, history: {} };
      for (const key of SEED_RECORDS) {
        const from: Record<string, unknown> | undefined = seed[key];
        if (!from) continue;
        const into: Record<string, unknown> = (merged[key] ??= {});
        for (const [condition, value] of Object.entries(from)) if (owns(condition) && !(condition in into)) into[condition] = value;
      }
      bySeed.set(seed.seed, merged);
    }
    for (const [phase, ms] of Object.entries(part.phaseMs))
      if (owns(phase)) phaseMs[phase as Condition] = (phaseMs[phase as Condition] ?? 0) + ms;
    // A phase's kernels, from the share that reports its model (a noise pass belongs to its teacher).
    for (const [phase, use] of Object.entries(part.kernels))
      if (owns(modelOfPhase(phase)) && !(phase in kernels)) kernels[phase as Phase] = use;
  });
  const first = parts[0];
  return assembleResult({
    config,
    backend: first.backend,
    tfjsVersion: first.tfjsVersion,
    seeds: [...bySeed.values()],
    phaseMs,
    kernels,
    wallMs,
  });
}
