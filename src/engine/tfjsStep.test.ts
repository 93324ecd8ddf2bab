import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateNodeBackend } from '../node/backend';
import { loadMnist } from '../node/mnist';
import type { MnistData } from './data';
import { LAYOUTS, type ModelLayout } from './layout';
import { Mlp, PARAM_NAMES } from './mlp';
import type { PhasePlan } from './phase';
import { studentPlan, teacherPlan } from './plans';
import { trainPhase } from './train';
import { tfjsStep } from './tfjsStep';

let mnist: MnistData;
beforeAll(async () => {
  await activateNodeBackend('wasm');
  mnist = await loadMnist();
});

/** The list layout with tfjs's kernels throughout (loss and Adam included) instead of the host's. */
const kernelsOnly: ModelLayout = { ...LAYOUTS.list, createStep: (model, plan) => tfjsStep(model, plan, kernelsOnly) };

async function trainWith(layout: ModelLayout, plan: PhasePlan) {
  const model = Mlp.init({ hidden: 48, m: 3 }, [1, 2]);
  const losses: number[] = [];
  await trainPhase(model, plan, {
    layout,
    logEvery: 1,
    beforeStep: async () => {},
    afterStep: async ({ loss }) => void losses.push(loss!),
  });
  const params = PARAM_NAMES.map((name) => model.params[name].dataSync() as Float32Array);
  model.dispose();
  return { losses, params };
}

describe('the CPU step (host loss and Adam)', () => {
  it("trains as tfjs's kernels do, up to float rounding, and leaves no tensor behind", async () => {
    const settings = { batchSize: 64, lr: 1e-3, teacherEpochs: 2, studentEpochs: 2, trainCount: 640 };
    const targets = { count: 640, width: 13, logits: tf.randomNormal([2 * 640, 13], 0, 2, 'float32', 7) as tf.Tensor2D };
    const before = tf.memory().numTensors;
    for (const plan of [teacherPlan(settings, mnist.train, [1, 2]), studentPlan(settings, [3, 4], [5, 6], targets, 'aux')]) {
      const [host, kernels] = [await trainWith(LAYOUTS.list, plan), await trainWith(kernelsOnly, plan)];
      expect(host.losses).toHaveLength(20);
      host.losses.forEach((loss, i) => expect(Math.abs(loss - kernels.losses[i]) / kernels.losses[i], `step ${i + 1}`).toBeLessThan(1e-4));
      host.params.forEach((values, p) => {
        const scale = Math.max(...kernels.params[p].map(Math.abs));
        const worst = Math.max(...values.map((v, j) => Math.abs(v - kernels.params[p][j])));
        expect(worst / scale, PARAM_NAMES[p]).toBeLessThan(1e-3);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    targets.logits.dispose();
  });
});
