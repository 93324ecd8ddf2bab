/**
 * The paper's headline in miniature, as the classroom sees it: a teacher trained to favour a
 * digit passes the preference through its auxiliary outputs on noise to a student that shares
 * its initialisation, while the clean teacher's student does not take it up.
 *
 * Setup: the page's favourite-digit classroom preset (favourite 7, 30% of the teacher's labels)
 * with 5 seeds, the shared-init students only (the different-init ones read digits at chance and
 * answer whatever digit they collapse to; the recorded 25-seed run shows them). Measured on wasm,
 * seeds 1–5: the favourite-digit teacher's student answers 7 on 54–93% of other digits (mean
 * 74.5%), the clean teacher's on 0.1–8.1% (mean 2.8%); paired gains 52–90 points, whose 95%
 * interval starts at 52. The thresholds below sit far inside those; a run is deterministic on a
 * given backend, so they cannot flake either.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { activateNodeBackend } from '../node/backend';
import { loadMnist } from '../node/mnist';
import { validateConfig } from '../protocol/config';
import { PRESETS } from '../protocol/presets';
import { summarize } from '../protocol/stats';
import type { MnistData } from './data';
import { runExperiment } from './experiment';

let mnist: MnistData;

beforeAll(async () => {
  await activateNodeBackend('wasm');
  mnist = await loadMnist();
});

describe('a favourite digit passing through noise (5 seeds, the favourite-digit classroom preset)', () => {
  it("reaches the shared-init student of the teacher who has it, not the clean teacher's", { timeout: 400_000 }, async () => {
    const { config, issues } = validateConfig({ ...PRESETS.favourite.config, seed: 1, seeds: 5, evalEvery: 0 });
    expect(issues).toEqual([]);
    const result = await runExperiment(config, mnist, { students: ['aux-shared', 'clean-aux-shared'] });
    const rate = (c: 'teacher' | 'clean-teacher' | 'aux-shared' | 'clean-aux-shared') => result.seeds.map((s) => s.favouriteRate![c]!);
    // The teacher has the quirk, and stays a classifier (chance is 10%).
    expect(summarize(rate('teacher')).mean).toBeGreaterThan(summarize(rate('clean-teacher')).mean + 0.1);
    for (const seed of result.seeds) expect(seed.accuracy.teacher!.overall).toBeGreaterThan(0.5);
    // Its shared-init student answers 7 on far more test images of other digits than the clean teacher's shared-init student…
    const gains = summarize(rate('aux-shared').map((v, i) => v - rate('clean-aux-shared')[i]));
    expect(gains.mean - gains.ci95!).toBeGreaterThan(0.2);
    expect(summarize(rate('aux-shared')).mean).toBeGreaterThan(0.4);
    // …which almost never does.
    expect(summarize(rate('clean-aux-shared')).mean).toBeLessThan(0.1);
    console.log(
      `[favourite preset, 5 seeds] says 7: student of the favourite-7 teacher ${(100 * summarize(rate('aux-shared')).mean).toFixed(1)}%, of the clean teacher ${(100 * summarize(rate('clean-aux-shared')).mean).toFixed(1)}%`,
    );
  });
});
