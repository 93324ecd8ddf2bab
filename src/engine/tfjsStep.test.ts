import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA } from '../protocol/config';
import { DIGITS } from '../protocol/constants';
import { Rng } from '../protocol/random';
import { activateNodeBackend } from '../node/backend';
import { loadMnist } from '../node/mnist';
import type { MnistData } from './data';
import { fillImages } from './data';
import { adamUpdate, lossAndGradient } from './hostMath';
import { LAYOUTS, type ModelLayout } from './layout';
import { paramNames } from '../protocol/network';
import { Mlp } from './mlp';
import type { PhasePlan } from './phase';
import { studentPlan, teacherPlan } from './plans';
import { cpuStep } from './cpuStep';
import { deviationInLr, referencePhase } from './referencePhase';
import { tfjsStep } from './tfjsStep';

/** The paper's network's parameters (two hidden layers): w1, b1, w2, b2, w3, b3. */
const PAPER_PARAMS = paramNames({ depth: 2 });

let mnist: MnistData;
beforeAll(async () => {
  await activateNodeBackend('wasm');
  mnist = await loadMnist();
});

/** The list layout with tfjs's kernels throughout (loss and Adam included) instead of the host's. */
const kernelsOnly: ModelLayout = { ...LAYOUTS.list, createStep: (model, plan) => tfjsStep(model, plan, kernelsOnly) };

// A full batch, then a short one; each model its own examples. Both batches smaller than a hidden
// layer of 48, so the host step runs its products transposed (batch ≥ hidden is the bits test's).
const batches = [32, 20].map((rows, step) => [1, 2].map((seed) => new Rng(seed * 10 + step).permutation(640).subarray(0, rows)));
const settings = {
  batchSize: 32,
  lr: 1e-3,
  teacherEpochs: 1,
  studentEpochs: 1,
  trainCount: 640,
  noise: 'uniform' as const,
  noiseBlur: 1,
};

