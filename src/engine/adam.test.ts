import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateNodeBackend } from '../node/backend';
import { Adam } from './adam';
import { Mlp, PARAM_NAMES, type ParamName } from './mlp';

beforeAll(async () => {
  await activateNodeBackend('wasm');
});

/** PyTorch's Adam update for one scalar, written out independently. */
function referenceAdam(p: number, grads: number[], lr: number): number {
  let m = 0;
  let v = 0;
  grads.forEach((g, i) => {
    const t = i + 1;
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g * g;
    p -= ((lr / (1 - 0.9 ** t)) * m) / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** t) + 1e-8);
  });
  return p;
}

describe('Adam', () => {
  it("matches PyTorch's update rule and leaves zero-gradient entries exactly unchanged", async () => {
    const model = Mlp.init({ hidden: 8, m: 3 }, [1]);
    const before = await model.toHost(0);
    const adam = new Adam(model.params, 0.01);
    const gradSeq = [0.5, -0.2, 1.5];
    for (const g of gradSeq) {
      const grads = Object.fromEntries(
        PARAM_NAMES.map((name) => {
          const size = model.params[name].size;
          // Entry 0 gets the gradient sequence, every other entry exactly zero.
          const values = new Float32Array(size);
          values[0] = g;
          return [name, tf.tensor(values, model.params[name].shape)];
        }),
      ) as Record<ParamName, tf.Tensor>;
      adam.apply(grads);
      tf.dispose(Object.values(grads));
    }
    const after = await model.toHost(0);
    for (const name of PARAM_NAMES) {
      expect(after[name][0]).toBeCloseTo(referenceAdam(before[name][0], gradSeq, 0.01), 6);
      expect(after[name].subarray(1)).toEqual(before[name].subarray(1));
    }
    adam.dispose();
    model.dispose();
  });
});
