import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateNodeBackend } from '../node/backend';
import { adamState, adamStep, copyParams } from '../protocol/referenceMlp';
import type { ModelParams } from '../protocol/results';
import { Adam } from './adam';
import { paramNames } from '../protocol/network';
import { Mlp, type ParamName } from './mlp';

/** The paper's network's parameters (two hidden layers): w1, b1, w2, b2, w3, b3. */
const PAPER_PARAMS = paramNames({ depth: 2 });

beforeAll(async () => {
  await activateNodeBackend('wasm');
});

describe('Adam', () => {
  it('moves every parameter as the reference Adam does and leaves zero-gradient entries exactly unchanged', async () => {
    const model = Mlp.init({ hidden: 8, m: 3, depth: 2 }, [1]);
    const before = await model.toHost(0);
    const expected = copyParams(before);
    const state = adamState(expected);
    const adam = new Adam(model.params, 0.01);
    for (const g of [0.5, -0.2, 1.5]) {
      // Entry 0 gets the gradient sequence, every other entry exactly zero.
      const host = Object.fromEntries(
        PAPER_PARAMS.map((name) => [name, Float32Array.from({ length: model.params[name].size }, (_, i) => (i === 0 ? g : 0))]),
      ) as unknown as ModelParams;
      const grads = Object.fromEntries(PAPER_PARAMS.map((name) => [name, tf.tensor(host[name], model.params[name].shape)])) as Record<
        ParamName,
        tf.Tensor
      >;
      adam.apply(grads);
      tf.dispose(Object.values(grads));
      adamStep(expected, host, state, 0.01);
    }
    const after = await model.toHost(0);
    for (const name of PAPER_PARAMS) {
      expect(after[name][0]).toBeCloseTo(expected[name][0], 6);
      expect(after[name][0]).not.toBe(before[name][0]);
      expect(after[name].subarray(1)).toEqual(before[name].subarray(1));
    }
    adam.dispose();
    model.dispose();
  });
});
