/// <reference types="@webgpu/types" />
/**
 * The training step on WebGPU as 15 dispatches in one submit: forward (3 matmuls with bias and
 * ReLU fused), the loss and its gradient (1), the backward pass (5 matmuls; bias gradients ride
 * on the weight gradients, ReLU masks on the input gradients) and Adam (6, one per parameter).
 *
 * tfjs's own kernels cost ≈ 120 dispatches, ≈ 50 buffers and ≈ 9 submits per step, and on a real
 * GPU a step of this size is all overhead. Here the data stays on the GPU (MNIST as bytes, the
 * noise set generated from its seed, the teacher's targets from the noise pass), every buffer is
 * made once per phase and bound once, and per step only the batch's example indices and four
 * numbers go up.
 *
 * It runs on tfjs's own device and updates the model's tfjs variables in place (each given a
 * buffer of its own first), so evaluation, read-back and everything else keep using tfjs unchanged.
 *
 * What runs, in order (the other files of webgpu/ hold the parts):
 *
 *   once per phase (createFusedStep, in a validation error scope)
 *     limits.ts        the layout asked first whether this phase fits (else: tfjs's kernels)
 *     tfjsAdapter.ts   the model's variables each get a buffer of their own; their GPUBuffers bound
 *     plumbing.ts      scratch buffers; MNIST's bytes resident on the device; pipelines, bind groups
 *     kernels.ts       the WGSL of each dispatch, specialised to this phase's sizes
 *   every step (run): the uniform (rows, Adam's corrections) and the example indices written, tfjs's
 *   own pending work submitted first, then one compute pass of 15 dispatches:
 *      1– 3  layer 1, 2, 3 forward: x·W + b, ReLU on 1 and 2 (layer 1 gathers MNIST bytes or hashes
 *            noise from its seed, by example index)                               → h1, h2, logits
 *      4     loss and its gradient, per model (labels, or the teacher's logits read in place)
 *                                                                                 → loss, dLogits
 *      5– 9  layer 3 gradients, layer 3 input gradient (through h2's ReLU), layer 2 gradients,
 *            layer 2 input gradient (through h1's ReLU), layer 1 gradients        → grads, dz2, dz1
 *     10–15  Adam, one per parameter (adamPass.ts)                                → params, m, v
 *   then, when the loss is asked for, one copy to a mapped buffer; else at most two steps queued.
 */
import { DIGITS, IMAGE_PIXELS, PIXEL_INPUTS } from '../../protocol/constants';
import { distilledColumns } from '../losses';
import { PARAM_NAMES, type Mlp, type ParamName } from '../mlp';
import type { PhasePlan, TrainingStep } from '../phase';
import { adamKernels, parameterSizes, writeStepUniform } from './adamPass';
import {
  STEP_UNIFORM_BYTES,
  TILE,
  denseForward,
  inputGradient,
  lossKernel,
  parameterGradient,
  type Dims,
  type InputKind,
  type ObjectiveKind,
} from './kernels';
import { dispatchesOf, encodePass, ownedBuffers, resident, validated, type Kernel } from './plumbing';
import { bindingOf, flushTfjs, ownParameters, webGpuBackend } from './tfjsAdapter';

/**
 * The fused step for `model` on this phase's data; Adam's state is its own (zero at the start, as
 * adam.ts). Set-up and the first step run inside a validation error scope.
 */
