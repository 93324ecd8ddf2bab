/**
 * Page for tests/fused-webgpu.test.ts: trains the same models on the same batches with the fused
 * WebGPU step and with tfjs's kernels (the stacked layout), and two steps against the reference MLP
 * (src/protocol/referenceMlp.ts), on WebGPU in this browser, and leaves what the test compares in
 * window.__fused.
 *
 * Sizes that run many tiles of every kernel: hidden 136 (three 64-wide tiles, the last partial),
 * batches of 100 and a short last batch of 50 (two row tiles, the second partial), the largest m
 * against the reference MLP (260 outputs, five tiles), and Adam's pass for 100 models, whose first
 * layer needs more workgroups than one dispatch dimension holds. Students by both losses (KL and
 * the squared difference), from both initialisation schemes.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { Adam } from '../../src/engine/adam';
import { activateBackend } from '../../src/engine/backend';
import { LAYOUTS, type ModelLayout } from '../../src/engine/layout';
import { Mlp, type MlpShape, type ParamName } from '../../src/engine/mlp';
import { paramNames } from '../../src/protocol/network';
import type { PhasePlan } from '../../src/engine/phase';
import { studentPlan, teacherPlan } from '../../src/engine/plans';
import { deviationInLr, referencePhase } from '../../src/engine/referencePhase';
import { trainPhase } from '../../src/engine/train';
import { countGpuCalls } from '../../src/engine/webgpu/counters';
import { fusedAdamSteps } from '../../src/engine/webgpu/adamPass';
import { createFusedStep } from '../../src/engine/webgpu/fusedStep';
import { backendProblem } from '../../src/engine/webgpu/tfjsAdapter';
import { CONFIG_SCHEMA, STUDENT_LOSSES, type InitScheme } from '../../src/protocol/config';
import { UNIFORM_NOISE } from '../../src/protocol/random';
import { DIGITS } from '../../src/protocol/constants';
import type { KernelUse } from '../../src/protocol/results';

/** The paper's network's parameters (two hidden layers): w1, b1, w2, b2, w3, b3. */
const PAPER_PARAMS = paramNames({ depth: 2 });

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

/** The fused step against the reference MLP (src/protocol/referenceMlp.ts), two steps of a phase. */
export interface OracleComparison {
  phase: string;
  kernels: KernelUse;
  /** Largest |loss difference| relative to the reference's loss, over the steps. */
  lossRelDiff: number;
  /** See deviationInLr: the largest deviation of a parameter in units of lr, and the share of parameters at rounding level. */
  worst: number;
  roundingLevel: number;
}

export interface FusedSuccess {
  phases: PhaseComparison[];
  oracle: OracleComparison[];
  adamAtScale: AdamAtScale;
  noisePass: { kernels: [KernelUse, KernelUse]; maxDiff: number };
  /** Gaussian and blurred noise on the fused layout: the noise pass's and a student step's kernels, and the pass's largest difference from the stacked layout's. */
  hostNoise: { kind: string; pass: KernelUse; step: KernelUse; maxDiff: number }[];
  /** Bytes read back to the host over a fused noise pass and its student's fused phase, and the size of the targets between them. */
  targetsStay: { bytesRead: number; targetBytes: number };
  cloneSourceChanged: boolean;
  /** Why the fused step cannot run when a private tfjs member it needs is gone. */
  missingMember: string | null;
  /** The same when the backend keeps tensors' data elsewhere than a GPUBuffer. */
  missingResource: string | null;
  /** The error a WebGPU validation error during set-up raises (not a console warning). */
  validationError: string | null;
  /** The error a WebGPU validation error in the first step raises. */
  firstStepError: string | null;
  tensorsBefore: number;
  tensorsAfter: number;
}

export type FusedReport = FusedSuccess | { error: string };

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
    const params = await Promise.all(PAPER_PARAMS.map(async (name) => (await model.params[name].data()) as Float32Array));
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

/** Adam's pass of the fused step for 100 models against tfjs's kernels: per model, the share of its parameters that agree. */
export interface AdamAtScale {
  models: number;
  steps: number;
  agree: number[];
}

