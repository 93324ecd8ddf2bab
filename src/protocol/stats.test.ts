import { describe, expect, it } from 'vitest';
import { summarize } from './stats';

describe('summarize', () => {
  it('gives mean, sample sd and the 95% CI half-width 1.96·sd/√n', () => {
    const s = summarize([0.5, 0.6, 0.7, 0.4]);
    expect(s.mean).toBeCloseTo(0.55, 12);
    expect(s.sd).toBeCloseTo(Math.sqrt(0.05 / 3), 12);
    expect(s.ci95).toBeCloseTo((1.96 * Math.sqrt(0.05 / 3)) / 2, 12);
    expect(s.n).toBe(4);
  });

  it('claims no interval from a single seed', () => {
    expect(summarize([0.42])).toEqual({ n: 1, mean: 0.42, sd: null, ci95: null });
  });

  it('refuses an empty list', () => {
    expect(() => summarize([])).toThrow(/no values/);
  });
});
