/// <reference types="@webgpu/types" />
/**
 * The training step on WebGPU as 5·L dispatches in one submit for a network of L layers with
 * weights (15 for the paper's two hidden layers): forward (L matmuls with bias and ReLU fused), the
 * loss and its gradient (1), the backward pass (2L − 1 matmuls; bias gradients ride on the weight
 * gradients, ReLU masks on the input gradients) and Adam (2L, one per parameter).
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
 *   own pending work submitted first, then one compute pass of 15 dispatches (the paper's network;
 *   a hidden layer more or fewer adds or removes a forward, two backward and two Adam dispatches):
 *      1– 3  layer 1, 2, 3 forward: x·W + b, ReLU on 1 and 2 (layer 1 gathers MNIST bytes or hashes
 *            noise from its seed, by example index)                               → h1, h2, logits
 *      4     loss and its gradient, per model (labels, or the teacher's logits read in place)
 *                                                                                 → loss, dLogits
 *      5– 9  layer 3 gradients, layer 3 input gradient (through h2's ReLU), layer 2 gradients,
 *            layer 2 input gradient (through h1's ReLU), layer 1 gradients        → grads, dz2, dz1
 *     10–15  Adam, one per parameter (adamPass.ts)                                → params, m, v
 *   then, when the loss is asked for, one copy to a mapped buffer; else at most two steps queued.
 */
import { IMAGE_PIXELS, PIXEL_INPUTS } from '../../protocol/constants';
import { distilledColumns } from '../losses';
import { biasName, weightName } from '../../protocol/network';
import type { Mlp, ParamName } from '../mlp';
import type { PhasePlan, TrainingStep } from '../phase';
import { adamKernels, parameterSizes, writeStepUniform } from './adamPass';
import {
  STEP_UNIFORM_BYTES,
  TILE,
  denseForward,
  dimsOf,
  inputGradient,
  lossKernel,
  parameterGradient,
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
  const dims = dimsOf(model, batchSize);
  const { k, batch, hidden, outputs, layers } = dims;
  const input: InputKind = inputs.kind;
  const buffers = ownedBuffers(device);
  const { make, upload } = buffers;

  try {
    const setUp = await validated(device, 'setting up the step', async () => {
      const uniform = make('step uniform', STEP_UNIFORM_BYTES / 4, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
      const indices = make('example indices', k * batch, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
      const activation = (label: string, width: number) => make(label, k * batch * width);
      // Each hidden layer's output, and the loss's gradient with respect to its input (through its ReLU).
      const activations = Array.from({ length: layers - 1 }, (_, i) => activation(`h${i + 1}`, hidden));
      const gradients = Array.from({ length: layers - 1 }, (_, i) => activation(`dz${i + 1}`, hidden));
      const [logits, dLogits] = ['logits', 'dLogits'].map((label) => activation(label, outputs));
      const loss = make('loss', k, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
      const lossRead = make('loss read-back', k, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);

      const params = ownParameters(backend, model);
      const sizes = parameterSizes(model);
      const grads = Object.fromEntries(model.names.map((name) => [name, make(`gradient ${name}`, sizes[name])])) as Record<
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
      const widthOf = (layer: number) => (layer === layers ? outputs : hidden);
      // Layer l's input: the batch's images or noise for layer 1, else hidden layer l − 1's output.
      const inputOf = (layer: number) => (layer === 1 ? source : [activations[layer - 2]]);
      const forward: Kernel[] = Array.from({ length: layers }, (_, i) => ({
        label: `layer ${i + 1} forward`,
        code: denseForward(dims, i + 1, input),
        bindings: [...inputOf(i + 1), params[weightName(i + 1)], params[biasName(i + 1)], i + 1 === layers ? logits : activations[i]],
        groups: (rows: number) => wide(rows, widthOf(i + 1)),
      }));
      // From the output layer down: each layer's gradients, then the gradient through its weights into the layer below.
      const backward: Kernel[] = [];
      for (let layer = layers; layer >= 1; layer--) {
        const d = layer === layers ? dLogits : gradients[layer - 1];
        backward.push({
          label: `layer ${layer} gradients`,
          code: parameterGradient(dims, layer, input),
          bindings: [...inputOf(layer), d, grads[weightName(layer)], grads[biasName(layer)]],
          groups: () => wide((layer === 1 ? IMAGE_PIXELS : hidden) + 1, widthOf(layer)),
        });
        if (layer > 1)
          backward.push({
            label: `layer ${layer} input gradient`,
            code: inputGradient(dims, layer),
            bindings: [d, params[weightName(layer)], activations[layer - 2], gradients[layer - 2]],
            groups: (rows: number) => wide(rows, hidden),
          });
      }
      const kernels: Kernel[] = [
        ...forward,
        {
          label: `loss (${objective.kind === 'digits' ? 'digits' : objective.loss})`,
          code: lossKernel(dims, objectiveKind),
          bindings: [indices, target, logits, dLogits, loss],
          groups: () => [k, 1, 1],
        },
        ...backward,
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
