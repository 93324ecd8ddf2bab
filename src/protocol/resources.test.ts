import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA, defaultConfig, validateConfig, type Config } from './config';
import { PRESETS } from './presets';
import { estimateMemory, memoryProblem, totalBytes } from './resources';

const GB = 1e9;

describe('resource estimate', () => {
  it('lets the presets through, with room to spare', () => {
    expect(totalBytes(estimateMemory(PRESETS.quick.config))).toBeLessThan(0.3 * GB);
    expect(totalBytes(estimateMemory({ ...PRESETS.paper.config, seeds: 25 }))).toBeLessThan(1.5 * GB);
    expect(memoryProblem(PRESETS.paper.config, 2 * GB, 'this page')).toBeNull();
  });

  it("counts the output layer's 10 + m rows: m = 250 at the classroom settings fits a tab, and costs more than m = 10", () => {
    const classroom = PRESETS.quick.config;
    const wide = { ...classroom, m: CONFIG_SCHEMA.m.max };
    expect(CONFIG_SCHEMA.m.max).toBe(250);
    expect(validateConfig(wide).issues).toEqual([]);
    expect(memoryProblem(wide, 2 * GB, 'this page')).toBeNull();
    const teacherOutputs = (config: Config) => estimateMemory(config).find((p) => p.what.startsWith("the teacher's outputs"))!.bytes;
    expect(teacherOutputs(wide)).toBe(classroom.seeds * classroom.noiseCount * 260 * 4);
    // Every part that holds logits grows with m: the teacher's outputs and more.
    expect(totalBytes(estimateMemory(wide)) - totalBytes(estimateMemory({ ...classroom, m: 10 }))).toBeGreaterThan(
      teacherOutputs(wide) - teacherOutputs({ ...classroom, m: 10 }),
    );
  });

  it('takes hidden up to 4096: one classroom seed that wide fits a tab, three are refused naming hidden, the weights growing with its square', () => {
    const classroom = PRESETS.quick.config;
    expect(CONFIG_SCHEMA.hidden.max).toBe(4096);
    const wide = { ...classroom, hidden: 4096 };
    expect(validateConfig(wide).issues).toEqual([]);
    expect(validateConfig({ ...classroom, hidden: 4097 }).issues.map((i) => i.field)).toEqual(['hidden']);
    expect(memoryProblem({ ...wide, seeds: 1 }, 2 * GB, 'this page')).toBeNull();
    expect(memoryProblem(wide, 2 * GB, 'this page')).toMatch(
      /most of it is weights, optimiser state and gradients \(1\.\d GB\): lower hidden, seeds$/,
    );
    const weights = (hidden: number) => estimateMemory({ ...classroom, hidden }).find((p) => p.what.startsWith('weights'))!.bytes;
    // The hidden-to-hidden layer dominates: doubling the width from 2048 more than triples the weights.
    expect(weights(4096) / weights(2048)).toBeGreaterThan(3.4);
  });

  it('refuses an impossible run before it starts, naming the setting to lower', () => {
    const config = { ...defaultConfig(), seeds: 100, m: 250, noiseCount: 200000 };
    const parts = estimateMemory(config);
    expect(parts[0].bytes).toBe(100 * 200000 * 260 * 4); // 20.8 GB of teacher outputs
    expect(memoryProblem(config, 2 * GB, 'this page')).toMatch(
      /^this run needs about \d+\.\d GB of memory, more than this page can give \(2\.0 GB\); most of it is the teacher's outputs on each seed's noise set \(20\.8 GB\): lower noiseCount, seeds, m$/,
    );
  });
});
