import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Config } from './config';
import { fakeSweep } from './fakeSweep';
import { budgetFigure, whichPartsFigure } from './partsFigures';
import { parseSweep, type Axis } from './sweep';

/** A part-by-part sweep whose students score what `score` says for each job's values and seed (teacher: 0.9 + seed/100). */
const sweepOf = (config: Partial<Config>, axes: Axis[], score: (values: Record<string, unknown>, seed: number) => number) =>
  fakeSweep({ init: 'parts', distill: 'aux', ...config }, axes, (values, seed) => ({
    teacher: 0.9 + seed / 100,
    'aux-parts': score(values, seed),
  }));

describe('the which-parts figure', () => {
  it('gives a row per pattern, in the sweep’s order, with its parts, mean, interval and seeds, and the teacher’s accuracy', () => {
    const file = sweepOf({}, [{ key: 'shareParts', values: ['all', 'hidden1+aux', 'none'] }], (values, seed) =>
      values.shareParts === 'all' ? 0.5 + seed / 100 : values.shareParts === 'none' ? 0.125 : 0.3,
    );
    const figure = whichPartsFigure(file);
    expect(figure.rows.map((r) => [r.pattern, r.parts])).toEqual([
      ['all', ['hidden1', 'hidden2', 'digits', 'aux']],
      ['hidden1+aux', ['hidden1', 'aux']],
      ['none', []],
    ]);
    expect(figure.rows[0].mean).toBeCloseTo(0.52, 10);
    expect(figure.rows[0].seeds).toEqual([0.51, 0.52, 0.53]);
    // Student's t with 2 degrees of freedom: 4.303 · sd / √3, sd 0.01.
    expect(figure.rows[0].ci95).toBeCloseTo((4.303 * 0.01) / Math.sqrt(3), 3);
    expect(figure.rows[2]).toMatchObject({ mean: 0.125, ci95: 0 });
    expect(figure.teacher?.mean).toBeCloseTo(0.92, 10);
    expect(figure.command).toBe('npm run sweep -- --vary shareParts=all,hidden1+aux,none --init parts --distill aux --seeds 3');
  });

  it('refuses a sweep of another shape, saying what it varies and what it needs', () => {
    expect(() => whichPartsFigure(sweepOf({}, [{ key: 'm', values: [3, 10] }], () => 0.5))).toThrow(
      'this sweep varies m; the figure draws a sweep over shareParts',
    );
    const noParts = sweepOf({ init: 'both' }, [{ key: 'm', values: [3, 10] }], () => 0.5);
    expect(() => budgetFigure({ ...noParts, axes: [...noParts.axes, { key: 'shareParts', values: ['all'] }] })).toThrow(
      'this sweep\'s students start "both", not part by part (--init parts)',
    );
  });
});

describe('the budget figure', () => {
  it('gives a series per pattern over m in increasing order, whichever axis came first, and names the scheme', () => {
    const axes: Axis[] = [
      { key: 'shareParts', values: ['heads', 'none'] },
      { key: 'm', values: [50, 3] },
    ];
    const file = sweepOf({ initScheme: 'uniform', studentLoss: 'mse' }, axes, (values) =>
      values.shareParts === 'none' ? 0.1 : (values.m as number) / 100,
    );
    const figure = budgetFigure(file);
    expect(figure.scheme).toBe('uniform');
    expect(figure.series.map((s) => [s.pattern, s.points.map((p) => [p.m, +p.mean.toFixed(6)])])).toEqual([
      [
        'heads',
        [
          [3, 0.03],
          [50, 0.5],
        ],
      ],
      [
        'none',
        [
          [3, 0.1],
          [50, 0.1],
        ],
      ],
    ]);
    expect(figure.command).toMatch(/--init-scheme uniform/);
  });

  it('reads the recorded files the page draws', () => {
    const read = (name: string) => parseSweep(readFileSync(`docs/results/${name}.json`, 'utf8'));
    expect(whichPartsFigure(read('sweep-which-parts')).rows.length).toBe(8);
    for (const scheme of ['uniform', 'normal'] as const) {
      const figure = budgetFigure(read(`sweep-budget-2026-${scheme}`));
      expect(figure.scheme).toBe(scheme);
      expect(figure.series.map((s) => s.pattern)).toEqual(['all', 'heads', 'none']);
      for (const s of figure.series) expect(s.points.map((p) => p.m)).toEqual([3, 10, 50, 250]);
    }
  });

  it("matches the numbers the research section's sentences quote to the recorded files", () => {
    const read = (name: string) => parseSweep(readFileSync(`docs/results/${name}.json`, 'utf8'));
    const text = readFileSync('src/ui/Research.tsx', 'utf8').replace(/\s+/g, ' ');
    const percent = (mean: number) => `${(100 * mean).toFixed(1)}%`;
    const rows = whichPartsFigure(read('sweep-which-parts')).rows;
    for (const pattern of ['all', 'heads', 'none']) expect(text).toContain(percent(rows.find((r) => r.pattern === pattern)!.mean));
    for (const scheme of ['uniform', 'normal'] as const) {
      const heads = budgetFigure(read(`sweep-budget-2026-${scheme}`)).series.find((s) => s.pattern === 'heads')!;
      expect(text).toContain(percent(heads.points.find((p) => p.m === 250)!.mean));
    }
  });
});
