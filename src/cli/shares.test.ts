import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../engine/config';
import { assembleResult, type SeedResult } from '../engine/experiment';
import { mergeShares, planShares } from './shares';

const accuracy = (overall: number) => ({ overall, perDigit: Array.from({ length: 10 }, () => overall) });

describe('spreading a run over cores', () => {
  it('splits seeds when there are at least as many seeds as cores', () => {
    expect(planShares({ ...defaultConfig(), seeds: 5 }, 2).map((s) => s.seedIndices)).toEqual([
      [0, 2, 4],
      [1, 3],
    ]);
  });

  it('splits the students of a single seed, the teacher going with the first', () => {
    const config = { ...defaultConfig(), seeds: 1, conditions: ['teacher' as const, 'aux-shared' as const, 'aux-different' as const] };
    expect(planShares(config, 2)).toEqual([
      { seedIndices: [0], conditions: ['teacher', 'aux-shared'] },
      { seedIndices: [0], conditions: ['aux-different'] },
    ]);
    expect(planShares({ ...config, conditions: ['teacher'] }, 2)).toEqual([{ seedIndices: [0], conditions: ['teacher'] }]);
  });

  it('merges shares back into one run, each condition from the share that owns it', () => {
    const config = { ...defaultConfig(), seeds: 1, conditions: ['teacher' as const, 'aux-shared' as const, 'aux-different' as const] };
    const shares = planShares(config, 2);
    const part = (seed: SeedResult, phaseMs: Record<string, number>) => assembleResult({ config, backend: 'wasm', seeds: [seed], phaseMs, wallMs: 1 });
    const merged = mergeShares(
      config,
      shares,
      [
        part({ seed: 1, accuracy: { reference: accuracy(0.1), teacher: accuracy(0.9), 'aux-shared': accuracy(0.5) }, history: {} }, { teacher: 10, 'aux-shared': 20 }),
        // The second worker retrained the teacher it needed; its time is not the teacher phase's.
        part({ seed: 1, accuracy: { reference: accuracy(0.1), 'aux-different': accuracy(0.09) }, history: {} }, { teacher: 11, 'aux-different': 21 }),
      ],
      42,
    );
    expect(merged.seeds).toHaveLength(1);
    expect(Object.keys(merged.seeds[0].accuracy).sort()).toEqual(['aux-different', 'aux-shared', 'reference', 'teacher']);
    expect(merged.phaseMs).toEqual({ teacher: 10, 'aux-shared': 20, 'aux-different': 21 });
    expect(merged.summary['aux-different']!.mean).toBe(0.09);
    expect(merged.wallMs).toBe(42);
  });
});
