import { describe, expect, it } from 'vitest';
import { AppendLog } from './appendLog';

describe('an append-only log shared between states', () => {
  it('gives each list exactly its own items, whatever was appended after it or to it twice', () => {
    const one = AppendLog.empty<string>().append('a');
    const two = one.append('b');
    const three = two.append('c');
    // Appending to `one` again: `two` already extended it, so this list must not see 'b'.
    const branch = one.append('x');
    expect([one.items, two.items, three.items, branch.items]).toEqual([['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'x']]);
    expect(branch.append('y').items).toEqual(['a', 'x', 'y']);
    expect(three.at(2)).toBe('c');
    expect(() => two.at(2)).toThrow(RangeError);
  });

  it('makes a list’s array once, and a new one for a longer list', () => {
    const short = AppendLog.empty<number>().append(1);
    const long = short.append(2);
    expect(short.items).toBe(short.items);
    expect(long.items).not.toBe(short.items);
  });
});
