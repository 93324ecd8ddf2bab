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
 */
import * as tf from '@tensorflow/tfjs-core';
import { DIGITS, IMAGE_PIXELS, PIXEL_INPUTS } from '../../protocol/constants';
import { BETA1, BETA2 } from '../adam';
import { distilledColumns } from '../losses';
import { PARAM_NAMES, type Mlp, type ParamName } from '../mlp';
import type { NoiseTargets, PhasePlan, TrainingStep } from '../phase';
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

/** The parts of tfjs's WebGPU backend this module uses: private members, not in its public typings. */
interface WebGpuBackend {
  device: GPUDevice;
  commandEncoder: GPUCommandEncoder | null;
  tensorMap: { get(dataId: object): { resource: GPUBuffer | null } | undefined };
  uploadToGPU(dataId: object): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

const PRIVATE_MEMBERS: Record<keyof WebGpuBackend, 'object' | 'function'> = {
  device: 'object',
  commandEncoder: 'object',
  tensorMap: 'object',
  uploadToGPU: 'function',
  endComputePassEncoder: 'function',
  submitQueue: 'function',
};

/** The tfjs version the fused step was written and tested against. */
const TESTED_TFJS = '4.22.0';

/**
 * Why tfjs's WebGPU backend, as installed, cannot host the fused step (null when it can): it is
 * not the active backend, or a private member the step relies on is gone (a tfjs upgrade).
 */
export function backendProblem(backend: object = tf.backend(), active = tf.getBackend()): string | null {
  if (active !== 'webgpu') return `the active backend is ${active}, not webgpu`;
  const members = backend as Record<string, unknown>;
  const missing: string[] = (Object.keys(PRIVATE_MEMBERS) as (keyof WebGpuBackend)[]).filter((name) =>
    // commandEncoder is null between submits; it must exist as a member all the same.
    name === 'commandEncoder' ? !(name in members) : typeof members[name] !== PRIVATE_MEMBERS[name] || members[name] === null,
  );
  if (missing.length === 0 && !holdsGpuBuffers(backend as unknown as WebGpuBackend))
    missing.push('tensorMap entries holding a GPUBuffer as resource');
  if (missing.length === 0) return null;
  // Every tfjs package is pinned to one version: core's is the WebGPU backend's.
  return `tfjs ${tf.version_core}'s WebGPU backend lacks ${missing.join(', ')}, which the fused step uses (written for tfjs ${TESTED_TFJS})`;
}

/** Each backend's answer, probed once: the check runs whenever a phase asks whether the fused step can train it. */
const probedBackends = new WeakMap<object, boolean>();

/** Whether the backend keeps a tensor's data in a GPUBuffer at tensorMap.get(dataId).resource, where the fused step binds it: probed on one value. */
function holdsGpuBuffers(backend: WebGpuBackend): boolean {
  const known = probedBackends.get(backend);
  if (known !== undefined) return known;
  const probe = tf.scalar(0);
  try {
    backend.uploadToGPU(probe.dataId);
    const holds = backend.tensorMap.get(probe.dataId)?.resource instanceof GPUBuffer;
    probedBackends.set(backend, holds);
    return holds;
  } finally {
    probe.dispose();
  }
}

/**
 * The device of tfjs's active WebGPU backend, checked as the step's members are (null on another
 * backend, or if tfjs no longer keeps a GPUDevice there): what the worker watches for a lost GPU.
 */
export function activeGpuDevice(): GPUDevice | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const { device } = tf.backend() as unknown as Partial<WebGpuBackend>;
  return device instanceof GPUDevice ? device : null;
}

function webGpuBackend(): WebGpuBackend {
  const problem = backendProblem();
  if (problem) throw new Error(`fused WebGPU training: ${problem}`);
  return tf.backend() as unknown as WebGpuBackend;
}

/** The GPU buffer behind a tfjs tensor (uploaded first if it still lives on the CPU side), bound at the tensor's own size. */
function bindingOf(backend: WebGpuBackend, tensor: tf.Tensor): GPUBufferBinding {
  backend.uploadToGPU(tensor.dataId);
  const resource = backend.tensorMap.get(tensor.dataId)?.resource;
  if (!(resource instanceof GPUBuffer)) throw new Error('fused WebGPU training: a tensor is not held in a GPU buffer');
  return { buffer: resource, size: tensor.size * 4 };
}

/**
 * Runs `work` inside a validation error scope: a WebGPU validation error (a bad binding, a shader
 * that does not compile) fails loudly here instead of printing a warning and training on nonsense.
 */
async function validated<T>(device: GPUDevice, what: string, work: () => Promise<T>): Promise<T> {
  device.pushErrorScope('validation');
  const outcome = await work().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  // The scope is popped whatever happened; its error, if any, is the root cause of anything that followed.
  const invalid = await device.popErrorScope();
  if (invalid) throw new Error(`fused WebGPU training, ${what}: ${invalid.message}`);
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}

