import { describe, expect, it } from 'vitest';
import { defaultConfig } from './config';
import { PRESETS } from './presets';
import { estimateMemory, memoryProblem, totalBytes } from './resources';

const GB = 1e9;

describe('resource estimate', () => {
  it('lets the presets through, with room to spare', () => {
    expect(totalBytes(estimateMemory(PRESETS.quick.config))).toBeLessThan(0.3 * GB);
    expect(totalBytes(estimateMemory({ ...PRESETS.paper.config, seeds: 25 }))).toBeLessThan(1.5 * GB);
    expect(memoryProblem(PRESETS.paper.config, 2 * GB, 'this page')).toBeNull();
  });

  it('refuses an impossible run before it starts, naming the setting to lower', () => {
    const config = { ...defaultConfig(), seeds: 100, m: 50, noiseCount: 200000 };
    const parts = estimateMemory(config);
    expect(parts[0].bytes).toBe(100 * 200000 * 60 * 4); // 4.8 GB of teacher outputs
    expect(memoryProblem(config, 2 * GB, 'this page')).toMatch(
      /^this run needs about \d+\.\d GB of memory, more than this page can give \(2\.0 GB\); most of it is the teacher's outputs on each seed's noise set \(4\.8 GB\): lower noiseCount, seeds, m$/,
    );
  });
});
