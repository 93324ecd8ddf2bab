import { describe, expect, it } from 'vitest';
import { overSeeds } from './format';

describe('overSeeds', () => {
  it('names the interval and the number of seeds', () => {
    expect(overSeeds(3)).toBe("mean ± 95% interval (Student's t) over 3 seeds");
    expect(overSeeds(25)).toBe("mean ± 95% interval (Student's t) over 25 seeds");
  });

  it('claims no interval from one seed, and says it is one seed', () => {
    expect(overSeeds(1)).toBe('from one seed (one seed gives no interval)');
    expect(overSeeds(1)).not.toMatch(/±|interval over|seeds/);
  });
});
