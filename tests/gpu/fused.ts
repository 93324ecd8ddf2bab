/**
 * Page for tests/fused-webgpu.test.ts: trains the same models on the same batches with the fused
 * WebGPU step and with tfjs's kernels (the stacked layout, itself checked against autodiff), on
 * WebGPU in this browser, and leaves what the test compares in window.__fused.
 *
 * Sizes that run many tiles of every kernel: hidden 136 (three 64-wide tiles, the last partial),
 * batches of 100 and a short last batch of 50 (two row tiles, the second partial), and Adam's pass
 * for 100 models, whose first layer needs more workgroups than one dispatch dimension holds.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { activateBackend } from '../../src/engine/backend';
import { LAYOUTS, type ModelLayout } from '../../src/engine/layout';
import { Mlp, PARAM_NAMES, type MlpShape, type ParamName } from '../../src/engine/mlp';
import type { PhasePlan } from '../../src/engine/phase';
import { studentPlan, teacherPlan } from '../../src/engine/plans';
import { trainPhase } from '../../src/engine/train';
import { countGpuCalls } from '../../src/engine/webgpu/counters';
import { backendProblem, createFusedStep, fusedAdamStep } from '../../src/engine/webgpu/trainer';
import type { KernelUse } from '../../src/protocol/results';

export interface PhaseComparison {
  phase: string;
  models: number;
  hidden: number;
  /** Which step each side ran: tfjs's kernels, then the fused step (which must not have fallen back). */
  kernels: [KernelUse, KernelUse];
  /** Losses read every other step: tfjs's kernels, then the fused step. */
  losses: [number[], number[]];
  /** Largest |difference| of any parameter after the phase, relative to that tensor's largest |value|. */
  paramRelDiff: number;
  /** The fused step's GPU calls in each step after the first: [dispatches, buffers created, submits]. */
  fusedCalls: number[][];
}

export type FusedReport =
  | {
      phases: PhaseComparison[];
      adamAtScale: AdamAtScale;
      noisePass: { kernels: [KernelUse, KernelUse]; maxDiff: number };
      cloneSourceChanged: boolean;
      /** Why the fused step cannot run when a private tfjs member it needs is gone. */
      missingMember: string | null;
      /** The error a WebGPU validation error during set-up raises (not a console warning). */
      validationError: string | null;
      tensorsBefore: number;
      tensorsAfter: number;
    }
  | { error: string };

declare global {
  interface Window {
    __fused?: FusedReport;
  }
}

const EXAMPLES = 250;
const split = {
  images: Uint8Array.from({ length: EXAMPLES * 784 }, (_, i) => (i * 7919) % 256),
  labels: Uint8Array.from({ length: EXAMPLES }, (_, i) => (i * 31) % 10),
  count: EXAMPLES,
};
const noHooks = (layout: ModelLayout) => ({ layout, logEvery: 100, beforeStep: async () => {}, afterStep: async () => {} });

async function train(layout: ModelLayout, shape: MlpShape, plan: PhasePlan, seeds: number[]) {
  const model = Mlp.init(shape, seeds);
  const losses: number[] = [];
  const calls: number[][] = [];
  const counter = countGpuCalls();
  let last = counter.read();
  try {
    const kernels = await trainPhase(model, plan, {
      layout,
      logEvery: 2,
      beforeStep: async () => {},
      afterStep: async ({ step, loss }) => {
        if (loss !== null) losses.push(loss);
        const now = counter.read();
        if (step > 1) calls.push([now.dispatches - last.dispatches, now.buffersCreated - last.buffersCreated, now.submits - last.submits]);
        last = now;
      },
    });
    const params = await Promise.all(PARAM_NAMES.map(async (name) => (await model.params[name].data()) as Float32Array));
    return { kernels, losses, calls, params };
  } finally {
    counter.stop();
    model.dispose();
  }
}

async function compare(phase: string, shape: MlpShape, seeds: number[], plan: PhasePlan): Promise<PhaseComparison> {
  const reference = await train(LAYOUTS.stacked, shape, plan, seeds);
  const fused = await train(LAYOUTS.fused, shape, plan, seeds);
  let paramRelDiff = 0;
  reference.params.forEach((values, i) => {
    let diff = 0;
    let scale = 0;
    values.forEach((v, j) => {
      diff = Math.max(diff, Math.abs(v - fused.params[i][j]));
      scale = Math.max(scale, Math.abs(v));
    });
    paramRelDiff = Math.max(paramRelDiff, diff / Math.max(scale, 1e-12));
  });
  return {
    phase,
    models: seeds.length,
    hidden: shape.hidden,
    kernels: [reference.kernels, fused.kernels],
    losses: [reference.losses, fused.losses],
    paramRelDiff,
    fusedCalls: fused.calls,
  };
}

/** Adam's pass of the fused step for 100 models: per model, the share of its parameters that moved as Adam's first step says. */
export interface AdamAtScale {
  models: number;
  correct: number[];
}

/**
 * 100 models at the paper's width: w1's Adam needs 100 · 784 · 256 / 256 = 78,400 workgroups,
 * past the 65,535 one dispatch dimension holds, so it runs as a 2-D dispatch. Adam's first step
 * moves every parameter by lr · g / (|g| + eps): by lr against its gradient's sign, or not at all
 * where the gradient is zero. Checked for every parameter of every model (a 2-D dispatch that lost
 * its second row would leave the last ones unmoved), on Adam's pass alone: the whole step at this
 * size takes a software adapter a minute, and tfjs's kernels for its 20 million parameters longer.
 */
