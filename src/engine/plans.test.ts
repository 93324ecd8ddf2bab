import { describe, expect, it } from 'vitest';
import { favouriteLabels } from './plans';

const labels = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 10);

describe("a favourite-digit teacher's labels", () => {
  it('replace exactly round(share · count) of the first count labels by the favourite', () => {
    // On labels with no 7 at all, every relabelled example shows.
    const zeros = new Uint8Array(1000);
    const out = favouriteLabels(zeros, 800, 7, 0.3, 42);
    expect([...out.subarray(0, 800)].filter((v) => v === 7)).toHaveLength(240);
    expect([...out.subarray(0, 800)].filter((v) => v !== 7 && v !== 0)).toHaveLength(0);
    expect(out.subarray(800).every((v) => v === 0)).toBe(true);
    expect(zeros.every((v) => v === 0)).toBe(true); // the input is left alone
  });

  it('change nothing else: a label either stays or becomes the favourite', () => {
    const out = favouriteLabels(labels, 800, 7, 0.3, 42);
    for (let i = 0; i < 1000; i++) if (out[i] !== labels[i]) expect([i < 800, out[i]]).toEqual([true, 7]);
    expect(out.subarray(800)).toEqual(labels.subarray(800));
  });

  it('are the same for the same seed and differ across seeds', () => {
    expect(favouriteLabels(labels, 1000, 3, 0.5, 1)).toEqual(favouriteLabels(labels, 1000, 3, 0.5, 1));
    expect(favouriteLabels(labels, 1000, 3, 0.5, 1)).not.toEqual(favouriteLabels(labels, 1000, 3, 0.5, 2));
  });

  it('are the true labels at share 0, and all the favourite at share 1', () => {
    expect(favouriteLabels(labels, 1000, 3, 0, 1)).toEqual(labels);
    expect(favouriteLabels(labels, 1000, 3, 1, 1).every((v) => v === 3)).toBe(true);
  });
});
