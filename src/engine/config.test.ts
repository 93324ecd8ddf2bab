import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, configFromStrings, configToStrings, defaultConfig, validateConfig } from './config';

describe('config', () => {
  it('defaults to the paper protocol', () => {
    const c = defaultConfig();
    expect(c).toMatchObject({ m: 3, hidden: 256, teacherEpochs: 5, studentEpochs: 5, lr: 3e-4, batchSize: 1024, trainCount: 60000, noiseCount: 60000, testCount: 10000 });
    expect(validateConfig(c).issues).toEqual([]);
  });

  it('replaces an out-of-range value by its default and names the field and range', () => {
    const { config, issues } = validateConfig({ m: 0, lr: Number.NaN, batchSize: 2.5, seeds: 1000 });
    expect(config.m).toBe(3);
    expect(config.lr).toBe(3e-4);
    expect(config.batchSize).toBe(1024);
    expect(config.seeds).toBe(5);
    expect(issues.map((i) => i.field)).toEqual(['m', 'lr', 'batchSize', 'seeds']);
    expect(issues[0].message).toBe('m = 0 is invalid: expected an integer from 1 to 50; using 3');
    expect(issues[1].message).toMatch(/^lr = null is invalid: expected a number from 0.000001 to 1/);
    expect(issues[3].message).toMatch(/seeds = 1000 .* from 1 to 100/);
  });

  it('rejects unknown settings, bad enums and empty sets', () => {
    const { config, issues } = validateConfig({ colour: 'red', backend: 'cuda', conditions: [] });
    expect(config.backend).toBe('auto');
    expect(config.conditions).toHaveLength(5);
    expect(issues.map((i) => i.field)).toEqual(['colour', 'backend', 'conditions']);
    expect(issues[1].message).toMatch(/one of auto, webgpu, webgl, wasm, cpu/);
  });

  it('parses text strictly', () => {
    const { config, issues } = configFromStrings([
      ['m', '5'],
      ['lr', '1e-3'],
      ['seed', ''],
      ['hidden', '0x10'],
      ['teacherEpochs', '3abc'],
      ['conditions', 'aux-different, teacher,teacher'],
    ]);
    expect(config.m).toBe(5);
    expect(config.lr).toBe(1e-3);
    expect(config.conditions).toEqual(['teacher', 'aux-different']);
    expect(issues.map((i) => i.field)).toEqual(['seed', 'hidden', 'teacherEpochs']);
    expect(issues[2].message).toMatch(/teacherEpochs = "3abc" is invalid/);
  });

  it('round-trips through text, writing only what differs from the defaults', () => {
    const config = { ...defaultConfig(), m: 10, lr: 0.001, conditions: ['aux-shared' as const, 'aux-different' as const] };
    const text = configToStrings(config);
    expect(text.map(([k]) => k)).toEqual(['m', 'lr', 'conditions']);
    const back = configFromStrings(text);
    expect(back.issues).toEqual([]);
    expect(back.config).toEqual(config);
    expect(configToStrings(defaultConfig())).toEqual([]);
    expect(CONFIG_KEYS).toContain('backend');
  });
});
