/**
 * The reference MLP (protocol/referenceMlp.ts) trained on a phase's batches as the engine's steps
 * train them: model k from its own start, on its own inputs (images or its noise set) and its own
 * objective. The oracle that tfjs's kernels, the host step and the fused WebGPU step are tested
 * against; tests only.
 */
import { IMAGE_PIXELS } from '../protocol/constants';
import { fillNoise } from '../protocol/random';
import { adamState, adamStep, copyParams, gradients, paramNamesOf, type Objective } from '../protocol/referenceMlp';
import type { ModelParams, ParamName } from '../protocol/results';
import { fillImages } from './data';
import type { PhasePlan } from './phase';

/** How small a gradient is, per parameter: its smallest |g| over the steps, relative to the largest |g| of its tensor in that step. */
export type GradientScale = Record<ParamName, Float64Array>;

/**
 * Trains a copy of each start on `batches` (each step, every model's example indices) and returns
 * the trained parameters, each step's loss (the mean over models) and each parameter's gradient
 * scale. `targetLogits` is a distilling phase's targets as the host reads them ([K·count, width],
 * model-major).
 */
export function referencePhase(
  starts: readonly ModelParams[],
  plan: PhasePlan,
  batches: readonly (readonly Uint32Array[])[],
  targetLogits?: Float32Array,
): { params: ModelParams[]; losses: number[]; scales: GradientScale[] } {
  const params = starts.map(copyParams);
  const states = params.map(adamState);
  const scales = params.map((model) =>
    Object.fromEntries(paramNamesOf(model).map((name) => [name, new Float64Array(model[name].length).fill(Infinity)])),
  );
  const { inputs, objective } = plan;
  const losses = batches.map((indices) => {
    const total = params.reduce((sum, model, k) => {
      const rows = indices[k];
      const x = new Float32Array(rows.length * IMAGE_PIXELS);
      if (inputs.kind === 'images') fillImages(inputs.split, rows, x);
      else fillNoise(inputs.draw, inputs.seeds[k], rows, x);
      const xs = Array.from(rows, (_, r) => x.subarray(r * IMAGE_PIXELS, (r + 1) * IMAGE_PIXELS));
      let goal: Objective;
      if (objective.kind === 'digits') goal = { kind: 'digits', labels: Array.from(rows, (i) => objective.labels[k][i]) };
      else {
        const { count, width } = objective.targets;
        if (!targetLogits) throw new Error('referencePhase: a distilling phase needs its targets on the host');
        const teacher = Array.from(rows, (i) => targetLogits.subarray((k * count + i) * width, (k * count + i + 1) * width));
        goal = { kind: 'distill', teacher, distill: objective.distill, loss: objective.loss };
      }
      const { loss, grads } = gradients(model, xs, goal);
      for (const name of paramNamesOf(model)) {
        const largest = grads[name].reduce((top, g) => Math.max(top, Math.abs(g)), 0);
        grads[name].forEach((g, i) => (scales[k][name][i] = Math.min(scales[k][name][i], Math.abs(g) / largest)));
      }
      adamStep(model, grads, states[k], plan.lr);
      return sum + loss;
    }, 0);
    return total / params.length;
  });
  return { params, losses, scales };
}

/**
 * Adam divides a gradient by its own size, so a parameter whose gradient is at the level of float32
 * rounding (0 < |g| < 10⁻⁵ of its tensor's largest) moves in a direction rounding picks: those are
 * counted apart. A gradient of exactly zero (a unit ReLU kept silent) must leave its parameter exactly in place. Returns the largest |difference| of every other parameter of every model, in units
 * of the learning rate (Adam moves a parameter about lr a step), and the share set apart.
 */
export function deviationInLr(
  actual: readonly ModelParams[],
  expected: { params: readonly ModelParams[]; scales: readonly GradientScale[] },
  lr: number,
): { worst: number; roundingLevel: number } {
  let worst = 0;
  let [apart, total] = [0, 0];
  actual.forEach((model, k) => {
    for (const name of paramNamesOf(model))
      model[name].forEach((v, i) => {
        total += 1;
        const scale = expected.scales[k][name][i];
        if (scale > 0 && scale < 1e-5) apart += 1;
        else worst = Math.max(worst, Math.abs(v - expected.params[k][name][i]) / lr);
      });
  });
  return { worst, roundingLevel: apart / total };
}
