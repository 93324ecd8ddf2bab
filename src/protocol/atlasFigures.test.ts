import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { atlasFigure, type AtlasFigure } from './atlasFigures';
import type { Config } from './config';
import { fakeSweep } from './fakeSweep';
import { parseSweep, type Axis, type SweepJob } from './sweep';

const ATLAS_AXES = ['hidden', 'noise', 'noiseBlur'] as const;

/** A sweep of both aux-only students (--init both --distill aux): shared and different score what the test says, the teacher 0.9 + seed/100. */
const sweepOf = (config: Partial<Config>, axes: Axis[], shared: (values: SweepJob['values'], seed: number) => number, different = 0.125) =>
  fakeSweep({ init: 'both', distill: 'aux', ...config }, axes, (values, seed) => ({
    reference: 0.1,
    teacher: 0.9 + seed / 100,
    'aux-shared': shared(values, seed),
    'aux-different': different,
  }));

describe('the atlas figure', () => {
  it('gives each value of a width sweep, in the sweep’s order, both students’ mean, interval and seeds, and the teacher', () => {
    const widths = sweepOf(
      {},
      [{ key: 'hidden', values: [32, 256, 2048] }],
      (values, seed) => (values.hidden as number) / 4096 + seed / 100,
    );
    const figure = atlasFigure([widths], ATLAS_AXES);
    expect(figure.axis).toBe('hidden width');
    expect(figure.ordered).toBe(true);
    expect(figure.values.map((v) => v.label)).toEqual(['32', '256', '2048']);
    const widest = figure.values[2];
    expect(widest.shared!.mean).toBeCloseTo(0.5 + 0.02, 10);
    expect(widest.shared!.seeds.map((s) => +s.toFixed(6))).toEqual([0.51, 0.52, 0.53]);
    // Student's t with 2 degrees of freedom: 4.303 · sd / √3, sd 0.01.
    expect(widest.shared!.ci95).toBeCloseTo((4.303 * 0.01) / Math.sqrt(3), 3);
    expect(widest.different).toMatchObject({ mean: 0.125, ci95: 0 });
    expect(widest.teacher!.mean).toBeCloseTo(0.92, 10);
    expect(figure.commands).toEqual(['npm run sweep -- --vary hidden=32,256,2048 --distill aux --seeds 3']);
  });

  it('joins the noise kinds and the blurred noise’s widths into one figure of kinds, a blur named by its σ', () => {
    const kinds = sweepOf({}, [{ key: 'noise', values: ['uniform', 'gaussian'] }], (values) => (values.noise === 'uniform' ? 0.75 : 0.7));
    const blurs = sweepOf(
      { noise: 'blur' },
      [{ key: 'noiseBlur', values: [0.5, 1, 2] }],
      (values) => 0.8 - (values.noiseBlur as number) / 10,
    );
    const figure = atlasFigure([kinds, blurs], ATLAS_AXES);
    expect(figure.axis).toBe('noise the students see');
    expect(figure.ordered).toBe(false);
    expect(figure.values.map((v) => [v.label, v.key, +v.shared!.mean.toFixed(6)])).toEqual([
      ['uniform', 'noise', 0.75],
      ['gaussian', 'noise', 0.7],
      ['blur 0.5', 'noiseBlur', 0.75],
      ['blur 1', 'noiseBlur', 0.7],
      ['blur 2', 'noiseBlur', 0.6],
    ]);
    expect(figure.commands).toEqual([
      'npm run sweep -- --vary noise=uniform,gaussian --distill aux --seeds 3',
      'npm run sweep -- --vary noiseBlur=0.5,1,2 --distill aux --seeds 3 --noise blur',
    ]);
    // Blurred noise among the kinds is named by the σ it was drawn with.
    const withBlur = sweepOf({ noiseBlur: 2 }, [{ key: 'noise', values: ['uniform', 'blur'] }], () => 0.5);
    expect(atlasFigure([withBlur], ATLAS_AXES).values.map((v) => v.label)).toEqual(['uniform', 'blur 2']);
  });

  it('draws a sweep of one start only, and leaves the other empty', () => {
    const sharedOnly = fakeSweep({ init: 'shared', distill: 'aux' }, [{ key: 'hidden', values: [64, 128] }], () => ({
      teacher: 0.9,
      'aux-shared': 0.6,
    }));
    const figure = atlasFigure([sharedOnly], ATLAS_AXES);
    expect(figure.values.map((v) => [v.shared?.mean, v.different])).toEqual([
      [0.6, null],
      [0.6, null],
    ]);
  });

  it('refuses a sweep of another setting, of two, or without either aux-only student, and sweeps at different settings, saying why', () => {
    const over = (axes: Axis[], config: Partial<Config> = {}) => sweepOf(config, axes, () => 0.5);
    expect(() => atlasFigure([over([{ key: 'm', values: [3, 10] }])], ATLAS_AXES)).toThrow(
      'this sweep varies m; the atlas draws a sweep over one of hidden, noise, noiseBlur',
    );
    expect(() =>
      atlasFigure(
        [
          over([
            { key: 'hidden', values: [32, 64] },
            { key: 'm', values: [3, 10] },
          ]),
        ],
        ATLAS_AXES,
      ),
    ).toThrow('this sweep varies hidden and m;');
    expect(() =>
      atlasFigure(
        [over([{ key: 'noise', values: ['uniform'] }]), over([{ key: 'noiseBlur', values: [1] }], { noise: 'blur', m: 10 })],
        ATLAS_AXES,
      ),
    ).toThrow('these sweeps differ in --m besides what they vary');
    const allLogits = fakeSweep({ init: 'both', distill: 'all' }, [{ key: 'hidden', values: [64] }], () => ({
      teacher: 0.9,
      'all-shared': 0.9,
    }));
    expect(() => atlasFigure([allLogits], ATLAS_AXES)).toThrow('holds no aux-only student from the shared or a different start');
  });
});

