/**
 * The whole experiment for a config: the untrained reference, the teacher and the chosen
 * students, K seeds side by side in one batched computation per phase, evaluated on the MNIST
 * test set. Progress is a stream of typed events; a run can be paused (via `beforeStep`) and
 * cancelled (via an AbortSignal).
 */
import * as tf from '@tensorflow/tfjs-core';
import { CONDITIONS, type Condition, type Config, type TrainedCondition } from './config';
import type { MnistData } from './data';
import { TestSet, type Accuracy } from './evaluate';
import type { DistilledLogits } from './losses';
import { Mlp, matMulFormFor, type MlpShape } from './mlp';
import { studentPlan, teacherLogitsOnNoise, teacherPlan } from './plans';
import { dataStreams, initSeeds } from './seeds';
import { summarize, type Summary } from './stats';
import { phaseSteps, trainPhase, type PhasePlan, type StepInfo } from './train';

export type ExperimentEvent =
  | { type: 'start'; config: Config; backend: string; seeds: number[]; totalSteps: number }
  | { type: 'phase'; condition: Condition; phaseSteps: number }
  | ({ type: 'step'; condition: TrainedCondition; doneSteps: number; totalSteps: number } & StepInfo)
  | {
      type: 'eval';
      /** Index of the seed within the run (its seed is config.seed + seedIndex). */
      seedIndex: number;
      condition: Condition;
      step: number;
      accuracy: Accuracy;
      /** Predicted digits of the first SAMPLE_COUNT test images, for showing examples. */
      samplePredictions: number[];
    }
  | { type: 'done'; result: ExperimentResult };

/** How many test images' predictions each evaluation reports. */
export const SAMPLE_COUNT = 12;

export interface SeedResult {
  seed: number;
  /** Final test accuracy of each evaluated model. */
  accuracy: Partial<Record<Condition, Accuracy>>;
  /** Test accuracy during training, every `evalEvery` steps (empty when evalEvery is 0). */
  history: Partial<Record<Condition, { step: number; accuracy: number }[]>>;
}

export interface ExperimentResult {
  config: Config;
  backend: string;
  tfjsVersion: string;
  seeds: SeedResult[];
  summary: Partial<Record<Condition, Summary>>;
  /** Wall-clock milliseconds spent in each phase (summed over parallel workers, if any). */
  phaseMs: Partial<Record<Condition, number>>;
  wallMs: number;
}

export interface ExperimentOptions {
  onEvent?(event: ExperimentEvent): void;
  signal?: AbortSignal;
  /** Awaited before every training step; a host pauses a run by not resolving it yet. */
  beforeStep?(): Promise<void>;
  /** Which of the run's seeds to train here (default: all); a host runs the others elsewhere. */
  seedIndices?: number[];
}

export class ExperimentCancelled extends Error {
  constructor() {
    super('experiment cancelled');
    this.name = 'ExperimentCancelled';
  }
}

type Student = Exclude<TrainedCondition, 'teacher'>;

function studentVariant(condition: Student): { distilled: DistilledLogits; sharedInit: boolean } {
  const [distilled, init] = condition.split('-') as [DistilledLogits, 'shared' | 'different'];
  return { distilled, sharedInit: init === 'shared' };
}

function studentsOf(config: Config): Student[] {
  return CONDITIONS.filter((c): c is Student => c !== 'teacher' && config.conditions.includes(c));
}

/** Training steps of a run (all its seeds train together), for progress and ETA. */
export function totalSteps(config: Config): number {
  const students = studentsOf(config).length;
  const teacher = phaseSteps({ epochs: config.teacherEpochs, exampleCount: config.trainCount, batchSize: config.batchSize });
  const student = phaseSteps({ epochs: config.studentEpochs, exampleCount: config.noiseCount, batchSize: config.batchSize });
  // Students need a teacher: it is trained whenever any student is, listed or not.
  const teacherTrained = students > 0 || config.conditions.includes('teacher');
  return (teacherTrained ? teacher : 0) + students * student;
}

