/** For tests of what reads sweep files: a whole sweep whose every job scores what the test says, assembled as the CLI assembles one. */
import type { TrainedCondition } from './conditions';
import { defaultConfig, type Config } from './config';
import { assembleSweep, sweepJobs, type Axis, type SweepFile, type SweepJob } from './sweep';

export function fakeSweep(
  config: Partial<Config>,
  axes: Axis[],
  scores: (values: SweepJob['values'], seed: number) => Partial<Record<TrainedCondition, number>>,
): SweepFile {
  const base = { ...defaultConfig(), seeds: 3, ...config };
  const jobs = sweepJobs(base, axes).map((job) => ({
    ...job,
    result: {
      seed: job.seed,
      accuracy: Object.fromEntries(
        Object.entries(scores(job.values, job.seed)).map(([condition, overall]) => [condition, { overall, perDigit: [] }]),
      ),
      history: {},
    },
    kernels: {},
    wallMs: 1,
  }));
  return assembleSweep({
    createdAt: '2026-12-05T00:00:00Z',
    runtime: 'node test',
    backend: 'cpu',
    tfjsVersion: '0',
    config: base,
    axes,
    shard: null,
    jobs,
    wallMs: 3,
  });
}
