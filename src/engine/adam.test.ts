import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateNodeBackend } from '../node/backend';
import { adamState, adamStep, copyParams } from '../protocol/referenceMlp';
import type { ModelParams } from '../protocol/results';
import { Adam } from './adam';
import { Mlp, PARAM_NAMES, type ParamName } from './mlp';

beforeAll(async () => {
  await activateNodeBackend('wasm');
});

describe('Adam', () => {
  it('moves every parameter as the reference Adam does and leaves zero-gradient entries exactly unchanged', async () => {
    const model = Mlp.init({ hidden: 8, m: 3 }, [1]);
    const before = await model.toHost(0);
    const expected = copyParams(before);
    const state = adamState(expected);
    const adam = new Adam(model.params, 0.01);
    for (const g of [0.5, -0.2, 1.5]) {
      // Entry 0 gets the gradient sequence, every other entry exactly zero.
      const host = Object.fromEntries(
        PARAM_NAMES.map((name) => [name, Float32Array.from({ length: model.params[name].size }, (_, i) => (i === 0 ? g : 0))]),
      ) as unknown as ModelParams;
      const grads = Object.fromEntries(PARAM_NAMES.map((name) => [name, tf.tensor(host[name], model.params[name].shape)])) as Record<
        ParamName,
        tf.Tensor
      >;
      adam.apply(grads);
      tf.dispose(Object.values(grads));
      adamStep(expected, host, state, 0.01);
    }
    const after = await model.toHost(0);
    for (const name of PARAM_NAMES) {
      expect(after[name][0]).toBeCloseTo(expected[name][0], 6);
      expect(after[name][0]).not.toBe(before[name][0]);
      expect(after[name].subarray(1)).toEqual(before[name].subarray(1));
    }
    adam.dispose();
    model.dispose();
  });
});
