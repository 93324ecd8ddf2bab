import { describe, expect, it } from 'vitest';
import { defaultConfig } from './config';
import { PRESETS } from './presets';
import { assembleResult, type ExperimentResult, type SeedResult } from './results';
import { planRun } from './runPlan';
import { mergeShares, planShares, sharesSteps, type Share } from './shares';

const accuracy = (overall: number) => ({ overall, perDigit: Array.from({ length: 10 }, () => overall) });
const alignment = (overall: number) => ({ overall, layers: [overall, overall, 0] });
/** What a share is given and reports, without its plan (tested on its own). */
const given = (config: Parameters<typeof planShares>[0], cores: number) => planShares(config, cores).map(({ plan: _, ...share }) => share);

describe('spreading a run over cores', () => {
  it("splits seeds when they balance the work best, each share reporting its own seeds' models", () => {
    expect(given({ ...defaultConfig(), seed: 11, seeds: 5 }, 2)).toEqual([
      {
        seeds: [11, 13, 15],
        students: ['aux-shared', 'aux-different', 'all-shared', 'all-different'],
        reports: ['teacher'],
        reportsReference: true,
      },
      {
        seeds: [12, 14],
        students: ['aux-shared', 'aux-different', 'all-shared', 'all-different'],
        reports: ['teacher'],
        reportsReference: true,
      },
    ]);
    expect(planShares({ ...defaultConfig(), seeds: 4 }, 2).map((s) => s.seeds)).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });

  it('with a queue, hands out the seeds in shrinking groups and splits the seeds left over by students, so that no core idles at the end', () => {
    const paper = { ...defaultConfig(), seeds: 25 };
    const queued = planShares(paper, 2, { queued: true });
    const all = ['aux-shared', 'aux-different', 'all-shared', 'all-different'];
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    expect(queued.map(({ plan: _, ...share }) => share)).toEqual([
      ...[range(1, 6), range(7, 11), range(12, 15), range(16, 18), [19, 20], [21], [22], [23], [24]].map((seeds) => ({
        seeds,
        students: all,
        reports: ['teacher'],
        reportsReference: true,
      })),
      { seeds: [25], students: ['aux-shared', 'aux-different'], reports: ['teacher'], reportsReference: true },
      { seeds: [25], students: ['all-shared', 'all-different'], reports: [], reportsReference: false },
    ]);
    // The queue simulated: each share to the first core free, each core at its own pace. The time the last core finishes, against
    // the whole work spread perfectly over both at their paces (seed 25's teacher, trained twice, counted once).
    const whole = 25 * planRun(paper).steps;
    const finish = (shares: Share[], paces: number[]) => {
      const free = paces.map(() => 0);
      for (const share of shares) {
        const core = free.indexOf(Math.min(...free));
        free[core] += (share.seeds.length * share.plan.steps) / paces[core];
      }
      return Math.max(...free) / (whole / paces.reduce((a, b) => a + b));
    };
    expect(finish(queued, [1, 1])).toBeLessThan(1.01);
    // A core at 70% of the other's pace (a neighbour on a shared machine): within 3.5% of perfect (the last half seed's tail), where 12 seeds a core would be 16% over.
    expect(finish(queued, [1, 0.7])).toBeLessThan(1.035);
    expect(finish(planShares({ ...paper, seeds: 24 }, 2), [1, 0.7])).toBeGreaterThan(1.15);
    // Seeds that divide evenly have no student split; without a queue, or on one core, one share per worker as before.
    expect(planShares({ ...paper, seeds: 24 }, 2, { queued: true }).every((share) => share.students.length === 4)).toBe(true);
    expect(planShares(paper, 2).map((share) => share.seeds.length)).toEqual([13, 12]);
    expect(planShares(paper, 1, { queued: true }).map((share) => share.seeds.length)).toEqual([25]);
  });

  it('splits students instead when seeds would leave a core idle (3 seeds, 2 cores, long student phases)', () => {
    expect(given(PRESETS.quick.config, 2)).toEqual([
      { seeds: [1, 2, 3], students: ['aux-shared'], reports: ['teacher'], reportsReference: true },
      { seeds: [1, 2, 3], students: ['aux-different'], reports: [], reportsReference: false },
    ]);
  });

  it('splits the students of a single seed, the first reporting the teacher', () => {
    const config = { ...defaultConfig(), seeds: 1, distill: 'aux' as const };
    expect(given(config, 2)).toEqual([
      { seeds: [1], students: ['aux-shared'], reports: ['teacher'], reportsReference: true },
      { seeds: [1], students: ['aux-different'], reports: [], reportsReference: false },
    ]);
    expect(given({ ...config, init: 'shared' }, 2)).toEqual([
      { seeds: [1], students: ['aux-shared'], reports: ['teacher'], reportsReference: true },
    ]);
  });

  it('gives each teacher of a favourite-digit run its own worker, with its students, so no teacher is trained twice', () => {
    const config = { ...PRESETS.quick.config, teacherTrait: 'favourite' as const };
    expect(given(config, 2)).toEqual([
      { seeds: [1, 2, 3], students: ['aux-shared', 'aux-different'], reports: ['teacher'], reportsReference: true },
      { seeds: [1, 2, 3], students: ['clean-aux-shared', 'clean-aux-different'], reports: ['clean-teacher'], reportsReference: false },
    ]);
  });

  it("gives each share the run's plan for its seeds and students, and counts the run's steps over their plans", () => {
    const config = { ...PRESETS.quick.config, teacherTrait: 'favourite' as const };
    const shares: Share[] = planShares(config, 2);
    for (const share of shares) expect(share.plan).toEqual(planRun(config, { seeds: share.seeds, students: share.students }));
    // Split by students, each worker trains its own teacher: the two shares do the one-place run's work, and evaluate the reference twice.
    const whole = planRun(config);
    expect(sharesSteps(shares)).toBe(whole.steps + whole.tasks.find((task) => task.kind === 'reference')!.cost);
    // Split by seeds, each worker does the whole plan for its seeds side by side.
    const bySeeds = planShares({ ...defaultConfig(), seeds: 5 }, 2);
    expect(sharesSteps(bySeeds)).toBe(2 * planRun({ ...defaultConfig(), seeds: 5 }).steps);
  });

  it('merges shares back into one run, each model from the share that owns it, alignments and kernels included', () => {
    const config = { ...defaultConfig(), seeds: 1, distill: 'aux' as const };
    const shares = planShares(config, 2);
    const part = (seed: SeedResult, phaseMs: Record<string, number>, kernels: ExperimentResult['kernels']) =>
      assembleResult({ config, backend: 'wasm', tfjsVersion: 'x', seeds: [seed], phaseMs, kernels, wallMs: 1 });
    const merged = mergeShares(
      config,
      shares,
      [
        part(
          {
            seed: 1,
            accuracy: { reference: accuracy(0.1), teacher: accuracy(0.9), 'aux-shared': accuracy(0.5) },
            history: {},
            alignment: { 'aux-shared': alignment(0.4) },
          },
          { teacher: 10, 'aux-shared': 20 },
          { teacher: { step: 'tfjs' }, 'teacher noise pass': { step: 'tfjs' }, 'aux-shared': { step: 'tfjs' } },
        ),
        // The second worker retrained the teacher it needed; neither its accuracy, nor its time, nor its kernels are reported.
        part(
          {
            seed: 1,
            accuracy: { reference: accuracy(0.1), teacher: accuracy(0.8), 'aux-different': accuracy(0.09) },
            history: {},
            alignment: { 'aux-different': alignment(0.01) },
          },
          { teacher: 11, 'aux-different': 21 },
          { teacher: { step: 'tfjs', fallback: 'retrained' }, 'aux-different': { step: 'tfjs' } },
        ),
      ],
      42,
    );
    expect(merged.seeds).toHaveLength(1);
    expect(Object.keys(merged.seeds[0].accuracy).sort()).toEqual(['aux-different', 'aux-shared', 'reference', 'teacher']);
    expect(merged.seeds[0].accuracy.teacher!.overall).toBe(0.9);
    expect(merged.seeds[0].alignment).toEqual({ 'aux-shared': alignment(0.4), 'aux-different': alignment(0.01) });
    expect(merged.phaseMs).toEqual({ teacher: 10, 'aux-shared': 20, 'aux-different': 21 });
    expect(merged.kernels).toEqual({
      teacher: { step: 'tfjs' },
      'teacher noise pass': { step: 'tfjs' },
      'aux-shared': { step: 'tfjs' },
      'aux-different': { step: 'tfjs' },
    });
    expect(merged.summary['aux-different']!.mean).toBe(0.09);
    expect(merged.wallMs).toBe(42);
  });
});
