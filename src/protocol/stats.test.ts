import { describe, expect, it } from 'vitest';
import { summarize, tQuantile } from './stats';

describe('tQuantile', () => {
  // t(0.975, n − 1) for n seeds, to 16 digits (scipy.stats.t.ppf; mpmath at 40 digits agrees).
  const tabulated: [seeds: number, t: number][] = [
    [2, 12.706204736174705],
    [3, 4.302652729749464],
    [5, 2.776445105197794],
    [10, 2.262157162798206],
    [25, 2.063898561628026],
    [100, 1.984216951586417],
  ];
  it.each(tabulated)('gives t(0.975, n − 1) for n = %i seeds as tabulated (%f)', (seeds, t) => {
    expect(tQuantile(0.975, seeds - 1)).toBeCloseTo(t, 12);
  });

  it('has the closed forms of 1 and 2 degrees of freedom, is symmetric and tends to the normal quantile', () => {
    for (const p of [0.6, 0.9, 0.995]) {
      expect(tQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 10);
      expect(tQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 10);
      expect(tQuantile(1 - p, 7)).toBe(-tQuantile(p, 7));
    }
    expect(tQuantile(0.5, 3)).toBe(0);
    expect(tQuantile(0.975, 1e7)).toBeCloseTo(1.959963984540054, 6);
  });

  it('refuses a probability outside (0, 1) or no degrees of freedom', () => {
    expect(() => tQuantile(1, 3)).toThrow(/0 < p < 1/);
    expect(() => tQuantile(0.975, 0)).toThrow(/df > 0/);
  });
});

describe('summarize', () => {
  it("gives mean, sample sd and the 95% interval's half-width with Student's t: t(0.975, n − 1)·sd/√n", () => {
    const s = summarize([0.5, 0.6, 0.7, 0.4]);
    expect(s.mean).toBeCloseTo(0.55, 12);
    expect(s.sd).toBeCloseTo(Math.sqrt(0.05 / 3), 12);
    expect(s.ci95).toBeCloseTo((3.1824463052837078 * Math.sqrt(0.05 / 3)) / 2, 12);
    expect(s.n).toBe(4);
  });

  it('claims no interval from a single seed', () => {
    expect(summarize([0.42])).toEqual({ n: 1, mean: 0.42, sd: null, ci95: null });
  });

  it('refuses an empty list', () => {
    expect(() => summarize([])).toThrow(/no values/);
  });
});
