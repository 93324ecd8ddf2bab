/// <reference types="@webgpu/types" />
/**
 * Adam on the GPU, one dispatch per parameter tensor (adam.ts's arithmetic): the last six kernels of
 * the fused step, and the same pass alone for checking it at sizes where the whole step is too slow.
 */
import { BETA1, BETA2 } from '../adam';
import type { Mlp, ParamName } from '../mlp';
import { ADAM, STEP_UNIFORM_BYTES } from './kernels';
import { dispatchesOf, encodePass, ownedBuffers, validated, type Kernel } from './plumbing';
import { flushTfjs, ownParameters, webGpuBackend } from './tfjsAdapter';

export const parameterSizes = (model: Mlp) =>
  Object.fromEntries(model.names.map((name) => [name, model.params[name].size])) as Record<ParamName, number>;

/** The Step uniform: rows, then Adam's bias corrections for step t as adam.ts computes them. */
export function writeStepUniform(values: ArrayBuffer, rows: number, lr: number, t: number): void {
  new Uint32Array(values)[0] = rows;
  const floats = new Float32Array(values);
  floats[1] = lr / (1 - BETA1 ** t);
  floats[2] = Math.sqrt(1 - BETA2 ** t);
}

/** Adam, one dispatch per parameter tensor, with its moments in new buffers (zero-filled, as Adam's state must start). */
export function adamKernels(
  device: GPUDevice,
  make: ReturnType<typeof ownedBuffers>['make'],
  params: Record<ParamName, GPUBufferBinding>,
  grads: Record<ParamName, GPUBuffer>,
  sizes: Record<ParamName, number>,
): Kernel[] {
  return (Object.keys(sizes) as ParamName[]).map((name) => {
    const moments = ['m', 'v'].map((moment) =>
      make(`Adam ${moment} ${name}`, sizes[name], GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST),
    );
    // Past 65,535 workgroups in x (more than ≈ 83 models' w1 at hidden 256), the dispatch goes 2-D.
    const groups = Math.ceil(sizes[name] / 256);
    const x = Math.min(groups, device.limits.maxComputeWorkgroupsPerDimension);
    return {
      label: `Adam ${name}`,
      code: ADAM,
      bindings: [params[name], grads[name], ...moments],
      groups: () => [x, Math.ceil(groups / x), 1],
    };
  });
}

/**
 * The step's Adam pass alone, one step per entry of `gradients` (each laid out as the parameters
 * are), on `model`'s parameters, with its moments kept between steps: the dispatches the step
 * records, for checking them at sizes (a hundred models at the paper's width, whose Adam goes 2-D)
 * where a software adapter takes a minute for the whole step.
 */
export async function fusedAdamSteps(model: Mlp, gradients: readonly Record<ParamName, Float32Array>[], lr: number): Promise<void> {
  const backend = webGpuBackend();
  const { device } = backend;
  const buffers = ownedBuffers(device);
  try {
    await validated(device, "Adam's pass", async () => {
      const params = ownParameters(backend, model);
      const sizes = parameterSizes(model);
      const grads = Object.fromEntries(
        model.names.map((name) => [name, buffers.make(`gradient ${name}`, sizes[name], GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST)]),
      ) as Record<ParamName, GPUBuffer>;
      const uniform = buffers.make('step uniform', STEP_UNIFORM_BYTES / 4, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
      const dispatches = await dispatchesOf(device, uniform, adamKernels(device, buffers.make, params, grads, sizes));
      flushTfjs(backend);
      for (const [index, step] of gradients.entries()) {
        for (const name of model.names)
          device.queue.writeBuffer(grads[name], 0, step[name].buffer, step[name].byteOffset, step[name].byteLength);
        const values = new ArrayBuffer(STEP_UNIFORM_BYTES);
        writeStepUniform(values, 0, lr, index + 1);
        device.queue.writeBuffer(uniform, 0, values);
        const encoder = device.createCommandEncoder({ label: `subliminal: Adam's pass, step ${index + 1}` });
        encodePass(encoder, dispatches, 0);
        device.queue.submit([encoder.finish()]);
      }
      await device.queue.onSubmittedWorkDone();
    });
  } finally {
    buffers.destroy();
  }
}
