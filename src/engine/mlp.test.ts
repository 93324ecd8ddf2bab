import * as tf from '@tensorflow/tfjs-core';
// Autodiff is the independent check here; the engine itself never needs gradients registered.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateNodeBackend } from '../node/backend';
import type { Distill } from '../protocol/conditions';
import type { StudentLoss } from '../protocol/config';
import { hash32, Rng } from '../protocol/random';
import { forward } from '../protocol/referenceMlp';
import { LAYOUTS } from './layout';
import { digitCrossEntropy, distillationLoss } from './losses';
import { paramNames, paramShapes } from '../protocol/network';
import { initHostParams, mixHostParams, Mlp, type HostParams, type ParamName } from './mlp';

/** The paper's network's parameters (two hidden layers): w1, b1, w2, b2, w3, b3. */
const PAPER_PARAMS = paramNames({ depth: 2 });

beforeAll(async () => {
  await activateNodeBackend('wasm');
});

function stats(values: Float32Array) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { mean, sd };
}

describe('initialisation', () => {
  it("mixes a partly shared start that keeps Normal(0, 1/fan_in) and correlates α with the teacher's", () => {
    const shape = { hidden: 256, m: 3, depth: 2 };
    const [a, b] = [initHostParams(shape, 1), initHostParams(shape, 2)];
    for (const alpha of [0.5, 0.9]) {
      const mixed = mixHostParams(a, b, alpha);
      const { sd } = stats(mixed.w1);
      // 200,704 draws: relative sd error ≈ 1/√(2n) ≈ 0.16%, so 1% is a 6-sigma margin.
      expect(Math.abs(sd * Math.sqrt(784) - 1), `α = ${alpha}`).toBeLessThan(0.01);
      // The correlation with a: its standard error is about (1 − α²)/√n < 0.002.
      let dot = 0;
      for (let i = 0; i < mixed.w1.length; i++) dot += mixed.w1[i] * a.w1[i];
      const correlation = dot / mixed.w1.length / (stats(mixed.w1).sd * stats(a.w1).sd);
      expect(Math.abs(correlation - alpha), `α = ${alpha}`).toBeLessThan(0.01);
      expect(mixed.b1.every((v) => v === 0)).toBe(true);
    }
    // The ends are the two starts themselves, bit for bit.
    for (const name of PAPER_PARAMS) {
      expect(mixHostParams(a, b, 1)[name]).toEqual(a[name]);
      expect(mixHostParams(a, b, 0)[name]).toEqual(b[name]);
    }
  });

  it('draws weights from Normal(0, 1/fan_in) and zero biases', () => {
    const p = initHostParams({ hidden: 256, m: 3, depth: 2 }, 123);
    for (const [name, fanIn] of [
      ['w1', 784],
      ['w2', 256],
      ['w3', 256],
    ] as const) {
      const { mean, sd } = stats(p[name]);
      const expected = 1 / Math.sqrt(fanIn);
      // w3 has only 3,328 draws: relative sd error ≈ 1/√(2n) ≈ 1.2%, so 6% is a 5-sigma margin.
      expect(Math.abs(sd / expected - 1)).toBeLessThan(0.06);
      expect(Math.abs(mean)).toBeLessThan(expected * 0.1);
    }
    for (const name of ['b1', 'b2', 'b3'] as const) expect(p[name].every((v) => v === 0)).toBe(true);
    expect(p.w1.length).toBe(784 * 256);
    expect(p.w3.length).toBe(256 * 13);
  });

  it("draws today's normal start bit for bit, whether or not the scheme is named", () => {
    // The fingerprint of every parameter's bits, taken from the draw before the uniform scheme existed.
    const fingerprint = (p: HostParams) => {
      let h = 0;
      for (const name of PAPER_PARAMS) for (const bits of new Uint32Array(p[name].buffer)) h = hash32(h ^ bits);
      return h;
    };
    const shape = { hidden: 32, m: 3, depth: 2 };
    expect(fingerprint(initHostParams(shape, 5))).toBe(4133376089);
    expect(fingerprint(initHostParams(shape, 5, 'normal'))).toBe(4133376089);
  });

  it("draws weights and biases uniform on ±1/√fan_in from the seed's own stream, with variance 1/(3·fan_in)", () => {
    const shape = { hidden: 256, m: 3, depth: 2 };
    const fanIns: Record<ParamName, number> = { w1: 784, b1: 784, w2: 256, b2: 256, w3: 256, b3: 256 };
    for (const seed of [1, 2, 3]) {
      const p = initHostParams(shape, seed, 'uniform');
      for (const name of PAPER_PARAMS) {
        const bound = Math.fround(1 / Math.sqrt(fanIns[name]));
        expect(p[name].length, name).toBe(paramShapes(shape)[name].reduce((a, b) => a * b, 1));
        expect(
          p[name].every((v) => Math.abs(v) <= bound && v !== 0),
          `${name}, seed ${seed}`,
        ).toBe(true);
      }
      // Mean of squares over n draws: relative standard error √(4/45)·3/√n, 0.2% for w1's 200,704
      // and 0.35% for w2's 65,536, so 2% is over 5 standard errors wide. Normal(0, 1/fan_in) is 3× as large.
      for (const name of ['w1', 'w2'] as const) {
        const meanSquare = p[name].reduce((a, v) => a + v * v, 0) / p[name].length;
        expect(Math.abs(meanSquare * 3 * fanIns[name] - 1), `${name}, seed ${seed}`).toBeLessThan(0.02);
      }
      // The same seeded stream as every backend draws: the first weight is the stream's first number.
      expect(p.w1[0]).toBe(Math.fround((2 * new Rng(seed).next() - 1) / Math.sqrt(784)));
    }
    expect(initHostParams(shape, 4, 'uniform')).toEqual(initHostParams(shape, 4, 'uniform'));
  });

  it("mixes uniform starts, biases too, keeping each parameter's variance, and gives either start bit for bit at α = 1 and 0", () => {
    const shape = { hidden: 256, m: 3, depth: 2 };
    const fanIns: Record<ParamName, number> = { w1: 784, b1: 784, w2: 256, b2: 256, w3: 256, b3: 256 };
    const pairs = [1, 2, 3, 4, 5].map((seed) => [initHostParams(shape, seed, 'uniform'), initHostParams(shape, seed + 100, 'uniform')]);
    for (const alpha of [0.5, 0.9]) {
      // The mean square of the named parameters' values, each in units of the scheme's variance 1/(3·fan_in): 1 if kept.
      const meanSquare = (names: readonly ParamName[]) => {
        let [sum, count] = [0, 0];
        for (const [a, b] of pairs) {
          const mixed = mixHostParams(a, b, alpha);
          for (const name of names) {
            for (const v of mixed[name]) sum += v * v * 3 * fanIns[name];
            count += mixed[name].length;
          }
        }
        return sum / count;
      };
      // 1,331,200 weights: a mixed value's square has relative sd under √2, so 1% is over 10 standard errors.
      expect(Math.abs(meanSquare(['w1', 'w2']) - 1), `weights, α = ${alpha}`).toBeLessThan(0.01);
      // 2,625 biases: relative standard error under 2.8%, so 15% is over 5 standard errors (zero biases would give 0).
      expect(Math.abs(meanSquare(['b1', 'b2', 'b3']) - 1), `biases, α = ${alpha}`).toBeLessThan(0.15);
    }
    const [a, b] = pairs[0];
    for (const name of PAPER_PARAMS) {
      expect(mixHostParams(a, b, 1)[name]).toEqual(a[name]);
      expect(mixHostParams(a, b, 0)[name]).toEqual(b[name]);
    }
  });

  it('gives the same weights for the same seed and different weights otherwise', () => {
    const a = initHostParams({ hidden: 32, m: 3, depth: 2 }, 5);
    const b = initHostParams({ hidden: 32, m: 3, depth: 2 }, 5);
    const c = initHostParams({ hidden: 32, m: 3, depth: 2 }, 6);
    for (const name of PAPER_PARAMS) expect(a[name]).toEqual(b[name]);
    expect(a.w1).not.toEqual(c.w1);
  });

  it('clones K models into exact, independent copies (the shared initialisation)', async () => {
    const shape = { hidden: 16, m: 3, depth: 2 };
    const reference = Mlp.init(shape, [9, 10]);
    const copy = reference.clone();
    for (const k of [0, 1]) expect(await copy.toHost(k)).toEqual(await reference.toHost(k));
    const host = await reference.toHost(0);
    copy.params.w1.assign(tf.zerosLike(copy.params.w1));
    expect((await reference.toHost(0)).w1).toEqual(host.w1);
    reference.dispose();
    copy.dispose();
  });

  it('lays K models side by side without mixing them up', async () => {
    const shape = { hidden: 8, m: 3, depth: 2 };
    const seeds = [3, 4, 5];
    const batch = Mlp.init(shape, seeds);
    for (const [k, seed] of seeds.entries()) expect(await batch.toHost(k)).toEqual(initHostParams(shape, seed));
    batch.dispose();
  });
});

