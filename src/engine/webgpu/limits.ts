/**
 * Whether the fused step and the noise pass can run here: tfjs's backend as the adapter checks it,
 * and the device's limits against the buffers a phase needs. A phase that cannot falls back to
 * tfjs's kernels, and its receipt names the reason.
 */
import { DIGITS, IMAGE_PIXELS } from '../../protocol/constants';
import type { Mlp } from '../mlp';
import type { PhasePlan } from '../phase';
import type { NoiseSpec } from '../../protocol/random';
import { backendProblem, webGpuBackend } from './tfjsAdapter';

/** Why buffers of these sizes (bytes, by what they hold) do not fit the device's limits; null when they do. */
function limitsProblem(sizes: Record<string, number>): string | null {
  const { limits } = webGpuBackend().device;
  if (limits.maxStorageBuffersPerShaderStage < 6)
    return `the device binds ${limits.maxStorageBuffersPerShaderStage} storage buffers per shader, the step needs 6`;
  const largest = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const over = Object.entries(sizes).filter(([, bytes]) => bytes > largest);
  if (over.length === 0) return null;
  return `${over.map(([what, bytes]) => `${what} (${(bytes / 2 ** 20).toFixed(0)} MiB)`).join(', ')} exceed the device's largest buffer binding (${(largest / 2 ** 20).toFixed(0)} MiB)`;
}

/**
 * Why the fused kernels cannot draw this noise: they hash uniform noise on the GPU, bit for bit the
 * host's; the other kinds (a logarithm and cosine, or a blur over each image) are drawn on the host
 * only, so that every path trains on the same numbers.
 */
function noiseProblem(draw: NoiseSpec): string | null {
  return draw.kind === 'uniform' ? null : `the fused kernels draw uniform noise only; ${draw.kind} noise is drawn on the host`;
}

/** Why the fused step cannot train this phase here (null when it can): the backend, the noise, or the device's limits. */
export function fusedStepProblem(model: Mlp, plan: PhasePlan): string | null {
  const backend = backendProblem() ?? (plan.inputs.kind === 'noise' ? noiseProblem(plan.inputs.draw) : null);
  if (backend) return backend;
  const { count: k, shape } = model;
  const widest = Math.max(shape.hidden, DIGITS + shape.m);
  const { inputs, objective } = plan;
  return limitsProblem({
    weights: k * (Math.max(IMAGE_PIXELS, shape.hidden) + 1) * widest * 4,
    activations: k * plan.batchSize * widest * 4,
    'MNIST images': inputs.kind === 'images' ? inputs.split.images.byteLength : 0,
    labels: objective.kind === 'digits' ? k * objective.labels[0].length * 4 : 0,
    "teacher's targets": objective.kind === 'distill' ? objective.targets.logits.size * 4 : 0,
  });
}

/** Why `fusedNoiseLogits` cannot run here (null when it can). */
export function fusedNoiseLogitsProblem(teacher: Mlp, draw: NoiseSpec, count: number): string | null {
  return (
    backendProblem() ?? noiseProblem(draw) ?? limitsProblem({ "teacher's targets": teacher.count * count * (DIGITS + teacher.shape.m) * 4 })
  );
}
