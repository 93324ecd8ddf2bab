import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../engine/config';
import { PRESETS } from '../engine/presets';
import { configFromQuery, queryFromConfig } from './url';

describe('settings in the URL', () => {
  it('opens the quick classroom preset when the link has no settings', () => {
    expect(configFromQuery('')).toEqual({ config: PRESETS.quick.config, issues: [] });
  });

  it('round-trips every setting', () => {
    const config = { ...defaultConfig(), m: 7, lr: 0.002, conditions: ['teacher' as const, 'all-different' as const], backend: 'webgpu' as const };
    const query = queryFromConfig(config);
    expect(query).toContain('conditions=teacher,all-different');
    expect(configFromQuery(query)).toEqual({ config, issues: [] });
  });

  it('reports bad parameters and keeps safe values', () => {
    const { config, issues } = configFromQuery('?m=999&lr=abc&seed=4');
    expect(config.m).toBe(3);
    expect(config.lr).toBe(3e-4);
    expect(config.seed).toBe(4);
    expect(issues.map((i) => i.field)).toEqual(['m', 'lr']);
  });
});