/** Sends whatever tfjs has recorded but not submitted, so the queue keeps the program's order. */
function flushTfjs(backend: WebGpuBackend): void {
  if (!backend.commandEncoder) return;
  backend.endComputePassEncoder();
  backend.submitQueue();
}

const pipelineCache = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

/** A compute pipeline, labelled (so the browser's GPU tools and error messages name it), made once per device and source. */
function pipeline(device: GPUDevice, label: string, code: string): Promise<GPUComputePipeline> {
  let cache = pipelineCache.get(device);
  if (!cache) pipelineCache.set(device, (cache = new Map()));
  let made = cache.get(code);
  if (!made) {
    const module = device.createShaderModule({ label, code });
    made = device.createComputePipelineAsync({ label, layout: 'auto', compute: { module, entryPoint: 'main' } });
    cache.set(code, made);
  }
  return made;
}

/** MNIST's bytes stay on the device for every phase that reads them. */
const residentCache = new WeakMap<GPUDevice, WeakMap<object, GPUBuffer>>();

function resident(device: GPUDevice, key: object, make: () => ArrayBufferView<ArrayBuffer>): GPUBuffer {
  let cache = residentCache.get(device);
  if (!cache) residentCache.set(device, (cache = new WeakMap()));
  let buffer = cache.get(key);
  if (!buffer) {
    const data = make();
    buffer = device.createBuffer({
      label: 'subliminal: MNIST images',
      size: Math.max(4, Math.ceil(data.byteLength / 4) * 4),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    cache.set(key, buffer);
  }
  return buffer;
}

/** Buffers a phase makes and destroys together, each labelled for the browser's GPU tools. */
function ownedBuffers(device: GPUDevice) {
  const owned: GPUBuffer[] = [];
  const make = (label: string, floats: number, usage: number = GPUBufferUsage.STORAGE) => {
    const buffer = device.createBuffer({ label: `subliminal: ${label}`, size: Math.max(16, floats * 4), usage });
    owned.push(buffer);
    return buffer;
  };
  return {
    make,
    upload(label: string, data: Float32Array | Uint32Array) {
      const buffer = make(label, data.length, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
      device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
      return buffer;
    },
    destroy: () => owned.forEach((buffer) => buffer.destroy()),
  };
}

interface Dispatch {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  /** Workgroups for a step of `rows` rows. */
  groups(rows: number): [number, number, number];
}

/** One kernel of a step: its label, its WGSL, what it binds (from binding 1 on; binding 0 is the step uniform) and how many workgroups a step of `rows` rows needs. */
interface Kernel {
  label: string;
  code: string;
  bindings: (GPUBuffer | GPUBufferBinding)[];
  groups(rows: number): [number, number, number];
}

/** Pipelines and bind groups for `kernels`, made once for a phase. */
async function dispatchesOf(device: GPUDevice, uniform: GPUBuffer, kernels: Kernel[]): Promise<Dispatch[]> {
  return Promise.all(
    kernels.map(async ({ label, code, bindings, groups }) => {
      const made = await pipeline(device, `subliminal: ${label}`, code);
      const entries = [
        { binding: 0, resource: { buffer: uniform } },
        ...bindings.map((resource, i) => ({ binding: i + 1, resource: resource instanceof GPUBuffer ? { buffer: resource } : resource })),
      ];
      return {
        pipeline: made,
        bindGroup: device.createBindGroup({ label: `subliminal: ${label}`, layout: made.getBindGroupLayout(0), entries }),
        groups,
      };
    }),
  );
}

/** Records `dispatches` for a step of `rows` rows into one compute pass. */
function encodePass(encoder: GPUCommandEncoder, dispatches: readonly Dispatch[], rows: number): void {
  const pass = encoder.beginComputePass();
  for (const { pipeline: p, bindGroup, groups } of dispatches) {
    pass.setPipeline(p);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(...groups(rows));
  }
  pass.end();
}

/** The step writes the parameters in place, so each gets a buffer of its own first: tfjs's clone() shares its source's (a student cloned from the reference would train the reference too). */
function ownParameters(backend: WebGpuBackend, model: Mlp): Record<ParamName, GPUBufferBinding> {
  for (const name of PARAM_NAMES) {
    const param = model.params[name];
    tf.tidy(() => param.assign(tf.add(param, 0)));
  }
  return Object.fromEntries(PARAM_NAMES.map((name) => [name, bindingOf(backend, model.params[name])])) as Record<
    ParamName,
    GPUBufferBinding
  >;
}

const parameterSizes = (model: Mlp) =>
  Object.fromEntries(PARAM_NAMES.map((name) => [name, model.params[name].size])) as Record<ParamName, number>;

/** The Step uniform: rows, then Adam's bias corrections for step t as adam.ts computes them. */
function writeStepUniform(values: ArrayBuffer, rows: number, lr: number, t: number): void {
  new Uint32Array(values)[0] = rows;
  const floats = new Float32Array(values);
  floats[1] = lr / (1 - BETA1 ** t);
  floats[2] = Math.sqrt(1 - BETA2 ** t);
}

/** Adam, one dispatch per parameter tensor, with its moments in new buffers (zero-filled, as Adam's state must start). */
function adamKernels(
  device: GPUDevice,
  make: ReturnType<typeof ownedBuffers>['make'],
  params: Record<ParamName, GPUBufferBinding>,
  grads: Record<ParamName, GPUBuffer>,
  sizes: Record<ParamName, number>,
): Kernel[] {
  return PARAM_NAMES.map((name) => {
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
        PARAM_NAMES.map((name) => [name, buffers.make(`gradient ${name}`, sizes[name], GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST)]),
      ) as Record<ParamName, GPUBuffer>;
      const uniform = buffers.make('step uniform', STEP_UNIFORM_BYTES / 4, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
      const dispatches = await dispatchesOf(device, uniform, adamKernels(device, buffers.make, params, grads, sizes));
      flushTfjs(backend);
      for (const [index, step] of gradients.entries()) {
        for (const name of PARAM_NAMES)
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

/** Why the fused step cannot train this phase here (null when it can): the backend, or the device's limits. */
export function fusedStepProblem(model: Mlp, plan: PhasePlan): string | null {
  const backend = backendProblem();
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
export function fusedNoiseLogitsProblem(teacher: Mlp, count: number): string | null {
  return backendProblem() ?? limitsProblem({ "teacher's targets": teacher.count * count * (DIGITS + teacher.shape.m) * 4 });
}

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
        const { targets, distill } = objective;
        target = bindingOf(backend, targets.logits);
        objectiveKind = { kind: 'distill', ...distilledColumns(distill, targets.width), examples: targets.count };
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
          label: `loss (${objective.kind})`,
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

/**
 * Teacher k's logits on its own noise set, generated and run through the model on the GPU: the
 * noise never exists on the host (60,000 × 784 values per seed would take longer to hash in JS
 * than the GPU takes for the whole pass), and the logits stay on the GPU, in a tfjs tensor the
 * students' fused steps read in place. Three dispatches and one submit per batch.
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
  const targets = tf.zeros([k * count, outputs]) as tf.Tensor2D;
  try {
    await validated(device, 'the noise pass', async () => {
      const params = Object.fromEntries(PARAM_NAMES.map((name) => [name, bindingOf(backend, teacher.params[name])])) as Record<
        ParamName,
        GPUBufferBinding
      >;
      const out = bindingOf(backend, targets).buffer;
      // tfjs records uploads in its own encoder: send them before ours write over them.
      flushTfjs(backend);
      const uniform = make('step uniform', STEP_UNIFORM_BYTES / 4, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
      const indices = make('example indices', k * batch, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
      const seeds = upload('noise seeds', Uint32Array.from(noiseSeeds));
      const [h1, h2] = [make('h1', k * batch * hidden), make('h2', k * batch * hidden)];
      const logits = make('logits', k * batch * outputs, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
      const wide =
        (width: number) =>
        (rows: number): [number, number, number] => [Math.ceil(width / TILE), Math.ceil(rows / TILE), k];
      const dispatches = await dispatchesOf(device, uniform, [
        {
          label: 'noise pass, layer 1',
          code: denseForward(dims, 1, 'noise'),
          bindings: [indices, seeds, params.w1, params.b1, h1],
          groups: wide(hidden),
        },
        {
          label: 'noise pass, layer 2',
          code: denseForward(dims, 2, 'noise'),
          bindings: [h1, params.w2, params.b2, h2],
          groups: wide(hidden),
        },
        {
          label: 'noise pass, layer 3',
          code: denseForward(dims, 3, 'noise'),
          bindings: [h2, params.w3, params.b3, logits],
          groups: wide(outputs),
        },
      ]);
      const indexValues = new Uint32Array(k * batch);
      for (let start = 0; start < count; start += batch) {
        const rows = Math.min(batch, count - start);
        for (let model = 0; model < k; model++) for (let r = 0; r < rows; r++) indexValues[model * batch + r] = start + r;
        // Writes are ordered with submits, so one index and uniform buffer serve every batch.
        device.queue.writeBuffer(uniform, 0, Uint32Array.of(rows, 0, 0, 0));
        device.queue.writeBuffer(indices, 0, indexValues);
        const encoder = device.createCommandEncoder({ label: 'subliminal: noise pass' });
        encodePass(encoder, dispatches, rows);
        // Each model's rows go straight to their place in the targets: model k's example e at row k·count + e.
        for (let model = 0; model < k; model++)
          encoder.copyBufferToBuffer(logits, model * batch * outputs * 4, out, (model * count + start) * outputs * 4, rows * outputs * 4);
        device.queue.submit([encoder.finish()]);
      }
      // The pass's buffers are destroyed below: let its work finish first.
      await device.queue.onSubmittedWorkDone();
    });
    return { count, width: outputs, logits: targets };
  } catch (error) {
    targets.dispose();
    throw error;
  } finally {
    buffers.destroy();
  }
}