/**
 * 100 models at the paper's width: w1's Adam needs 100 · 784 · 256 / 256 = 78,400 workgroups,
 * past the 65,535 one dispatch dimension holds, so it runs as a 2-D dispatch. Two steps with
 * different gradients (both signs and zeros, in different places), so that the moments written in
 * the first step are read in the second: the fused pass against tfjs's kernels (src/engine/adam.ts),
 * every parameter of every model (a 2-D dispatch that lost its second row would leave the last
 * models unmoved). Adam's pass alone: the whole step at this size takes a software adapter minutes.
 */
async function adamAtScaleOf(lr: number): Promise<AdamAtScale> {
  const models = 100;
  const seeds = Array.from({ length: models }, (_, i) => i + 1);
  const shape = { hidden: 256, m: 3, depth: 2 };
  const [fused, reference] = [Mlp.init(shape, seeds), Mlp.init(shape, seeds)];
  // Each step's gradient of parameter i, of both signs, zero in different places: i mod 7 = 3, then i mod 5 = 2.
  const patterns = [(i: number) => ((i % 7) - 3) / 100, (i: number) => ((i % 5) - 2) / 150];
  const gradients = patterns.map(
    (gradient) =>
      Object.fromEntries(
        PAPER_PARAMS.map((name) => [name, Float32Array.from({ length: fused.params[name].size }, (_, i) => gradient(i))]),
      ) as Record<ParamName, Float32Array>,
  );
  const adam = new Adam(reference.params, lr);
  try {
    await fusedAdamSteps(fused, gradients, lr);
    for (const step of gradients) {
      const tensors = Object.fromEntries(PAPER_PARAMS.map((name) => [name, tf.tensor(step[name], reference.params[name].shape)])) as Record<
        ParamName,
        tf.Tensor
      >;
      try {
        adam.apply(tensors);
      } finally {
        Object.values(tensors).forEach((t) => t.dispose());
      }
    }
    const agree = new Array<number>(models).fill(0);
    for (const name of PAPER_PARAMS) {
      const [after, expected] = await Promise.all([fused, reference].map(async (m) => (await m.params[name].data()) as Float32Array));
      const per = after.length / models;
      // Two Adam steps move a parameter by up to 2 · lr; float32 rounding of the two sides' arithmetic stays far below lr / 1000.
      for (let i = 0; i < after.length; i++) if (Math.abs(after[i] - expected[i]) <= 1e-3 * lr) agree[Math.floor(i / per)] += 1;
    }
    const perModel = PAPER_PARAMS.reduce((sum, name) => sum + fused.params[name].size / models, 0);
    return { models, steps: gradients.length, agree: agree.map((count) => count / perModel) };
  } finally {
    adam.dispose();
    fused.dispose();
    reference.dispose();
  }
}

/**
 * Two steps of the fused step (a full batch, then a short one, each model its own examples) against
 * the reference MLP trained on the same examples: every parameter of every model.
 */
async function againstReference(
  phase: string,
  shape: MlpShape,
  seeds: number[],
  plan: PhasePlan,
  scheme: InitScheme = 'normal',
): Promise<OracleComparison> {
  const batches = [100, 50].map((rows, step) =>
    seeds.map((seed) => Uint32Array.from({ length: rows }, (_, i) => (i * 37 + seed * 11 + step * 101) % EXAMPLES)),
  );
  const model = Mlp.init(shape, seeds, scheme);
  try {
    const starts = await Promise.all(seeds.map((_, k) => model.toHost(k)));
    const targets = plan.objective.kind === 'distill' ? ((await plan.objective.targets.logits.data()) as Float32Array) : undefined;
    const expected = referencePhase(starts, plan, batches, targets);
    const step = await createFusedStep(model, plan);
    const losses: number[] = [];
    try {
      for (const indices of batches) losses.push((await step.run(indices, true))!);
    } finally {
      step.dispose();
    }
    const trained = await Promise.all(seeds.map((_, k) => model.toHost(k)));
    const lossRelDiff = Math.max(...losses.map((loss, i) => Math.abs(loss - expected.losses[i]) / expected.losses[i]));
    return { phase, kernels: step.kernels, lossRelDiff, ...deviationInLr(trained, expected, plan.lr) };
  } finally {
    model.dispose();
  }
}