export async function createFusedStep(model: Mlp, plan: PhasePlan): Promise<TrainingStep> {
  const backend = webGpuBackend();
  const { device } = backend;
  const { inputs, objective, batchSize, lr } = plan;
  const dims: Dims = { k: model.count, batch: batchSize, hidden: model.shape.hidden, outputs: DIGITS + model.shape.m };
  const { k, batch, hidden, outputs } = dims;
  const input: InputKind = inputs.kind;
  const buffers = ownedBuffers(device);
  const { make, upload } = buffers;

  try {
    const setUp = await validated(device, 'setting up the step', async () => {
      const uniform = make('step uniform', STEP_UNIFORM_BYTES / 4, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
      const indices = make('example indices', k * batch, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
      const activation = (label: string, width: number) => make(label, k * batch * width);
      const [h1, h2, dz1, dz2] = ['h1', 'h2', 'dz1', 'dz2'].map((label) => activation(label, hidden));
      const [logits, dLogits] = ['logits', 'dLogits'].map((label) => activation(label, outputs));
      const loss = make('loss', k, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
      const lossRead = make('loss read-back', k, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);

      const params = ownParameters(backend, model);
      const sizes = parameterSizes(model);
      const grads = Object.fromEntries(PARAM_NAMES.map((name) => [name, make(`gradient ${name}`, sizes[name])])) as Record<
        ParamName,
        GPUBuffer
      >;

      const source =
        inputs.kind === 'images'
          ? [
              indices,
              resident(device, inputs.split.images, () => inputs.split.images as Uint8Array<ArrayBuffer>),
              upload('pixel values', PIXEL_INPUTS),
            ]
          : [indices, upload('noise seeds', Uint32Array.from(inputs.seeds))];
      let target: GPUBuffer | GPUBufferBinding;
      let objectiveKind: ObjectiveKind;
      if (objective.kind === 'digits') {
        // Each model's own labels (a favourite-digit teacher's differ by seed), model k's from k·count.
        const count = objective.labels[0].length;
        const labels = new Uint32Array(k * count);
        objective.labels.forEach((modelLabels, model) => labels.set(modelLabels, model * count));
        target = upload('labels', labels);
        objectiveKind = { kind: 'digits', examples: count };
      } else {
        // The teacher's logits stay where the noise pass left them: read in place, distilled columns and all.
        const { targets, distill, loss } = objective;
        target = bindingOf(backend, targets.logits);
        objectiveKind = { kind: 'distill', loss, ...distilledColumns(distill, targets.width), examples: targets.count };
      }

      const wide = (rows: number, width: number): [number, number, number] => [Math.ceil(width / TILE), Math.ceil(rows / TILE), k];
      const kernels: Kernel[] = [
        {
          label: 'layer 1 forward',
          code: denseForward(dims, 1, input),
          bindings: [...source, params.w1, params.b1, h1],
          groups: (rows) => wide(rows, hidden),
        },
        {
          label: 'layer 2 forward',
          code: denseForward(dims, 2, input),
          bindings: [h1, params.w2, params.b2, h2],
          groups: (rows) => wide(rows, hidden),
        },
        {
          label: 'layer 3 forward',
          code: denseForward(dims, 3, input),
          bindings: [h2, params.w3, params.b3, logits],
          groups: (rows) => wide(rows, outputs),
        },
        {
          label: `loss (${objective.kind === 'digits' ? 'digits' : objective.loss})`,
          code: lossKernel(dims, objectiveKind),
          bindings: [indices, target, logits, dLogits, loss],
          groups: () => [k, 1, 1],
        },
        {
          label: 'layer 3 gradients',
          code: parameterGradient(dims, 3, input),
          bindings: [h2, dLogits, grads.w3, grads.b3],
          groups: () => wide(hidden + 1, outputs),
        },
        {
          label: 'layer 3 input gradient',
          code: inputGradient(dims, 3),
          bindings: [dLogits, params.w3, h2, dz2],
          groups: (rows) => wide(rows, hidden),
        },
        {
          label: 'layer 2 gradients',
          code: parameterGradient(dims, 2, input),
          bindings: [h1, dz2, grads.w2, grads.b2],
          groups: () => wide(hidden + 1, hidden),
        },
        {
          label: 'layer 2 input gradient',
          code: inputGradient(dims, 2),
          bindings: [dz2, params.w2, h1, dz1],
          groups: (rows) => wide(rows, hidden),
        },
        {
          label: 'layer 1 gradients',
          code: parameterGradient(dims, 1, input),
          bindings: [...source, dz1, grads.w1, grads.b1],
          groups: () => wide(IMAGE_PIXELS + 1, hidden),
        },
        ...adamKernels(device, make, params, grads, sizes),
      ];
      return { uniform, indices, loss, lossRead, dispatches: await dispatchesOf(device, uniform, kernels) };
    });
    const { uniform, indices, loss, lossRead, dispatches } = setUp;

    const stepValues = new ArrayBuffer(STEP_UNIFORM_BYTES);
    const indexValues = new Uint32Array(k * batch);
    let t = 0;
    /** Steps submitted and not known to be done: at most two, so the GPU always has the next step queued and a cancel waits for little. */
    let inFlight: Promise<unknown>[] = [];

    const run = async (modelIndices: readonly Uint32Array[], readLoss: boolean): Promise<number | null> => {
      const rows = modelIndices[0].length;
      t += 1;
      writeStepUniform(stepValues, rows, lr, t);
      modelIndices.forEach((values, model) => indexValues.set(values, model * batch));
      if (inFlight.length >= 2) await inFlight.shift();
      flushTfjs(backend);
      device.queue.writeBuffer(uniform, 0, stepValues);
      device.queue.writeBuffer(indices, 0, indexValues);
      const encoder = device.createCommandEncoder({ label: 'subliminal: training step' });
      encodePass(encoder, dispatches, rows);
      if (readLoss) encoder.copyBufferToBuffer(loss, 0, lossRead, 0, k * 4);
      device.queue.submit([encoder.finish()]);
      if (!readLoss) {
        inFlight.push(device.queue.onSubmittedWorkDone());
        return null;
      }
      await lossRead.mapAsync(GPUMapMode.READ);
      const values = new Float32Array(lossRead.getMappedRange().slice(0));
      lossRead.unmap();
      inFlight = [];
      return values.reduce((a, b) => a + b, 0) / k;
    };

    let first = true;
    return {
      kernels: { step: 'fused-webgpu' },
      run(modelIndices, readLoss) {
        if (!first) return run(modelIndices, readLoss);
        first = false;
        return validated(device, 'the first step', () => run(modelIndices, readLoss));
      },
      dispose: buffers.destroy,
    };
  } catch (error) {
    buffers.destroy();
    throw error;
  }
}
