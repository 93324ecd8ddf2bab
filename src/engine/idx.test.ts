import { describe, expect, it } from 'vitest';
import { IdxFormatError, parseIdx } from './idx';

function idx(shape: number[], data: number[], type = 0x08): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint8(2, type);
  view.setUint8(3, shape.length);
  shape.forEach((size, d) => view.setUint32(4 + 4 * d, size));
  bytes.set(data, 4 + 4 * shape.length);
  return bytes;
}

describe('parseIdx', () => {
  it('reads shape and data of a well-formed file', () => {
    const parsed = parseIdx(idx([2, 3], [1, 2, 3, 4, 5, 6]));
    expect(parsed.shape).toEqual([2, 3]);
    expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('names the file and the problem for corrupt input', () => {
    const good = idx([2, 3], [1, 2, 3, 4, 5, 6]);
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array([0, 0]), /too short/],
      [Uint8Array.from([1, ...good.subarray(1)]), /magic number/],
      [idx([2, 3], [1, 2, 3, 4, 5, 6], 0x0d), /data type 0xd/],
      [Uint8Array.from([0, 0, 8, 0]), /0 dimensions/],
      [good.subarray(0, 10), /header is truncated/],
      [good.subarray(0, good.length - 1), /needs 6 data bytes but the file has 5 \(truncated\?\)/],
      [Uint8Array.from([...good, 0]), /needs 6 data bytes but the file has 7/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => parseIdx(bytes, 'labels.idx')).toThrow(IdxFormatError);
      expect(() => parseIdx(bytes, 'labels.idx')).toThrow(message);
      expect(() => parseIdx(bytes, 'labels.idx')).toThrow(/^labels\.idx: /);
    }
  });

  it('works on a view into a larger buffer', () => {
    const file = idx([3], [7, 8, 9]);
    const padded = new Uint8Array(file.length + 5);
    padded.set(file, 5);
    expect(Array.from(parseIdx(padded.subarray(5)).data)).toEqual([7, 8, 9]);
  });
});