describe('hand-written backward pass', () => {
  const shape = { hidden: 24, m: 3, depth: 2 };
  const batch = 7;
  const models = 2;

  /** Each model's own inputs (host, model-major blocks of [B, 784]), labels and teacher rows. */
  function inputs(seed: number) {
    const rng = new Rng(seed);
    const x = Float32Array.from({ length: models * batch * 784 }, () => rng.next() * 2 - 1);
    const xOf = (k: number) => tf.tensor2d(x.subarray(k * batch * 784, (k + 1) * batch * 784), [batch, 784]);
    const labels = Array.from({ length: models * batch }, () => rng.int(10));
    const oneHot = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 10), 'float32') as tf.Tensor2D;
    // One teacher row per student row: model-major, [K·B, 13].
    const teacher = tf.tensor2d(
      Float32Array.from({ length: models * batch * 13 }, () => rng.normal() * 2),
      [models * batch, 13],
    );
    return { x, xOf, oneHot, teacher };
  }

  /** A loss on model-major logits; `rows` picks the label and teacher rows of the models present. */
  type LossOf = (logits: tf.Tensor2D, d: ReturnType<typeof inputs>, rows: [number, number]) => ReturnType<typeof digitCrossEntropy>;
  const distil =
    (which: Distill, loss: StudentLoss): LossOf =>
    (logits, d, [start, count]) => {
      const teacher = tf.slice(d.teacher, [start, 0], [count, 13]);
      return distillationLoss(logits, which === 'aux' ? tf.slice(teacher, [0, 10], [count, 3]) : teacher, which, loss, batch);
    };
  const losses: [string, LossOf][] = [
    ['digit cross-entropy', (logits, d, [start, count]) => digitCrossEntropy(logits, tf.slice(d.oneHot, [start, 0], [count, 10]), batch)],
    ['KL on aux logits', distil('aux', 'kl')],
    ['KL on all logits', distil('all', 'kl')],
    ['squared difference on aux logits', distil('aux', 'mse')],
    ['squared difference on all logits', distil('all', 'mse')],
  ];

  /** Autodiff of one model alone, as an independent reference. */
  function autodiffGrads(p: HostParams, loss: (logits: tf.Tensor2D) => tf.Scalar, x: tf.Tensor2D) {
    const shapes = paramShapes(shape);
    const f = (...params: tf.Tensor[]) => {
      const [w1, b1, w2, b2, w3, b3] = params as tf.Tensor2D[];
      const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1)) as tf.Tensor2D;
      const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2)) as tf.Tensor2D;
      return loss(tf.add(tf.matMul(h2, w3), b3) as tf.Tensor2D);
    };
    return tf.grads(f)(PAPER_PARAMS.map((n) => tf.tensor(p[n], shapes[n])));
  }

  // The fused layout's tensor operations are the stacked layout's (its training step is tested in Chromium, tests/fused-webgpu.test.ts).
  for (const layout of [LAYOUTS.stacked, LAYOUTS.list]) {
    for (const [name, lossOf] of losses) {
      it(`matches autodiff for ${name}, ${models} models side by side, each on its own inputs (${layout.name} layout)`, async () => {
        const model = Mlp.init(shape, [11, 12]);
        // Biases away from zero, so their gradients are tested through non-trivial activations.
        model.params.b1.assign(tf.randomNormal([models, shape.hidden], 0, 0.1, 'float32', 1));
        model.params.b2.assign(tf.randomNormal([models, shape.hidden], 0, 0.1, 'float32', 2));
        const d = inputs(2);
        // The list layout takes xᵀ written in JS by the training loop; test that path too.
        const xT = new Float32Array(d.x.length);
        for (let k = 0; k < models; k++)
          for (let r = 0; r < batch; r++)
            for (let c = 0; c < 784; c++) xT[k * batch * 784 + c * batch + r] = d.x[k * batch * 784 + r * 784 + c];
        const manual = tf.tidy(() => {
          const { x, xT: xTs } = layout.inputs(d.x, layout.wantsTransposedInputs ? xT : null, models, batch, 784);
          const fwd = model.forward(x, layout);
          const dLogits = lossOf(layout.rows(fwd.out), d, [0, models * batch]).dLogits;
          const grads = model.backward(x, fwd, layout.fromRows(dLogits, models), layout, xTs);
          return Object.fromEntries(PAPER_PARAMS.map((param) => [param, layout.stack(grads[param])])) as Record<ParamName, tf.Tensor>;
        });
        for (let k = 0; k < models; k++) {
          const host = await model.toHost(k);
          const auto = tf.tidy(() => autodiffGrads(host, (logits) => lossOf(logits, d, [k * batch, batch]).loss, d.xOf(k)));
          for (const [i, param] of PAPER_PARAMS.entries()) {
            const mine = tf.tidy(() => tf.squeeze(tf.slice(manual[param], [k], [1]), [0]));
            const a = await mine.data();
            const b = await auto[i].data();
            mine.dispose();
            const scale = Math.max(...Array.from(b, Math.abs));
            expect(scale).toBeGreaterThan(0);
            const worst = Math.max(...Array.from(a, (v, j) => Math.abs(v - b[j])));
            expect(worst / scale, `model ${k} ${param}`).toBeLessThan(1e-4);
          }
          tf.dispose(auto);
        }
        tf.dispose([manual, d.oneHot, d.teacher]);
        model.dispose();
      });
    }

    it(`predicts the same for a shared input as for that input given to each model (${layout.name} layout)`, async () => {
      const model = Mlp.init(shape, [21, 22, 23]);
      const d = inputs(3);
      const x = d.xOf(0);
      const repeated = new Float32Array(3 * batch * 784);
      for (let k = 0; k < 3; k++) repeated.set(d.x.subarray(0, batch * 784), k * batch * 784);
      const shared = model.predictShared(x, layout);
      const each = tf.tidy(() => model.predict(layout.inputs(repeated, null, 3, batch, 784).x, layout));
      const [a, b] = [await shared.data(), await each.data()];
      expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-5);
      tf.dispose([shared, each, x, d.oneHot, d.teacher]);
      model.dispose();
    });
  }

  it("predicts the logits the reference MLP computes, which the page's digit reader uses", async () => {
    const model = Mlp.init(shape, [31, 32]);
    model.params.b1.assign(tf.randomNormal([2, shape.hidden], 0, 0.1, 'float32', 3));
    const d = inputs(4);
    const x = d.xOf(0);
    const logits = model.predictShared(x, LAYOUTS.list);
    const engine = (await logits.data()) as Float32Array;
    const width = 10 + shape.m;
    for (const k of [0, 1]) {
      const params = await model.toHost(k);
      for (let r = 0; r < batch; r++) {
        const expected = forward(params, d.x.subarray(r * 784, (r + 1) * 784)).logits;
        expected.forEach((v, j) => expect(engine[(k * batch + r) * width + j], `model ${k}, row ${r}`).toBeCloseTo(v, 4));
      }
    }
    tf.dispose([logits, x, d.oneHot, d.teacher]);
    model.dispose();
  });

  it('gives the loss value of the textbook formulas', async () => {
    const logits = tf.tensor2d([[1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 5, 1, 0]]);
    const oneHot = tf.cast(tf.oneHot(tf.tensor1d([1], 'int32'), 10), 'float32') as tf.Tensor2D;
    const ce = digitCrossEntropy(logits, oneHot, 1);
    // −log softmax(logits[0:10])[1], the aux logit 5 takes no part.
    const expectedCe = -(2 - Math.log(Math.exp(1) + Math.exp(2) + 8));
    expect((await ce.loss.data())[0]).toBeCloseTo(expectedCe, 5);
    const teacher = tf.tensor2d([[0, 0, 0]]);
    const kl = distillationLoss(logits, teacher, 'aux', 'kl', 1);
    const q = [5, 1, 0].map(Math.exp);
    const z = q.reduce((a, b) => a + b);
    const expectedKl = [0, 1, 2].reduce((acc, j) => acc + (1 / 3) * Math.log(1 / 3 / (q[j] / z)), 0);
    expect((await kl.loss.data())[0]).toBeCloseTo(expectedKl, 5);
    // mse_loss's mean over the imitated logits: (5² + 1² + 0²) / 3.
    const mse = distillationLoss(logits, teacher, 'aux', 'mse', 1);
    expect((await mse.loss.data())[0]).toBeCloseTo(26 / 3, 5);
    tf.dispose([logits, oneHot, ce.loss, ce.dLogits, teacher, kl.loss, kl.dLogits, mse.loss, mse.dLogits]);
  });
});

describe('parameter shapes', () => {
  it('follows 784 → h → h → 10 + m', () => {
    const shapes: Record<ParamName, number[]> = paramShapes({ hidden: 256, m: 3, depth: 2 });
    expect(shapes).toEqual({ w1: [784, 256], b1: [256], w2: [256, 256], b2: [256], w3: [256, 13], b3: [13] });
  });
});
