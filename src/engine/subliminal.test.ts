/**
 * The paper's effect, as the classroom sees it: a student distilled on noise through the aux
 * logits only learns digits when it shares the teacher's initialisation, and stays at chance
 * otherwise.
 *
 * Setup: the page's quick classroom preset with 5 seeds (the full architecture, m = 10, a
 * 12,000-image teacher for 2 epochs, 3 student epochs on 12,000 noise images, batch 128, lr
 * 1e-3, 2,000 test images; each seed its own initialisation, data order and noise set).
 * Measured on wasm, seeds 1–3 and 11–13: shared 60.7–80.2% per seed (means 78.0% and 68.0%),
 * different 10.0–14.0% (means 11.8% and 11.2%). The thresholds sit ≥ 4 standard errors of a
 * 5-seed mean (sd ≈ 8 and ≈ 1.5 points) from where the means land; a run is deterministic on a
 * given backend, so it cannot flake either.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { activateNodeBackend } from '../node/backend';
import { loadMnist } from '../node/mnist';
import { validateConfig } from '../protocol/config';
import type { MnistData } from './data';
import { runExperiment } from './experiment';
import { PRESETS } from '../protocol/presets';
import { summarize } from '../protocol/stats';

let mnist: MnistData;

beforeAll(async () => {
  await activateNodeBackend('wasm');
  mnist = await loadMnist();
});

describe('subliminal learning (5 seeds, the quick classroom preset)', () => {
  it('transfers digit skill through aux logits on noise only from a shared initialisation', { timeout: 400_000 }, async () => {
    // The page's quick classroom preset, with 5 seeds: the test proves what the classroom sees.
    const { config, issues } = validateConfig({ ...PRESETS.quick.config, seed: 1, seeds: 5, evalEvery: 0 });
    expect(issues).toEqual([]);
    const result = await runExperiment(config, mnist);
    const perSeed = (c: 'teacher' | 'aux-shared' | 'aux-different') => result.seeds.map((s) => s.accuracy[c]!.overall);

    for (const accuracy of perSeed('teacher')) expect(accuracy).toBeGreaterThan(0.8);
    const shared = result.summary['aux-shared']!;
    const different = result.summary['aux-different']!;
    // Chance is 10%: a different-init student, whose digit head is untouched random weights, stays there …
    expect(different.mean).toBeLessThan(0.15);
    // … while a shared-init student, trained on the same noise and the same teacher outputs, is far above it.
    expect(shared.mean).toBeGreaterThan(0.5);
    // Seed by seed, sharing the initialisation is what makes the difference.
    const gains = summarize(perSeed('aux-shared').map((v, i) => v - perSeed('aux-different')[i]));
    expect(gains.mean - gains.ci95!).toBeGreaterThan(0.35);
    // And the mechanism shows: the shared student's update lines up with its teacher's, the different one's does not.
    const alignment = (c: 'aux-shared' | 'aux-different') => summarize(result.seeds.map((s) => s.alignment![c]!.overall));
    expect(alignment('aux-shared').mean).toBeGreaterThan(0.1);
    expect(Math.abs(alignment('aux-different').mean)).toBeLessThan(0.05);
    console.log(
      `[classroom preset, 5 seeds] shared ${(100 * shared.mean).toFixed(1)}% vs different ${(100 * different.mean).toFixed(1)}%; update cosine ${alignment('aux-shared').mean.toFixed(2)} vs ${alignment('aux-different').mean.toFixed(2)}`,
    );
  });
});
