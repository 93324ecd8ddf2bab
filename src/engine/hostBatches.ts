/**
 * A phase's batches built on the host, in buffers made once for the phase: what both tfjs-kernel
 * steps (tfjsStep.ts, cpuStep.ts) feed their first layer.
 */
import { IMAGE_PIXELS } from '../protocol/constants';
import type { ModelLayout } from './layout';
import { hostBuffers, type HostBuffers } from './hostWasm';
import type { PhasePlan } from './phase';

/**
 * A phase's batches on the host, into buffers made once (`host`'s, so that its noise kernel can
 * fill them): each model's inputs as K model-major blocks, and, for layouts that want them, transposed.
 */
export function batchInputs(plan: PhasePlan, host: HostBuffers, xBuffer: Float32Array, xTBuffer: Float32Array | null) {
  const { inputs } = plan;
  /** `indices`: the batches of models `first`, `first` + 1, …, written from the buffers' start. */
  return (indices: readonly Uint32Array[], first = 0) => {
    const per = indices[0].length * IMAGE_PIXELS;
    const block = (buffer: Float32Array, i: number) => buffer.subarray(i * per, (i + 1) * per);
    const x = indices.map((_, i) => block(xBuffer, i));
    const xT = xTBuffer ? indices.map((_, i) => block(xTBuffer, i)) : null;
    indices.forEach((modelIndices, i) => {
      if (inputs.kind === 'images') host.fillImages(modelIndices, x[i], xT?.[i]);
      else host.fillNoise(inputs.draw, inputs.seeds[first + i], modelIndices, x[i], xT?.[i]);
    });
    return { x, xT, all: xBuffer.subarray(0, indices.length * per), allT: xTBuffer?.subarray(0, indices.length * per) ?? null };
  };
}

/**
 * Host buffers for a phase's batches (x, and xᵀ where the layout wants it), room for `models` models'
 * batches at once (all the phase's, unless the step fills fewer at a time), then `extra` more.
 */
export function phaseBuffers(
  plan: PhasePlan,
  layout: ModelLayout,
  extra: readonly number[] = [],
  { models = plan.orderSeeds.length } = {},
) {
  const block = models * plan.batchSize * IMAGE_PIXELS;
  const images = plan.inputs.kind === 'images' ? plan.inputs.split : undefined;
  const host = hostBuffers([block, layout.wantsTransposedInputs ? block : 0, ...extra], { maxRows: plan.batchSize, images });
  const [x, xT, ...rest] = host.f32;
  return { host, inputs: batchInputs(plan, host, x, layout.wantsTransposedInputs ? xT : null), rest };
}
