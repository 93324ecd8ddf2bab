import { describe, expect, it } from 'vitest';
import { ALL_CONDITIONS, CONDITION_TABLE } from './conditions';

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const luminance = (hex: string) => {
  const [r, g, b] = rgb(hex).map(linear);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrastOnWhite = (hex: string) => 1.05 / (luminance(hex) + 0.05);

/** How a colour looks with deuteranopia or protanopia (Viénot, Brettel & Mollon 1999), in linear RGB. */
const SIMULATIONS = {
  deuteranopia: [
    [0.29275, 0.70725, 0],
    [0.29275, 0.70725, 0],
    [-0.02234, 0.02234, 1],
  ],
  protanopia: [
    [0.11238, 0.88762, 0],
    [0.11238, 0.88762, 0],
    [0.00401, -0.00401, 1],
  ],
};
const simulate = (hex: string, m: number[][]) => {
  const c = rgb(hex).map(linear);
  return m.map((row) => row.reduce((sum, w, i) => sum + w * c[i], 0));
};
const distance = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]));

describe('the conditions’ colours', () => {
  it('differ from every other condition a run can show beside them', () => {
    const colours = ALL_CONDITIONS.map((c) => CONDITION_TABLE[c].color);
    expect(new Set(colours).size).toBe(colours.length);
  });

  it('read as text on white (WCAG AA, contrast ≥ 4.5)', () => {
    for (const c of ALL_CONDITIONS) expect(contrastOnWhite(CONDITION_TABLE[c].color), c).toBeGreaterThanOrEqual(4.5);
  });

  it('keep the headline pair apart for colour-blind viewers, with a shape cue besides', () => {
    const shared = CONDITION_TABLE['aux-shared'];
    const different = CONDITION_TABLE['aux-different'];
    for (const [name, m] of Object.entries(SIMULATIONS)) {
      // Red and green (the old pair, #059669 vs #dc2626) come out 0.14 apart under deuteranopia; this blue and orange 0.42.
      expect(distance(simulate(shared.color, m), simulate(different.color, m)), name).toBeGreaterThan(0.2);
    }
    expect(shared.marker).not.toBe(different.marker);
    expect(shared.dash).not.toBe(different.dash);
  });
});