describe('the recorded atlas', () => {
  const read = (name: string) => parseSweep(readFileSync(`docs/results/${name}.json`, 'utf8'));
  const recorded = {
    width: atlasFigure([read('sweep-atlas-width')], ['hidden']),
    noise: atlasFigure([read('sweep-atlas-noise'), read('sweep-atlas-blur')], ['noise', 'noiseBlur']),
    depth: atlasFigure([read('sweep-atlas-depth')], ['depth']),
  };

  it('holds every value the page draws, both students and the teacher at each, 10 seeds each', () => {
    expect(recorded.width.values.map((v) => v.label)).toEqual(['32', '64', '128', '256', '512', '1024', '2048']);
    expect(recorded.noise.values.map((v) => v.label)).toEqual(['uniform', 'gaussian', 'blur 0.5', 'blur 1', 'blur 2']);
    expect(recorded.depth.values.map((v) => v.label)).toEqual(['1', '2', '3', '4']);
    for (const figure of Object.values(recorded))
      for (const v of figure.values) for (const e of [v.shared, v.different, v.teacher]) expect(e?.seeds.length).toBe(10);
  });

  it("matches every number the atlas's sentences quote to the recorded files", () => {
    const text = readFileSync('src/ui/Atlas.tsx', 'utf8').replace(/\s+/g, ' ');
    const percent = (e: { mean: number } | null) => `${(100 * e!.mean).toFixed(1)}%`;
    const at = (figure: AtlasFigure, label: string) => figure.values.find((v) => v.label === label)!;
    // What each sentence rests on.
    for (const label of ['uniform', 'gaussian', 'blur 1', 'blur 2']) expect(text).toContain(percent(at(recorded.noise, label).shared));
    for (const label of ['32', '2048']) expect(text).toContain(percent(at(recorded.width, label).shared));
    for (const label of ['1', '2', '3', '4']) expect(text).toContain(percent(at(recorded.depth, label).shared));
    // And no number that is not in the files.
    const recordedNumbers = new Set(
      Object.values(recorded).flatMap((figure) => figure.values.flatMap((v) => [v.shared, v.different, v.teacher].map(percent))),
    );
    for (const quoted of text.match(/\d+\.\d%/g) ?? []) expect(recordedNumbers, quoted).toContain(quoted);
  });
});
