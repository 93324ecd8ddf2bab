import { describe, expect, it } from 'vitest';
import { STUDENT_LOSSES } from './config';
import { Rng } from './random';
import { paramNames } from './network';
import { adamState, adamStep, digitProbabilities, forward, gradients, type Objective, type Weights } from './referenceMlp';

/** A small model of `depth` hidden layers in float64 (so that finite differences are exact enough), biases away from zero. */
function smallModel(seed: number, inputs: number, hidden: number, width: number, depth: number): Weights {
  const rng = new Rng(seed);
  const draw = (n: number, scale: number) => Float64Array.from({ length: n }, () => rng.normal() * scale);
  const model: Weights = {};
  for (let l = 1; l <= depth + 1; l++) {
    const [fanIn, fanOut] = [l === 1 ? inputs : hidden, l === depth + 1 ? width : hidden];
    model[`w${l}`] = draw(fanIn * fanOut, 1 / Math.sqrt(fanIn));
    model[`b${l}`] = draw(fanOut, 0.1);
  }
  return model;
}

describe('the reference MLP', () => {
  it('computes a model exactly as its weights say', () => {
    // 784 → 2 → 2 → 11: the first hidden unit copies pixel 0, the rest is wiring.
    const w1 = new Float32Array(784 * 2);
    w1[0] = 1;
    const params = {
      w1,
      b1: new Float32Array([0, -1]),
      w2: new Float32Array([2, 0, 0, 1]),
      b2: new Float32Array([0, 0]),
      w3: Float32Array.from({ length: 2 * 11 }, (_, i) => (i === 3 ? 1 : 0)),
      b3: new Float32Array(11),
    };
    const x = new Float32Array(784);
    x[0] = 1.5;
    const { logits } = forward(params, x);
    expect(Array.from(logits)).toEqual([0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0]);
    const p = digitProbabilities(logits);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[3] / p[0]).toBeCloseTo(Math.exp(3), 10);
  });

  it("gives the textbook losses: cross-entropy on the digits, KL(teacher ‖ student) or PyTorch's mse_loss on the imitated logits", () => {
    // A model whose logits are its bias: [1, 2, 0, …, 0 | 5, 1, 0].
    const bias = Float64Array.of(1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 5, 1, 0);
    const params = {
      w1: new Float64Array(1),
      b1: new Float64Array(1),
      w2: new Float64Array(1),
      b2: new Float64Array(1),
      w3: new Float64Array(13),
      b3: bias,
    };
    const ce = gradients(params, [[0]], { kind: 'digits', labels: [1] }).loss;
    // −log softmax(logits[0:10])[1]: the aux logit 5 takes no part.
    expect(ce).toBeCloseTo(-(2 - Math.log(Math.exp(1) + Math.exp(2) + 8)), 12);
    const q = [5, 1, 0].map(Math.exp);
    const z = q.reduce((a, b) => a + b);
    const expectedKl = [0, 1, 2].reduce((acc, j) => acc + (1 / 3) * Math.log(1 / 3 / (q[j] / z)), 0);
    const teacher = [new Float64Array(13)];
    expect(gradients(params, [[0]], { kind: 'distill', teacher, distill: 'aux', loss: 'kl' }).loss).toBeCloseTo(expectedKl, 12);
    // torch.nn.functional.mse_loss's default reduction, a mean over every imitated logit: (5² + 1² + 0²) / 3 on aux, (1 + 4 + 25 + 1) / 13 on all.
    expect(gradients(params, [[0]], { kind: 'distill', teacher, distill: 'aux', loss: 'mse' }).loss).toBeCloseTo(26 / 3, 12);
    expect(gradients(params, [[0]], { kind: 'distill', teacher, distill: 'all', loss: 'mse' }).loss).toBeCloseTo(31 / 13, 12);
  });

  for (const objectiveOf of [
    (): Objective => ({ kind: 'digits', labels: [3, 7, 0, 9] }),
    ...STUDENT_LOSSES.flatMap((loss) =>
      (['aux', 'all'] as const).map((distill) => (rng: Rng): Objective => ({
        kind: 'distill',
        distill,
        loss,
        teacher: [0, 1, 2, 3].map(() => Float64Array.from({ length: 13 }, () => rng.normal() * 2)),
      })),
    ),
  ]) {
    const rng = new Rng(3);
    const objective = objectiveOf(rng);
    const name = objective.kind === 'digits' ? 'digit cross-entropy' : `${objective.loss} on ${objective.distill} logits`;
    it(`has the gradient of its loss, by central differences (${name}), zero where the loss cannot reach, at depths 1 to 3`, () => {
      for (const depth of [1, 2, 3]) {
        const params = smallModel(1, 6, 5, 13, depth);
        const inputs = [0, 1, 2, 3].map(() => Float64Array.from({ length: 6 }, () => rng.normal()));
        const { grads } = gradients(params, inputs, objective);
        const h = 1e-6;
        for (const name of paramNames({ depth }))
          for (let i = 0; i < params[name].length; i++) {
            const value = params[name][i];
            params[name][i] = value + h;
            const up = gradients(params, inputs, objective).loss;
            params[name][i] = value - h;
            const down = gradients(params, inputs, objective).loss;
            params[name][i] = value;
            expect(grads[name][i], `${name}[${i}]`).toBeCloseTo((up - down) / (2 * h), 6);
          }
        // Cross-entropy never reaches the aux logits, a student's loss on aux never the digits.
        const outside = objective.kind === 'digits' ? [10, 11, 12] : objective.distill === 'aux' ? [0, 4, 9] : [];
        const outputBias = grads[`b${depth + 1}`];
        for (const column of outside) expect(outputBias[column]).toBe(0);
        expect(outputBias.some((g) => Math.abs(g) > 1e-3)).toBe(true);
      }
    });
  }

  it("takes PyTorch's Adam steps: lr·sign(g) first, then the bias-corrected ratio of the moments; a zero gradient never moves", () => {
    const params = {
      w1: Float64Array.of(0.5, -0.25),
      b1: new Float64Array(0),
      w2: new Float64Array(0),
      b2: new Float64Array(0),
      w3: new Float64Array(0),
      b3: new Float64Array(0),
    };
    const grads = (g: number) => ({ ...params, w1: Float64Array.of(g, 0) });
    const state = adamState(params);
    adamStep(params, grads(0.5), state, 0.01);
    // m̂ = g, v̂ = g²: the step is lr·g/(|g| + eps).
    expect(params.w1[0]).toBeCloseTo(0.5 - (0.01 * 0.5) / (0.5 + 1e-8), 15);
    adamStep(params, grads(-0.2), state, 0.01);
    const m = (0.9 * 0.1 * 0.5 + 0.1 * -0.2) / (1 - 0.9 ** 2);
    const v = (0.999 * 0.001 * 0.25 + 0.001 * 0.04) / (1 - 0.999 ** 2);
    expect(params.w1[0]).toBeCloseTo(0.5 - (0.01 * 0.5) / (0.5 + 1e-8) - (0.01 * m) / (Math.sqrt(v) + 1e-8), 15);
    expect(params.w1[1]).toBe(-0.25);
  });
});