async function firstAdamStep(lr: number): Promise<AdamAtScale> {
  const models = 100;
  const model = Mlp.init(
    { hidden: 256, m: 3 },
    Array.from({ length: models }, (_, i) => i + 1),
  );
  // Gradients of both signs and zeros: (i mod 7 − 3) / 100.
  const gradient = (size: number) => Float32Array.from({ length: size }, (_, i) => ((i % 7) - 3) / 100);
  try {
    const gradients = Object.fromEntries(PARAM_NAMES.map((name) => [name, gradient(model.params[name].size)])) as Record<
      ParamName,
      Float32Array
    >;
    const before = await Promise.all(PARAM_NAMES.map(async (name) => (await model.params[name].data()) as Float32Array));
    await fusedAdamStep(model, gradients, lr);
    const correct = new Array<number>(models).fill(0);
    for (const [t, name] of PARAM_NAMES.entries()) {
      const after = (await model.params[name].data()) as Float32Array;
      const g = gradients[name];
      const per = after.length / models;
      for (let i = 0; i < after.length; i++) {
        const expected = g[i] === 0 ? 0 : -Math.sign(g[i]) * lr;
        if (Math.abs(after[i] - before[t][i] - expected) <= 1e-3 * lr) correct[Math.floor(i / per)] += 1;
      }
    }
    const perModel = PARAM_NAMES.reduce((sum, name) => sum + model.params[name].size / models, 0);
    return { models, correct: correct.map((count) => count / perModel) };
  } finally {
    model.dispose();
  }
}

/** The targets a student phase imitates, as a tensor on the GPU (as the noise pass leaves them). */
const targetsFor = (seeds: number[]) => {
  const logits = tf.tensor2d(
    Float32Array.from({ length: seeds.length * EXAMPLES * 13 }, (_, i) => 3 * Math.sin(i * 0.37 + seeds.length)),
    [seeds.length * EXAMPLES, 13],
  );
  return { count: EXAMPLES, width: 13, logits };
};

async function run(): Promise<FusedReport> {
  await activateBackend(tf, 'webgpu');
  const tensorsBefore = tf.memory().numTensors;
  const shape = { hidden: 136, m: 3 };
  const settings = { teacherEpochs: 1, studentEpochs: 1, trainCount: EXAMPLES, batchSize: 100, lr: 1e-3 };
  const phases: PhaseComparison[] = [];
  for (const seeds of [[1], [1, 2, 3]]) {
    const targets = targetsFor(seeds);
    const noise = seeds.map((s) => s + 100);
    try {
      phases.push(await compare('teacher', shape, seeds, teacherPlan(settings, split, seeds)));
      phases.push(await compare('aux', shape, seeds, studentPlan(settings, noise, seeds, targets, 'aux')));
      phases.push(await compare('all', shape, seeds, studentPlan(settings, noise, seeds, targets, 'all')));
    } finally {
      targets.logits.dispose();
    }
  }
  const adamAtScale = await firstAdamStep(settings.lr);

  // The noise pass: generated on the GPU bit for bit as in JS, through the same arithmetic.
  const teacher = Mlp.init(shape, [1, 2]);
  const passes = [await LAYOUTS.stacked.noiseLogits(teacher, [7, 8], 150, 64), await LAYOUTS.fused.noiseLogits(teacher, [7, 8], 150, 64)];
  let maxDiff = 0;
  try {
    const [reference, fused] = await Promise.all(passes.map(async (p) => (await p.targets.logits.data()) as Float32Array));
    reference.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - fused[i]))));
  } finally {
    teacher.dispose();
    passes.forEach((p) => p.targets.logits.dispose());
  }
  const noisePass = { kernels: [passes[0].kernels, passes[1].kernels] as [KernelUse, KernelUse], maxDiff };

  // Training a clone in place must leave its source alone (tfjs's clone() shares the source's buffer).
  const source = Mlp.init(shape, [1]);
  const clone = source.clone();
  let cloneSourceChanged: boolean;
  try {
    const before = await source.toHost(0);
    await trainPhase(clone, teacherPlan(settings, split, [1]), noHooks(LAYOUTS.fused));
    const after = await source.toHost(0);
    cloneSourceChanged = PARAM_NAMES.some((name) => before[name].some((v, i) => v !== after[name][i]));
  } finally {
    source.dispose();
    clone.dispose();
  }

  // A tfjs upgrade that drops a private member the fused step relies on: named, with the version, instead of a crash mid-step.
  const missingMember = backendProblem(Object.create(tf.backend(), { submitQueue: { value: undefined } }), 'webgpu');
  const model = Mlp.init(shape, [1]);

  // A validation error while the step is set up (here, a bind group missing an entry) rejects, naming where.
  const prototype = GPUDevice.prototype as unknown as { createBindGroup(descriptor: GPUBindGroupDescriptor): GPUBindGroup };
  const createBindGroup = prototype.createBindGroup;
  let validationError: string | null = null;
  prototype.createBindGroup = function (this: GPUDevice, descriptor: GPUBindGroupDescriptor) {
    return createBindGroup.call(this, { ...descriptor, entries: [...descriptor.entries].slice(1) });
  };
  try {
    (await createFusedStep(model, teacherPlan(settings, split, [1]))).dispose();
  } catch (error) {
    validationError = error instanceof Error ? error.message : String(error);
  } finally {
    prototype.createBindGroup = createBindGroup;
    model.dispose();
  }
  return {
    phases,
    adamAtScale,
    noisePass,
    cloneSourceChanged,
    missingMember,
    validationError,
    tensorsBefore,
    tensorsAfter: tf.memory().numTensors,
  };
}

try {
  window.__fused = await run();
} catch (error) {
  window.__fused = { error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) };
}
document.getElementById('out')!.textContent = JSON.stringify(window.__fused, null, 2);