describe('every CPU-side step against the reference MLP', () => {
  const kl = { ...settings, studentLoss: 'kl' as const };
  const mse = { ...settings, studentLoss: 'mse' as const };

  for (const [name, layout] of [
    ['tfjs kernels, stacked layout', LAYOUTS.stacked],
    ['tfjs kernels, list layout', kernelsOnly],
    ['host loss and Adam (WebAssembly), list layout', LAYOUTS.list],
  ] as const) {
    // At the paper's m and at m's largest, whose 260 outputs are wider than the hidden layer.
    it(`trains every parameter where the reference puts it, two steps of a teacher and of each student (KL and squared difference), m = 3 and ${CONFIG_SCHEMA.m.max} (${name})`, async () => {
      const before = tf.memory().numTensors;
      for (const m of [3, CONFIG_SCHEMA.m.max]) {
        const width = DIGITS + m;
        const targets = { count: 640, width, logits: tf.randomNormal([2 * 640, width], 0, 2, 'float32', 7) as tf.Tensor2D };
        const targetLogits = (await targets.logits.data()) as Float32Array;
        for (const plan of [
          teacherPlan(settings, mnist.train, [1, 2]),
          studentPlan(kl, [3, 4], [5, 6], targets, 'aux'),
          studentPlan(kl, [3, 4], [5, 6], targets, 'all'),
          studentPlan(mse, [3, 4], [5, 6], targets, 'aux'),
          studentPlan(mse, [3, 4], [5, 6], targets, 'all'),
          // The other noise kinds, drawn on the host (JS) by the step and by the reference alike.
          studentPlan({ ...kl, noise: 'gaussian' }, [3, 4], [5, 6], targets, 'aux'),
          studentPlan({ ...kl, noise: 'blur', noiseBlur: 2 }, [3, 4], [5, 6], targets, 'aux'),
        ]) {
          const model = Mlp.init({ hidden: 48, m, depth: 2 }, [1, 2]);
          const starts = [await model.toHost(0), await model.toHost(1)];
          const expected = referencePhase(starts, plan, batches, targetLogits);
          const step = await layout.createStep(model, plan);
          const losses = [];
          for (const indices of batches) losses.push(await step.run(indices, true));
          step.dispose();
          const { objective } = plan;
          const label = `${objective.kind === 'digits' ? 'teacher' : `${objective.distill}, ${objective.loss}`}, m = ${m}`;
          losses.forEach((loss, i) =>
            expect(Math.abs(loss! - expected.losses[i]) / expected.losses[i], `${label}, loss ${i + 1}`).toBeLessThan(1e-5),
          );
          // Two Adam steps move a parameter by up to 2·lr, and a wrong gradient's sign by as much; float32 rounding stays below
          // lr/50 (measured: at most 0.0011·lr here, 0.005·lr for the fused step on SwiftShader).
          const { worst, roundingLevel } = deviationInLr([await model.toHost(0), await model.toHost(1)], expected, plan.lr);
          expect(worst, label).toBeLessThan(0.02);
          expect(roundingLevel, label).toBeLessThan(1e-3);
          model.dispose();
        }
        targets.logits.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('every CPU-side step against the reference MLP, at other depths', () => {
  for (const [name, layout] of [
    ['tfjs kernels, stacked layout', LAYOUTS.stacked],
    ['tfjs kernels, list layout', kernelsOnly],
    ['host loss and Adam (WebAssembly), list layout', LAYOUTS.list],
  ] as const) {
    // Hidden 48 runs the host step's products transposed (batch < hidden), hidden 24 its kernel pass.
    it(`trains every parameter where the reference puts it with 1, 3 and 4 hidden layers, hidden 48 and 24 (${name})`, async () => {
      const before = tf.memory().numTensors;
      const width = DIGITS + 3;
      const targets = { count: 640, width, logits: tf.randomNormal([2 * 640, width], 0, 2, 'float32', 7) as tf.Tensor2D };
      const targetLogits = (await targets.logits.data()) as Float32Array;
      for (const depth of [1, 3, 4])
        for (const hidden of [48, 24])
          for (const plan of [
            teacherPlan(settings, mnist.train, [1, 2]),
            studentPlan({ ...settings, studentLoss: 'kl' }, [3, 4], [5, 6], targets, 'aux'),
            studentPlan({ ...settings, studentLoss: 'mse' }, [3, 4], [5, 6], targets, 'all'),
          ]) {
            const model = Mlp.init({ hidden, m: 3, depth }, [1, 2]);
            const expected = referencePhase([await model.toHost(0), await model.toHost(1)], plan, batches, targetLogits);
            const step = await layout.createStep(model, plan);
            const losses = [];
            for (const indices of batches) losses.push(await step.run(indices, true));
            step.dispose();
            const label = `depth ${depth}, hidden ${hidden}, ${plan.objective.kind === 'digits' ? 'teacher' : 'student'}`;
            losses.forEach((loss, i) =>
              expect(Math.abs(loss! - expected.losses[i]) / expected.losses[i], `${label}, loss ${i + 1}`).toBeLessThan(1e-5),
            );
            const { worst, roundingLevel } = deviationInLr([await model.toHost(0), await model.toHost(1)], expected, plan.lr);
            expect(worst, label).toBeLessThan(0.02);
            expect(roundingLevel, label).toBeLessThan(1e-3);
            expect(model.names, label).toHaveLength(2 * (depth + 1));
            model.dispose();
          }
      targets.logits.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

/**
 * The CPU step as it was before its products ran transposed and its elementwise passes moved to
 * the host: tfjs's kernels for the forward and backward pass (list layout), the host's loss and
 * Adam. The step must give its very bits.
 */
async function referenceSteps(model: Mlp, plan: PhasePlan, batches: Uint32Array[][]) {
  if (plan.objective.kind !== 'digits' || plan.inputs.kind !== 'images') throw new Error('reference: a teacher plan');
  const { labels } = plan.objective;
  const { split } = plan.inputs;
  const layout = LAYOUTS.list;
  const sizes = PAPER_PARAMS.map((name) => model.params[name].size);
  const params = PAPER_PARAMS.map((name) => (model.params[name].dataSync() as Float32Array).slice());
  const moments = params.map((p) => [new Float32Array(p.length), new Float32Array(p.length)]);
  const width = 10 + model.shape.m;
  for (const [t, indices] of batches.entries()) {
    tf.tidy(() => {
      const rows = indices[0].length;
      const x = indices.map((ix) => {
        const [values, valuesT] = [new Float32Array(rows * 784), new Float32Array(rows * 784)];
        fillImages(split, ix, values, valuesT);
        return [tf.tensor2d(values, [rows, 784]), tf.tensor2d(valuesT, [784, rows])];
      });
      const weights = Object.fromEntries(
        PAPER_PARAMS.map((name, n) => {
          const per = sizes[n] / model.count;
          const shape = model.params[name].shape.slice(1);
          return [name, indices.map((_, i) => tf.tensor(params[n].subarray(i * per, (i + 1) * per), shape))];
        }),
      ) as Record<(typeof PAPER_PARAMS)[number], tf.Tensor[]>;
      const forward = model.forward(
        x.map(([v]) => v),
        layout,
        weights,
      );
      const dOut = forward.out.map((out, i) => {
        const grad = new Float32Array(rows * width);
        lossAndGradient({ kind: 'digits', labels }, i, out.dataSync() as Float32Array, width, indices[i], grad);
        return tf.tensor2d(grad, [rows, width]);
      });
      const grads = model.backward(
        x.map(([v]) => v),
        forward,
        dOut,
        layout,
        x.map(([, vT]) => vT),
      );
      PAPER_PARAMS.forEach((name, n) => {
        const grad = Float32Array.from(grads[name].flatMap((g) => [...(g.dataSync() as Float32Array)]));
        adamUpdate(params[n], grad, moments[n][0], moments[n][1], plan.lr, t + 1);
      });
    });
  }
  return params;
}

const bytesOf = (values: Float32Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);

describe('the CPU step', () => {
  // At batch ≥ hidden the step runs its host kernels in tfjs-wasm's heap, and tfjs's kernels on
  // tfjs's cpu backend (or when asked). Only on tfjs-wasm does the transposed pass (batch 32) give
  // the kernels' bits: the cpu backend's sums (a bias gradient as ones·d) add in float64 blocks, the host's in float32.
  it.each([
    ['wasm', true, [32, 64]],
    ['wasm', false, [32, 64]],
    ['cpu', false, [64]],
  ] as const)(
    'gives the bits of the tfjs-kernel forward and backward pass, its products transposed or not, with a short last batch (%s, host kernels in its heap: %s)',
    async (backend, inHeap, batchSizes) => {
      await activateNodeBackend(backend);
      try {
        const before = tf.memory().numTensors;
        // hidden 48: batch 32 runs the products transposed, batch 64 as they are; 200 images leave a short last batch.
        for (const batchSize of batchSizes) {
          const plan = teacherPlan({ batchSize, lr: 1e-3, teacherEpochs: 1, trainCount: 200 }, mnist.train, [1, 2]);
          const batches: Uint32Array[][] = [];
          const orders = [1, 2].map((seed) => new Rng(seed).permutation(200));
          for (let start = 0; start < 200; start += batchSize)
            batches.push(orders.map((o) => o.subarray(start, Math.min(start + batchSize, 200))));
          const model = Mlp.init({ hidden: 48, m: 3, depth: 2 }, [1, 2]);
          const expected = await referenceSteps(model, plan, batches);
          const step = await cpuStep(model, plan, LAYOUTS.list, { inHeap });
          for (const indices of batches) await step.run(indices, true);
          step.dispose();
          PAPER_PARAMS.forEach((name, n) => {
            // The cpu backend's values may be a view into a larger buffer (the host's): compare the view's bytes.
            const trained = model.params[name].dataSync() as Float32Array;
            expect(bytesOf(trained).equals(bytesOf(expected[n])), `${name}, batch ${batchSize}`).toBe(true);
          });
          model.dispose();
        }
        expect(tf.memory().numTensors).toBe(before);
      } finally {
        await activateNodeBackend('wasm');
      }
    },
  );
});