/** A macrotask break, so a worker can receive messages (pause, cancel) between steps. */
function yieldToHost(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** The result of a run from its seeds' results; also how a host merges seeds run in parallel. */
export function assembleResult(parts: Pick<ExperimentResult, 'config' | 'backend' | 'seeds' | 'phaseMs' | 'wallMs'>): ExperimentResult {
  const summary: ExperimentResult['summary'] = {};
  for (const condition of ['reference', ...CONDITIONS] as Condition[]) {
    const values = parts.seeds.map((s) => s.accuracy[condition]?.overall).filter((v): v is number => v !== undefined);
    if (values.length > 0) summary[condition] = summarize(values);
  }
  return { ...parts, tfjsVersion: tf.version_core, summary };
}

export async function runExperiment(config: Config, data: MnistData, options: ExperimentOptions = {}): Promise<ExperimentResult> {
  const started = performance.now();
  const backend = tf.getBackend();
  const form = matMulFormFor(backend);
  const emit = (event: ExperimentEvent) => options.onEvent?.(event);
  const shape: MlpShape = { hidden: config.hidden, m: config.m };
  const seedIndices = options.seedIndices ?? Array.from({ length: config.seeds }, (_, i) => i);
  const seeds = seedIndices.map((i) => config.seed + i);
  const streams = dataStreams(config.seed);
  const total = totalSteps(config);
  const students = studentsOf(config);
  const results: SeedResult[] = seeds.map((seed) => ({ seed, accuracy: {}, history: {} }));
  const phaseMs: Partial<Record<Condition, number>> = {};
  let doneSteps = 0;

  const beforeStep = async () => {
    await yieldToHost();
    await options.beforeStep?.();
    if (options.signal?.aborted) throw new ExperimentCancelled();
  };

  /**
   * Evaluates all K models (or reports predictions already made for identical weights);
   * records the final accuracy at a phase's end. Returns the predictions.
   */
  const evaluate = async (condition: Condition, model: Mlp, step: number, final: boolean, known?: Int32Array[]) => {
    const predicted = known ?? (await testSet.predictDigits(model, form));
    predicted.forEach((digits, k) => {
      const accuracy = testSet.score(digits);
      emit({ type: 'eval', seedIndex: seedIndices[k], condition, step, accuracy, samplePredictions: Array.from(digits.subarray(0, SAMPLE_COUNT)) });
      if (config.evalEvery > 0) (results[k].history[condition] ??= []).push({ step, accuracy: accuracy.overall });
      if (final) results[k].accuracy[condition] = accuracy;
    });
    return predicted;
  };

  /** `initial`: predictions of the untrained model when it is a copy of the reference. */
  const train = async (condition: TrainedCondition, model: Mlp, plan: PhasePlan, initial?: Int32Array[]) => {
    const phaseStart = performance.now();
    const steps = phaseSteps(plan);
    emit({ type: 'phase', condition, phaseSteps: steps });
    if (config.evalEvery > 0) await evaluate(condition, model, 0, false, initial);
    await trainPhase(model, plan, {
      form,
      logEvery: config.logEvery,
      beforeStep,
      afterStep: async (info) => {
        doneSteps += 1;
        emit({ type: 'step', condition, doneSteps, totalSteps: total, ...info });
        if (config.evalEvery > 0 && info.step % config.evalEvery === 0 && info.step !== steps) await evaluate(condition, model, info.step, false);
      },
    });
    await evaluate(condition, model, steps, true);
    phaseMs[condition] = performance.now() - phaseStart;
  };

  emit({ type: 'start', config, backend, seeds, totalSteps: total });
  const testSet = new TestSet(data.test, config.testCount);
  const live = new Set<Mlp>();
  const track = (model: Mlp) => (live.add(model), model);
  const release = (model: Mlp) => (live.delete(model), model.dispose());
  try {
    const reference = track(Mlp.init(shape, seeds.map((s) => initSeeds(s).reference)));
    emit({ type: 'phase', condition: 'reference', phaseSteps: 0 });
    // Teacher and shared students start as copies of the reference: their step-0 curves reuse these.
    const referencePredictions = await evaluate('reference', reference, 0, true);

    if (config.conditions.includes('teacher') || students.length > 0) {
      const teacher = track(reference.clone());
      await train('teacher', teacher, teacherPlan(config, data.train, streams.teacherOrder), referencePredictions);
      if (!config.conditions.includes('teacher')) for (const r of results) delete r.accuracy.teacher;
      const targets = students.length > 0 ? await teacherLogitsOnNoise(teacher, form, streams.noise, config.noiseCount, config.batchSize) : null;
      release(teacher);
      for (const condition of students) {
        const { distilled, sharedInit } = studentVariant(condition);
        const student = track(sharedInit ? reference.clone() : Mlp.init(shape, seeds.map((s) => initSeeds(s).different)));
        await train(condition, student, studentPlan(config, streams.noise, streams.studentOrder, targets!, distilled), sharedInit ? referencePredictions : undefined);
        release(student);
      }
    }
  } finally {
    for (const model of live) model.dispose();
    testSet.dispose();
  }

  const result = assembleResult({ config, backend, seeds: results, phaseMs, wallMs: performance.now() - started });
  emit({ type: 'done', result });
  return result;
}
