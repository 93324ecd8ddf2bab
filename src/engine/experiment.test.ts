import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateNodeBackend } from '../node/backend';
import { loadMnist } from '../node/mnist';
import { validateConfig, type Config } from './config';
import type { MnistData } from './data';
import { ExperimentCancelled, runExperiment, totalSteps, type ExperimentEvent } from './experiment';
import { seedStreams } from './seeds';
import { DIGITS, matMulFormFor, Mlp, type HostParams } from './mlp';
import { studentPlan, teacherLogitsOnNoise, teacherPlan } from './plans';
import { trainPhase } from './train';

let mnist: MnistData;

beforeAll(async () => {
  await activateNodeBackend('wasm');
  mnist = await loadMnist();
});

function tiny(overrides: Partial<Config> = {}): Config {
  const { config, issues } = validateConfig({
    seeds: 1,
    hidden: 32,
    teacherEpochs: 1,
    studentEpochs: 1,
    batchSize: 128,
    trainCount: 1024,
    noiseCount: 512,
    testCount: 500,
    ...overrides,
  });
  expect(issues).toEqual([]);
  return config;
}

const noHooks = (form = matMulFormFor(tf.getBackend())) => ({ form, logEvery: 1, beforeStep: async () => {}, afterStep: async () => {} });

/** Entries of the last layer (w3 columns and b3) that belong to the given logits. */
function headEntries(p: HostParams, columns: number[], width: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < p.w3.length; i++) if (columns.includes(i % width)) out.push(p.w3[i]);
  for (const c of columns) out.push(p.b3[c]);
  return out;
}

describe('what each phase may change', () => {
  it('teacher training never moves the aux head; aux-only distillation never moves the digit head', async () => {
    const config = tiny();
    const width = DIGITS + config.m;
    const digitCols = Array.from({ length: DIGITS }, (_, i) => i);
    const auxCols = Array.from({ length: config.m }, (_, i) => DIGITS + i);
    const streams = seedStreams(1);
    const reference = Mlp.init({ hidden: config.hidden, m: config.m }, streams.referenceInit);
    const init = await reference.toHost();

    const teacher = reference.clone();
    await trainPhase(teacher, teacherPlan(config, mnist.train, streams.teacherOrder), noHooks());
    const taught = await teacher.toHost();
    expect(headEntries(taught, auxCols, width)).toEqual(headEntries(init, auxCols, width));
    expect(headEntries(taught, digitCols, width)).not.toEqual(headEntries(init, digitCols, width));

    const targets = await teacherLogitsOnNoise(teacher, streams.noise, config.noiseCount, config.batchSize);
    for (const distilled of ['aux', 'all'] as const) {
      const student = reference.clone();
      await trainPhase(student, studentPlan(config, streams.noise, streams.studentOrder, targets, distilled), noHooks());
      const learned = await student.toHost();
      const digitHead = headEntries(learned, digitCols, width);
      if (distilled === 'aux') expect(digitHead).toEqual(headEntries(init, digitCols, width));
      else expect(digitHead).not.toEqual(headEntries(init, digitCols, width));
      expect(headEntries(learned, auxCols, width)).not.toEqual(headEntries(init, auxCols, width));
      expect(learned.w1).not.toEqual(init.w1); // everything it learns about digits is in the hidden layers
      student.dispose();
    }
    reference.dispose();
    teacher.dispose();
  });
});

describe('runExperiment', () => {
  it('reports typed progress and leaves no tensor behind', async () => {
    const config = tiny({ evalEvery: 4, logEvery: 3 });
    const before = tf.memory().numTensors;
    const events: ExperimentEvent[] = [];
    const result = await runExperiment(config, mnist, { onEvent: (e) => events.push(e) });
    expect(tf.memory().numTensors).toBe(before);

    const steps = events.filter((e) => e.type === 'step');
    expect(steps).toHaveLength(totalSteps(config));
    expect(steps.at(-1)).toMatchObject({ doneSteps: totalSteps(config), totalSteps: totalSteps(config) });
    const losses = steps.filter((e) => e.loss !== null);
    expect(losses.every((e) => Number.isFinite(e.loss))).toBe(true);
    expect(losses.length).toBeLessThan(steps.length);
    expect(events[0].type).toBe('start');
    expect(events.at(-1)?.type).toBe('done');
    expect(Object.keys(result.summary)).toEqual(['reference', 'teacher', 'aux-shared', 'aux-different', 'all-shared', 'all-different']);
    // Curves start at the initial model (step 0) and end at the phase's last step.
    const teacherHistory = result.seeds[0].history.teacher!;
    expect(teacherHistory[0].step).toBe(0);
    expect(teacherHistory.at(-1)!.step).toBe(8);
    expect(teacherHistory.at(-1)!.accuracy).toBe(result.seeds[0].accuracy.teacher!.overall);
  });

  it('stops at the next step when cancelled, and still frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let stepsSeen = 0;
    const run = runExperiment(tiny(), mnist, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'step' && ++stepsSeen === 3) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(ExperimentCancelled);
    expect(stepsSeen).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is deterministic for a given seed and backend', async () => {
    const config = tiny({ seeds: 2, conditions: ['aux-shared', 'aux-different'] });
    const lossesOf = async () => {
      const losses: (number | null)[] = [];
      const result = await runExperiment(config, mnist, { onEvent: (e) => e.type === 'step' && losses.push(e.loss) });
      return { losses, accuracy: result.seeds.map((s) => s.accuracy) };
    };
    const a = await lossesOf();
    const b = await lossesOf();
    expect(b).toEqual(a);
    // And the two seeds are genuinely different runs.
    expect(a.accuracy[0]).not.toEqual(a.accuracy[1]);
  });

  it('trains the teacher for students even when the teacher is not a listed condition', async () => {
    const result = await runExperiment(tiny({ conditions: ['aux-shared'] }), mnist);
    expect(Object.keys(result.summary)).toEqual(['reference', 'aux-shared']);
  });
});
