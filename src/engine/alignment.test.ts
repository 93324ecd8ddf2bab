import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateNodeBackend } from '../node/backend';
import { UpdateAlignment } from './alignment';
import { paramNames } from '../protocol/network';
import { Mlp } from './mlp';

/** The paper's network's parameters (two hidden layers): w1, b1, w2, b2, w3, b3. */
const PAPER_PARAMS = paramNames({ depth: 2 });

/** Tensors and bytes alive: a leak shows in either. */
const memory = () => ({ tensors: tf.memory().numTensors, bytes: tf.memory().numBytes });

beforeAll(async () => {
  await activateNodeBackend('wasm');
});

/** `model` moved by `scale` times a fixed random direction, in the chosen parameters only. */
function moved(model: Mlp, scale: number, names: readonly string[] = PAPER_PARAMS, seed = 1): Mlp {
  const out = model.clone();
  PAPER_PARAMS.forEach((name, i) => {
    if (names.includes(name))
      out.params[name].assign(
        tf.tidy(() => tf.add(out.params[name], tf.mul(tf.randomNormal(out.params[name].shape, 0, 1, 'float32', seed + i), scale))),
      );
  });
  return out;
}

describe('update alignment', () => {
  it('is +1 for a student moving with its teacher, −1 against, and per layer where each moved', async () => {
    const shape = { hidden: 8, m: 3, depth: 2 };
    const reference = Mlp.init(shape, [1, 2]);
    const teacher = moved(reference, 0.1);
    const alignment = UpdateAlignment.of(teacher, reference);
    const start = Mlp.init(shape, [3, 4]);
    const along = moved(start, 0.5);
    const against = moved(start, -0.2);
    const otherWay = moved(start, 0.5, PAPER_PARAMS, 99);
    const hiddenOnly = moved(start, 0.3, ['w1', 'b1']);
    const before = memory();
    for (const a of await alignment.measure(along, start)) {
      expect(a.overall).toBeCloseTo(1, 4);
      for (const layer of a.layers) expect(layer).toBeCloseTo(1, 4);
    }
    for (const a of await alignment.measure(against, start)) expect(a.overall).toBeCloseTo(-1, 4);
    for (const a of await alignment.measure(otherWay, start)) expect(Math.abs(a.overall)).toBeLessThan(0.05);
    for (const a of await alignment.measure(hiddenOnly, start)) {
      expect(a.layers[0]).toBeCloseTo(1, 4);
      expect(a.layers.slice(1)).toEqual([0, 0]); // a layer that did not move has no direction
    }
    expect(await alignment.measure(start, start)).toEqual([0, 1].map(() => ({ overall: 0, layers: [0, 0, 0] })));
    expect(memory()).toEqual(before);
    for (const m of [reference, teacher, start, along, against, otherWay, hiddenOnly]) m.dispose();
    alignment.dispose();
  });
});
