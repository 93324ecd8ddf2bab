import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA, defaultConfig, validateConfig, type Config } from './config';
import { PRESETS } from './presets';
import { planRun } from './runPlan';
import { estimateMemory, estimateMs, memoryProblem, timesClassroom, totalBytes } from './resources';

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
      /most of it is weights, optimiser state and gradients \(1\.\d GB\): lower hidden, depth, seeds$/,
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

describe('time estimate by width', () => {
  const classroom = PRESETS.quick.config;
  /** A step's multiply-adds per example, written out: 784·h (layer 1) + h² (layer 2) + h·(10 + m) (outputs). */
  const flops = (h: number, m: number) => 784 * h + h * h + h * (10 + m);
  // The same timed step (80 ms for the 256-wide, m = 3 model at batch 1024) behind every estimate.
  const at = (hidden: number) => estimateMs({ ...classroom, hidden }, 80, 1024, 2);

  it('grows with the FLOP count: hidden 2048 at the classroom settings is about 21.5× the 256 run, within 1%', () => {
    const byFlops = flops(2048, classroom.m) / flops(256, classroom.m);
    expect(byFlops).toBeCloseTo(21.5, 1);
    expect(Math.abs(at(2048) / at(256) / byFlops - 1)).toBeLessThan(0.01);
    expect(Math.abs(at(1024) / at(256) / (flops(1024, classroom.m) / flops(256, classroom.m)) - 1)).toBeLessThan(0.01);
    // Past 2048 the square term dominates: doubling the width more than triples the time.
    expect(at(4096) / at(2048)).toBeGreaterThan(3.3);
  });

  it('scales from the timed model, not from the run: a run of the timed size (256, m = 3) at the timed batch takes its steps × the timed step', () => {
    const timedSize = { ...classroom, m: 3, batchSize: 1024, seeds: 1 };
    expect(estimateMs(timedSize, 80, 1024)).toBeCloseTo(80 * planRun(timedSize).steps, 6);
    // m = 10's ten more output rows than m = 3's cost a little, by the FLOP count.
    expect(estimateMs({ ...timedSize, m: 10 }, 80, 1024) / estimateMs(timedSize, 80, 1024)).toBeCloseTo(flops(256, 10) / flops(256, 3), 6);
  });

  it("says how many classroom runs' work a run is: 1 for each classroom preset, about 21.5 at hidden 2048, about 25 for the paper's protocol", () => {
    expect(timesClassroom(classroom)).toBe(1);
    expect(timesClassroom(PRESETS.favourite.config)).toBe(1);
    expect(timesClassroom({ ...classroom, hidden: 2048 })).toBeCloseTo(flops(2048, 10) / flops(256, 10), 6);
    expect(timesClassroom({ ...classroom, seeds: 6 })).toBeCloseTo(2, 6);
    expect(timesClassroom(PRESETS.paper.config)).toBeGreaterThan(20);
    expect(timesClassroom(PRESETS.paper.config)).toBeLessThan(30);
  });
});