/** The targets a student phase imitates, as a tensor on the GPU (as the noise pass leaves them). */
const targetsFor = (seeds: number[], { m }: MlpShape) => {
  const width = DIGITS + m;
  const logits = tf.tensor2d(
    Float32Array.from({ length: seeds.length * EXAMPLES * width }, (_, i) => 3 * Math.sin(i * 0.37 + seeds.length)),
    [seeds.length * EXAMPLES, width],
  );
  return { count: EXAMPLES, width, logits };
};

async function run(): Promise<FusedReport> {
  await activateBackend(tf, 'webgpu');
  const tensorsBefore = tf.memory().numTensors;
  const shape = { hidden: 136, m: 3, depth: 2 };
  const settings = {
    teacherEpochs: 1,
    studentEpochs: 1,
    studentLoss: 'kl' as const,
    noise: 'uniform' as const,
    noiseBlur: 1,
    trainCount: EXAMPLES,
    batchSize: 100,
    lr: 1e-3,
  };
  const phases: PhaseComparison[] = [];
  for (const seeds of [[1], [1, 2, 3]]) {
    const targets = targetsFor(seeds, shape);
    const noise = seeds.map((s) => s + 100);
    try {
      phases.push(await compare('teacher', shape, seeds, teacherPlan(settings, split, seeds)));
      phases.push(await compare('aux', shape, seeds, studentPlan(settings, noise, seeds, targets, 'aux')));
      phases.push(await compare('all', shape, seeds, studentPlan(settings, noise, seeds, targets, 'all')));
    } finally {
      targets.logits.dispose();
    }
  }
  const oracle: OracleComparison[] = [];
  // Also at the largest m: 260 outputs span five 64-wide tiles, the last partial, and the loss runs over 250 auxiliary logits;
  // there the students start from the uniform scheme, as the 2026 split-head code's do.
  for (const [oracleShape, suffix, scheme] of [
    [shape, '', 'normal'],
    [{ ...shape, m: CONFIG_SCHEMA.m.max }, `, m = ${CONFIG_SCHEMA.m.max}`, 'uniform'],
  ] as const) {
    const seeds = [1, 2];
    const targets = targetsFor(seeds, oracleShape);
    try {
      oracle.push(await againstReference(`teacher${suffix}`, oracleShape, seeds, teacherPlan(settings, split, seeds)));
      for (const studentLoss of STUDENT_LOSSES)
        for (const distill of ['aux', 'all'] as const) {
          const plan = studentPlan({ ...settings, studentLoss }, [101, 102], seeds, targets, distill);
          const name = `${distill}${studentLoss === 'kl' ? '' : `, ${studentLoss}`}${suffix}`;
          oracle.push(await againstReference(name, oracleShape, seeds, plan, scheme));
        }
    } finally {
      targets.logits.dispose();
    }
  }
  const adamAtScale = await adamAtScaleOf(settings.lr);

  // The noise pass: generated on the GPU bit for bit as in JS, through the same arithmetic.
  const teacher = Mlp.init(shape, [1, 2]);
  const passes = [
    await LAYOUTS.stacked.noiseLogits(teacher, [7, 8], UNIFORM_NOISE, 150, 64),
    await LAYOUTS.fused.noiseLogits(teacher, [7, 8], UNIFORM_NOISE, 150, 64),
  ];
  let maxDiff = 0;
  try {
    const [reference, fused] = await Promise.all(passes.map(async (p) => (await p.targets.logits.data()) as Float32Array));
    reference.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - fused[i]))));
  } finally {
    teacher.dispose();
    passes.forEach((p) => p.targets.logits.dispose());
  }
  const noisePass = { kernels: [passes[0].kernels, passes[1].kernels] as [KernelUse, KernelUse], maxDiff };

  // The other kinds are drawn on the host: the fused layout falls back to tfjs's kernels for them and says so, on the same numbers.
  const hostNoise: FusedSuccess['hostNoise'] = [];
  for (const draw of [
    { kind: 'gaussian', blur: 1 },
    { kind: 'blur', blur: 2 },
  ] as const) {
    const noiseTeacher = Mlp.init(shape, [1, 2]);
    const student = Mlp.init(shape, [3, 4]);
    const passes: Awaited<ReturnType<typeof LAYOUTS.fused.noiseLogits>>[] = [];
    try {
      for (const layout of [LAYOUTS.stacked, LAYOUTS.fused]) passes.push(await layout.noiseLogits(noiseTeacher, [7, 8], draw, 150, 64));
      const fused = passes[1];
      const [a, b] = await Promise.all(passes.map(async (p) => (await p.targets.logits.data()) as Float32Array));
      const step = await LAYOUTS.fused.createStep(
        student,
        studentPlan({ ...settings, noise: draw.kind, noiseBlur: draw.blur }, [7, 8], [1, 2], fused.targets, 'aux'),
      );
      try {
        hostNoise.push({
          kind: draw.kind,
          pass: fused.kernels,
          step: step.kernels,
          maxDiff: Math.max(...a.map((v, i) => Math.abs(v - b[i]))),
        });
      } finally {
        step.dispose();
      }
    } finally {
      [noiseTeacher, student].forEach((m) => m.dispose());
      passes.forEach((p) => p.targets.logits.dispose());
    }
  }

  // A teacher's targets stay on the GPU from its noise pass through its student's phase: what is read back is the losses, not the targets.
  const [teachers, students] = [Mlp.init(shape, [1, 2]), Mlp.init(shape, [1, 2])];
  const counter = countGpuCalls();
  let targetsStay: FusedSuccess['targetsStay'];
  try {
    const { targets } = await LAYOUTS.fused.noiseLogits(teachers, [7, 8], UNIFORM_NOISE, EXAMPLES, 64);
    const targetBytes = targets.logits.size * 4;
    try {
      await trainPhase(students, studentPlan(settings, [7, 8], [1, 2], targets, 'aux'), noHooks(LAYOUTS.fused));
    } finally {
      targets.logits.dispose();
    }
    targetsStay = { bytesRead: counter.read().bytesRead, targetBytes };
  } finally {
    counter.stop();
    teachers.dispose();
    students.dispose();
  }

  // Training a clone in place must leave its source alone (tfjs's clone() shares the source's buffer).
  const source = Mlp.init(shape, [1]);
  const clone = source.clone();
  let cloneSourceChanged: boolean;
  try {
    const before = await source.toHost(0);
    await trainPhase(clone, teacherPlan(settings, split, [1]), noHooks(LAYOUTS.fused));
    const after = await source.toHost(0);
    cloneSourceChanged = PAPER_PARAMS.some((name) => before[name].some((v, i) => v !== after[name][i]));
  } finally {
    source.dispose();
    clone.dispose();
  }

  // A tfjs upgrade that drops a private member the fused step relies on: named, with the version, instead of a crash mid-step.
  const missingMember = backendProblem(Object.create(tf.backend(), { submitQueue: { value: undefined } }), 'webgpu');
  // …or keeps a tensor's data elsewhere than the GPUBuffer the step binds.
  const missingResource = backendProblem(
    Object.create(tf.backend(), { uploadToGPU: { value: () => {} }, tensorMap: { value: { get: () => ({ resource: null }) } } }),
    'webgpu',
  );
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
  }

  // …and one in the first step (here, a dispatch of 65,536 workgroups, past the 65,535 a dimension holds) rejects that step.
  const pass = GPUComputePassEncoder.prototype as unknown as { dispatchWorkgroups(x: number, y?: number, z?: number): void };
  const dispatchWorkgroups = pass.dispatchWorkgroups;
  let firstStepError: string | null = null;
  try {
    const step = await createFusedStep(model, teacherPlan(settings, split, [1]));
    pass.dispatchWorkgroups = function (this: GPUComputePassEncoder) {
      dispatchWorkgroups.call(this, 65_536);
    };
    try {
      await step.run([Uint32Array.from({ length: settings.batchSize }, (_, i) => i)], true);
    } catch (error) {
      firstStepError = error instanceof Error ? error.message : String(error);
    } finally {
      pass.dispatchWorkgroups = dispatchWorkgroups;
      step.dispose();
    }
  } finally {
    model.dispose();
  }
  return {
    phases,
    oracle,
    adamAtScale,
    noisePass,
    hostNoise,
    targetsStay,
    cloneSourceChanged,
    missingMember,
    missingResource,
    validationError,
    firstStepError,
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
