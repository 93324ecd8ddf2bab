/// <reference types="@webgpu/types" />
/**
 * The training step on WebGPU as 15 dispatches in one submit: forward (3 matmuls with bias and
 * ReLU fused), the loss and its gradient (1), the backward pass (5 matmuls; bias gradients ride
 * on the weight gradients, ReLU masks on the input gradients) and Adam (6, one per parameter).
 *
 * tfjs's own kernels cost ≈ 120 dispatches, ≈ 50 buffers and ≈ 9 submits per step, and on a real
 * GPU a step of this size is all overhead. Here the data stays on the GPU (MNIST as bytes, the
 * noise set generated from its seed, the teacher's targets), every buffer is made once per phase
 * and bound once, and per step only the batch's example indices and four numbers go up.
 *
 * It runs on tfjs's own device and updates the model's tfjs variables in place (each given a
 * buffer of its own first), so evaluation, read-back and everything else keep using tfjs unchanged.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DIGITS, IMAGE_PIXELS } from '../../protocol/constants';
import { BETA1, BETA2 } from '../adam';
import { distilledColumns } from '../losses';
import { PARAM_NAMES, type Mlp, type ParamName } from '../mlp';
import { distilledTargets, type NoiseTargets, type PhaseInputs, type PhaseObjective } from '../plans';
import {
  ADAM,
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

/** The parts of tfjs's WebGPU backend this module uses (not in its public typings). */
interface WebGpuBackend {
  device: GPUDevice;
  commandEncoder: GPUCommandEncoder | null;
  tensorMap: { get(dataId: object): { resource: GPUBuffer | null } };
  uploadToGPU(dataId: object): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

function webGpuBackend(): WebGpuBackend {
  const backend = tf.backend() as unknown as Partial<WebGpuBackend>;
  if (tf.getBackend() !== 'webgpu' || !backend.device || !backend.tensorMap)
    throw new Error('fused WebGPU training needs the webgpu backend');
  return backend as WebGpuBackend;
}

/** The GPU buffer behind a tfjs tensor (uploaded first if it still lives on the CPU side). */
function bufferOf(backend: WebGpuBackend, tensor: tf.Tensor): GPUBuffer {
  backend.uploadToGPU(tensor.dataId);
  const resource = backend.tensorMap.get(tensor.dataId).resource;
  if (!(resource instanceof GPUBuffer)) throw new Error('fused WebGPU training: a parameter is not held in a GPU buffer');
  return resource;
}

/** Sends whatever tfjs has recorded but not submitted, so the queue keeps the program's order. */
function flushTfjs(backend: WebGpuBackend): void {
  if (!backend.commandEncoder) return;
  backend.endComputePassEncoder();
  backend.submitQueue();
}

const pipelineCache = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

function pipeline(device: GPUDevice, code: string): Promise<GPUComputePipeline> {
  let cache = pipelineCache.get(device);
  if (!cache) pipelineCache.set(device, (cache = new Map()));
  let made = cache.get(code);
  if (!made) {
    made = device.createComputePipelineAsync({
      layout: 'auto',
      compute: { module: device.createShaderModule({ code }), entryPoint: 'main' },
    });
    cache.set(code, made);
  }
  return made;
}

/** Data that outlives a phase: MNIST's bytes and labels stay on the device for every phase that reads them. */
const residentCache = new WeakMap<GPUDevice, WeakMap<object, GPUBuffer>>();

function resident(device: GPUDevice, key: object, make: () => ArrayBufferView<ArrayBuffer>): GPUBuffer {
  let cache = residentCache.get(device);
  if (!cache) residentCache.set(device, (cache = new WeakMap()));
  let buffer = cache.get(key);
  if (!buffer) {
    const data = make();
    buffer = device.createBuffer({
      size: Math.max(4, Math.ceil(data.byteLength / 4) * 4),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    cache.set(key, buffer);
  }
  return buffer;
}

/** MNIST's pixel values x/255·2−1 computed as fillImages does, so both paths see identical inputs. */
const PIXEL_VALUES = Float32Array.from({ length: 256 }, (_, b) => (b / 255) * 2 - 1);

/** Buffers a phase makes and destroys together. */
function ownedBuffers(device: GPUDevice) {
  const owned: GPUBuffer[] = [];
  const make = (floats: number, usage: number = GPUBufferUsage.STORAGE) => {
    const buffer = device.createBuffer({ size: Math.max(16, floats * 4), usage });
    owned.push(buffer);
    return buffer;
  };
  return {
    make,
    upload(data: Float32Array | Uint32Array) {
      const buffer = make(data.length, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
      device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
      return buffer;
    },
    destroy: () => owned.forEach((buffer) => buffer.destroy()),
  };
}

export interface FusedStep {
  /** One training step on each model's example indices; resolves to the mean loss over models when `readLoss`. */
  run(indices: readonly Uint32Array[], readLoss: boolean): Promise<number | null>;
  dispose(): void;
}

interface Dispatch {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  /** Workgroups for a step of `rows` rows. */
  groups(rows: number): [number, number, number];
}

/** Whether buffers of these sizes (bytes) fit the device's limits (else the caller keeps to tfjs's kernels). */
function fits(...bytes: number[]): boolean {
  const { limits } = webGpuBackend().device;
  return (
    limits.maxStorageBuffersPerShaderStage >= 6 &&
    bytes.every((size) => size <= Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize))
  );
}

/** Whether the fused step can hold this phase's parameters, activations, data and targets. */
export function fusedStepFits(model: Mlp, inputs: PhaseInputs, objective: PhaseObjective, batchSize: number): boolean {
  const { count: k, shape } = model;
  const widest = Math.max(shape.hidden, DIGITS + shape.m);
  const weights = k * (Math.max(IMAGE_PIXELS, shape.hidden) + 1) * widest * 4;
  const activations = k * batchSize * widest * 4;
  const images = inputs.kind === 'images' ? inputs.split.images.byteLength : 0;
  const targets =
    objective.kind === 'distill' ? k * objective.targets.count * distilledColumns(objective.distill, objective.targets.width).size * 4 : 0;
  return fits(weights, activations, images, targets);
}

/** Whether `fusedNoiseLogits` can hold every model's logits on the whole noise set. */
export function fusedNoiseLogitsFit(teacher: Mlp, count: number): boolean {
  return fits(teacher.count * count * (DIGITS + teacher.shape.m) * 4);
}

/** The fused step for `model` on this phase's data; Adam's state is its own (zero at the start, as adam.ts). */
export async function createFusedStep(
  model: Mlp,
  inputs: PhaseInputs,
  objective: PhaseObjective,
  batchSize: number,
  lr: number,
): Promise<FusedStep> {
  const backend = webGpuBackend();
  const { device } = backend;
  const dims: Dims = { k: model.count, batch: batchSize, hidden: model.shape.hidden, outputs: DIGITS + model.shape.m };
  const { k, batch, hidden, outputs } = dims;
  const input: InputKind = inputs.kind;
  const buffers = ownedBuffers(device);
  const { make, upload } = buffers;

  try {
    const uniform = make(STEP_UNIFORM_BYTES / 4, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const indices = make(k * batch, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    const activation = (width: number) => make(k * batch * width);
    const [h1, h2, dz1, dz2] = [hidden, hidden, hidden, hidden].map(activation);
    const [logits, dLogits] = [outputs, outputs].map(activation);
    const loss = make(k, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
    const lossRead = make(k, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);

    // The step writes the parameters in place, so each must have a buffer of its own: tfjs's
    // clone() shares its source's (a student cloned from the reference would train the reference too).
    for (const name of PARAM_NAMES) {
      const param = model.params[name];
      tf.tidy(() => param.assign(tf.add(param, 0)));
    }
    flushTfjs(backend);
    const params = Object.fromEntries(PARAM_NAMES.map((name) => [name, bufferOf(backend, model.params[name])])) as Record<
      ParamName,
      GPUBuffer
    >;
    const sizes = Object.fromEntries(PARAM_NAMES.map((name) => [name, model.params[name].size])) as Record<ParamName, number>;
    const grads = Object.fromEntries(PARAM_NAMES.map((name) => [name, make(sizes[name])])) as Record<ParamName, GPUBuffer>;
    const moments = PARAM_NAMES.map((name) => [
      make(sizes[name], GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST),
      make(sizes[name], GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST),
    ]);
    // New buffers are zero-filled, as Adam's state must start.

    const source =
      inputs.kind === 'images'
        ? [
            indices,
            resident(device, inputs.split.images, () => inputs.split.images as Uint8Array<ArrayBuffer>),
            resident(device, PIXEL_VALUES, () => PIXEL_VALUES),
          ]
        : [indices, upload(Uint32Array.from(inputs.seeds))];
    let target: GPUBuffer;
    let objectiveKind: ObjectiveKind;
    if (objective.kind === 'digits') {
      target = resident(device, objective.split.labels, () => Uint32Array.from(objective.split.labels));
      objectiveKind = { kind: 'digits' };
    } else {
      const { targets, distill } = objective;
      const { start, size } = distilledColumns(distill, targets.width);
      const everyExample = Uint32Array.from({ length: targets.count }, (_, e) => e);
      const chosen = distilledTargets(
        objective,
        targets.logits.map(() => everyExample),
        new Float32Array(k * targets.count * size),
      );
      target = upload(chosen);
      objectiveKind = { kind: 'distill', start, size, examples: targets.count };
    }

    const wide = (rows: number, width: number): [number, number, number] => [Math.ceil(width / TILE), Math.ceil(rows / TILE), k];
    const steps: { code: string; buffers: GPUBuffer[]; groups(rows: number): [number, number, number] }[] = [
      { code: denseForward(dims, 1, input), buffers: [...source, params.w1, params.b1, h1], groups: (rows) => wide(rows, hidden) },
      { code: denseForward(dims, 2, input), buffers: [h1, params.w2, params.b2, h2], groups: (rows) => wide(rows, hidden) },
      { code: denseForward(dims, 3, input), buffers: [h2, params.w3, params.b3, logits], groups: (rows) => wide(rows, outputs) },
      { code: lossKernel(dims, objectiveKind), buffers: [indices, target, logits, dLogits, loss], groups: () => [k, 1, 1] },
      { code: parameterGradient(dims, 3, input), buffers: [h2, dLogits, grads.w3, grads.b3], groups: () => wide(hidden + 1, outputs) },
      { code: inputGradient(dims, 3), buffers: [dLogits, params.w3, h2, dz2], groups: (rows) => wide(rows, hidden) },
      { code: parameterGradient(dims, 2, input), buffers: [h1, dz2, grads.w2, grads.b2], groups: () => wide(hidden + 1, hidden) },
      { code: inputGradient(dims, 2), buffers: [dz2, params.w2, h1, dz1], groups: (rows) => wide(rows, hidden) },
      {
        code: parameterGradient(dims, 1, input),
        buffers: [...source, dz1, grads.w1, grads.b1],
        groups: () => wide(IMAGE_PIXELS + 1, hidden),
      },
      ...PARAM_NAMES.map((name, i) => {
        const groups = Math.ceil(sizes[name] / 256);
        const x = Math.min(groups, device.limits.maxComputeWorkgroupsPerDimension);
        return {
          code: ADAM,
          buffers: [params[name], grads[name], ...moments[i]],
          groups: (): [number, number, number] => [x, Math.ceil(groups / x), 1],
        };
      }),
    ];
    const sized = (buffer: GPUBuffer, name?: ParamName) => ({ buffer, size: name ? sizes[name] * 4 : buffer.size });
    const paramOf = new Map(PARAM_NAMES.map((name) => [params[name], name] as const));
    const dispatches: Dispatch[] = await Promise.all(
      steps.map(async ({ code, buffers, groups }) => {
        const made = await pipeline(device, code);
        const entries = [
          { binding: 0, resource: { buffer: uniform } },
          ...buffers.map((buffer, i) => ({ binding: i + 1, resource: sized(buffer, paramOf.get(buffer)) })),
        ];
        return { pipeline: made, bindGroup: device.createBindGroup({ layout: made.getBindGroupLayout(0), entries }), groups };
      }),
    );

    const stepValues = new ArrayBuffer(STEP_UNIFORM_BYTES);
    const stepInts = new Uint32Array(stepValues);
    const stepFloats = new Float32Array(stepValues);
    const indexValues = new Uint32Array(k * batch);
    let t = 0;
    /** Steps submitted and not known to be done: at most two, so the GPU always has the next step queued and a cancel waits for little. */
    let inFlight: Promise<unknown>[] = [];

    return {
      async run(modelIndices, readLoss) {
        const rows = modelIndices[0].length;
        t += 1;
        // The Step uniform: rows, then Adam's bias corrections as adam.ts computes them.
        stepInts[0] = rows;
        stepFloats[1] = lr / (1 - BETA1 ** t);
        stepFloats[2] = Math.sqrt(1 - BETA2 ** t);
        modelIndices.forEach((values, model) => indexValues.set(values, model * batch));
        if (inFlight.length >= 2) await inFlight.shift();
        flushTfjs(backend);
        device.queue.writeBuffer(uniform, 0, stepValues);
        device.queue.writeBuffer(indices, 0, indexValues);
        const encoder = device.createCommandEncoder();
        const pass = encoder.beginComputePass();
        for (const { pipeline: p, bindGroup, groups } of dispatches) {
          pass.setPipeline(p);
          pass.setBindGroup(0, bindGroup);
          pass.dispatchWorkgroups(...groups(rows));
        }
        pass.end();
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
      },
      dispose: buffers.destroy,
    };
  } catch (error) {
    buffers.destroy();
    throw error;
  }
}

/**
 * Teacher k's logits on its own noise set, generated and run through the model on the GPU: the
 * noise never exists on the host (60,000 × 784 values per seed would take longer to hash in JS
 * than the GPU takes for the whole pass). Three dispatches and one submit per batch, one read-back.
 */
export async function fusedNoiseLogits(
  teacher: Mlp,
  noiseSeeds: readonly number[],
  count: number,
  batchSize: number,
): Promise<NoiseTargets> {
  const backend = webGpuBackend();
  const { device } = backend;
  const dims: Dims = { k: teacher.count, batch: batchSize, hidden: teacher.shape.hidden, outputs: DIGITS + teacher.shape.m };
  const { k, batch, hidden, outputs } = dims;
  const buffers = ownedBuffers(device);
  const { make, upload } = buffers;
  try {
    flushTfjs(backend);
    const params = Object.fromEntries(
      PARAM_NAMES.map((name) => [name, { buffer: bufferOf(backend, teacher.params[name]), size: teacher.params[name].size * 4 }]),
    ) as Record<ParamName, GPUBufferBinding>;
    const uniform = make(STEP_UNIFORM_BYTES / 4, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const indices = make(k * batch, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    const seeds = upload(Uint32Array.from(noiseSeeds));
    const [h1, h2] = [make(k * batch * hidden), make(k * batch * hidden)];
    const logits = make(k * batch * outputs, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
    // Every batch's logits are copied straight to their place in one mappable buffer.
    const read = make(k * count * outputs, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    const layers = [
      {
        code: denseForward(dims, 1, 'noise'),
        buffers: [{ buffer: indices }, { buffer: seeds }, params.w1, params.b1, { buffer: h1 }],
        width: hidden,
      },
      { code: denseForward(dims, 2, 'noise'), buffers: [{ buffer: h1 }, params.w2, params.b2, { buffer: h2 }], width: hidden },
      { code: denseForward(dims, 3, 'noise'), buffers: [{ buffer: h2 }, params.w3, params.b3, { buffer: logits }], width: outputs },
    ];
    const made = await Promise.all(layers.map((layer) => pipeline(device, layer.code)));
    const bindGroups = layers.map((layer, i) =>
      device.createBindGroup({
        layout: made[i].getBindGroupLayout(0),
        entries: [{ binding: 0, resource: { buffer: uniform } }, ...layer.buffers.map((resource, j) => ({ binding: j + 1, resource }))],
      }),
    );
    const indexValues = new Uint32Array(k * batch);
    for (let start = 0; start < count; start += batch) {
      const rows = Math.min(batch, count - start);
      for (let model = 0; model < k; model++) for (let r = 0; r < rows; r++) indexValues[model * batch + r] = start + r;
      // Writes are ordered with submits, so one index and uniform buffer serve every batch.
      device.queue.writeBuffer(uniform, 0, Uint32Array.of(rows, 0, 0, 0));
      device.queue.writeBuffer(indices, 0, indexValues);
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      bindGroups.forEach((group, i) => {
        pass.setPipeline(made[i]);
        pass.setBindGroup(0, group);
        pass.dispatchWorkgroups(Math.ceil(layers[i].width / TILE), Math.ceil(rows / TILE), k);
      });
      pass.end();
      for (let model = 0; model < k; model++)
        encoder.copyBufferToBuffer(logits, model * batch * outputs * 4, read, (model * count + start) * outputs * 4, rows * outputs * 4);
      device.queue.submit([encoder.finish()]);
    }
    await read.mapAsync(GPUMapMode.READ);
    const values = new Float32Array(read.getMappedRange().slice(0));
    read.unmap();
    return {
      count,
      width: outputs,
      logits: Array.from({ length: k }, (_, model) => values.subarray(model * count * outputs, (model + 1) * count * outputs)),
    };
  } finally {
    buffers.destroy();
  }
}
