/**
 * Page for tests/fused-webgpu.test.ts: trains the same models on the same batches with the fused
 * WebGPU step and with tfjs's kernels (the stacked layout, itself checked against PyTorch), on
 * WebGPU in this browser, and leaves what the test compares in window.__fused.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { activateBackend } from '../../src/engine/backend';
import { LAYOUTS, type ModelLayout } from '../../src/engine/layout';
import { Mlp, PARAM_NAMES } from '../../src/engine/mlp';
import { studentPlan, teacherLogitsOnNoise, teacherPlan } from '../../src/engine/plans';
import { trainPhase, type PhasePlan } from '../../src/engine/train';
import { countGpuCalls } from '../../src/engine/webgpu/counters';

export interface PhaseComparison {
  phase: string;
  models: number;
  /** Losses read every other step: tfjs's kernels, then the fused step. */
  losses: [number[], number[]];
  /** Largest |difference| of any parameter after the phase, relative to that tensor's largest |value|. */
  paramRelDiff: number;
  /** The fused step's GPU calls in each step after the first: [dispatches, buffers created, submits]. */
  fusedCalls: number[][];
}

export type FusedReport =
  | { phases: PhaseComparison[]; noiseLogitsMaxDiff: number; cloneSourceChanged: boolean; tensorsBefore: number; tensorsAfter: number }
  | { error: string };

declare global {
  interface Window {
    __fused?: FusedReport;
  }
}

const EXAMPLES = 200;
const shape = { hidden: 40, m: 3 };
const split = {
  images: Uint8Array.from({ length: EXAMPLES * 784 }, (_, i) => (i * 7919) % 256),
  labels: Uint8Array.from({ length: EXAMPLES }, (_, i) => (i * 31) % 10),
  count: EXAMPLES,
};

async function train(layout: ModelLayout, plan: PhasePlan, seeds: number[]) {
  const model = Mlp.init(shape, seeds);
  const losses: number[] = [];
  const calls: number[][] = [];
  const counter = countGpuCalls();
  let last = counter.read();
  try {
    await trainPhase(model, plan, {
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
    const params = await Promise.all(Object.values(model.params).map(async (p) => (await p.data()) as Float32Array));
    return { losses, calls, params };
  } finally {
    counter.stop();
    model.dispose();
  }
}

async function compare(phase: string, seeds: number[], plan: PhasePlan): Promise<PhaseComparison> {
  const reference = await train(LAYOUTS.stacked, plan, seeds);
  const fused = await train(LAYOUTS.fused, plan, seeds);
  let paramRelDiff = 0;
  reference.params.forEach((values, i) => {
    let diff = 0;
    let scale = 0;
    values.forEach((v, j) => {
      diff = Math.max(diff, Math.abs(v - fused.params[i][j]));
      scale = Math.max(scale, Math.abs(v));
    });
    paramRelDiff = Math.max(paramRelDiff, diff / scale);
  });
  return { phase, models: seeds.length, losses: [reference.losses, fused.losses], paramRelDiff, fusedCalls: fused.calls };
}

async function run(): Promise<FusedReport> {
  await activateBackend(tf, 'webgpu');
  const tensorsBefore = tf.memory().numTensors;
  const settings = { teacherEpochs: 2, studentEpochs: 2, trainCount: EXAMPLES, batchSize: 64, lr: 1e-3 };
  const phases: PhaseComparison[] = [];
  for (const seeds of [[1], [1, 2, 3]]) {
    const targets = {
      count: EXAMPLES,
      width: 13,
      logits: seeds.map((s) => Float32Array.from({ length: EXAMPLES * 13 }, (_, i) => 3 * Math.sin(i * s))),
    };
    const noise = seeds.map((s) => s + 100);
    phases.push(await compare('teacher', seeds, teacherPlan(settings, split, seeds)));
    phases.push(await compare('aux', seeds, studentPlan(settings, noise, seeds, targets, 'aux')));
    phases.push(await compare('all', seeds, studentPlan(settings, noise, seeds, targets, 'all')));
  }
  const teacher = Mlp.init(shape, [1, 2]);
  let noiseLogitsMaxDiff = 0;
  try {
    const [reference, fused] = [
      await teacherLogitsOnNoise(teacher, LAYOUTS.stacked, [7, 8], 150, 64),
      await teacherLogitsOnNoise(teacher, LAYOUTS.fused, [7, 8], 150, 64),
    ];
    reference.logits.forEach((block, k) =>
      block.forEach((v, i) => (noiseLogitsMaxDiff = Math.max(noiseLogitsMaxDiff, Math.abs(v - fused.logits[k][i])))),
    );
  } finally {
    teacher.dispose();
  }
  // Training a clone in place must leave its source alone (tfjs's clone() shares the source's buffer).
  const source = Mlp.init(shape, [1]);
  const clone = source.clone();
  let cloneSourceChanged: boolean;
  try {
    const before = await source.toHost(0);
    await trainPhase(clone, teacherPlan(settings, split, [1]), {
      layout: LAYOUTS.fused,
      logEvery: 100,
      beforeStep: async () => {},
      afterStep: async () => {},
    });
    const after = await source.toHost(0);
    cloneSourceChanged = PARAM_NAMES.some((name) => before[name].some((v, i) => v !== after[name][i]));
  } finally {
    source.dispose();
    clone.dispose();
  }
  return { phases, noiseLogitsMaxDiff, cloneSourceChanged, tensorsBefore, tensorsAfter: tf.memory().numTensors };
}

try {
  window.__fused = await run();
} catch (error) {
  window.__fused = { error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) };
}
document.getElementById('out')!.textContent = JSON.stringify(window.__fused, null, 2);
