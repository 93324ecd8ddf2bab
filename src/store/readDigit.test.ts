import { describe, expect, it } from 'vitest';
import { mnistInput } from './readDigit';

/** A 280 × 280 drawing with a filled rectangle of ink. */
function drawing(x0: number, y0: number, x1: number, y1: number): Uint8Array {
  const ink = new Uint8Array(280 * 280);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) ink[y * 280 + x] = 255;
  return ink;
}

describe('reading a drawn digit', () => {
  it('is nothing when nothing is drawn', () => {
    expect(mnistInput(new Uint8Array(280 * 280), 280, 280)).toBeNull();
  });

  it('fits the ink into a 20-pixel box, centred by mass, wherever and however large it was drawn', () => {
    for (const [x0, y0, x1, y1] of [
      [10, 10, 50, 210], // a tall stroke in the top-left corner
      [150, 200, 270, 240], // a wide one at the bottom right
    ]) {
      const x = mnistInput(drawing(x0, y0, x1, y1), 280, 280)!;
      const on: [number, number][] = [];
      x.forEach((v, i) => v > 0 && on.push([i % 28, Math.floor(i / 28)]));
      const xs = on.map(([c]) => c);
      const ys = on.map(([, r]) => r);
      expect(Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) + 1).toBe(20);
      const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
      expect(Math.abs(mean(xs) - 13.5)).toBeLessThanOrEqual(1);
      expect(Math.abs(mean(ys) - 13.5)).toBeLessThanOrEqual(1);
      expect(Math.min(...x)).toBe(-1); // background as MNIST's: -1 after scaling
      expect(Math.max(...x)).toBe(1);
    }
  });
});
