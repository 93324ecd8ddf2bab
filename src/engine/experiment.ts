/**
 * The whole experiment for a config: for each seed, the untrained reference, the teacher
 * and the chosen students, evaluated on the MNIST test set. Progress is a stream of typed
 * events; a run can be paused (via `beforeStep`) and cancelled (via an AbortSignal).
 */
import * as tf from '@tensorflow/tfjs-core';
import { CONDITIONS, type Condition, type Config, type TrainedCondition } from './config';
import type { MnistData } from './data';
import { TestSet, type Accuracy } from './evaluate';
import type { DistilledLogits } from './losses';
import { Mlp, matMulFormFor, type MatMulForm, type MlpShape } from './mlp';
import { studentPlan, teacherLogitsOnNoise, teacherPlan } from './plans';
import { seedStreams } from './seeds';
import { summarize, type Summary } from './stats';
import { phaseSteps, trainPhase, type PhasePlan, type StepInfo } from './train';

export type ExperimentEvent =
  | { type: 'start'; config: Config; backend: string; totalSteps: number }
  | { type: 'phase'; seedIndex: number; seed: number; condition: Condition; phaseSteps: number }
  | ({ type: 'step'; seedIndex: number; condition: TrainedCondition; doneSteps: number; totalSteps: number } & StepInfo)
  | {
      type: 'eval';
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
  /** Wall-clock milliseconds spent in each phase, summed over seeds. */
  phaseMs: Partial<Record<Condition, number>>;
  wallMs: number;
}

export interface ExperimentHooks {
  onEvent?(event: ExperimentEvent): void;
  signal?: AbortSignal;
  /** Awaited before every training step; a host pauses a run by not resolving it yet. */
  beforeStep?(): Promise<void>;
}

export class ExperimentCancelled extends Error {
  constructor() {
    super('experiment cancelled');
    this.name = 'ExperimentCancelled';
  }
}

export function studentVariant(condition: Exclude<TrainedCondition, 'teacher'>): {
  distilled: DistilledLogits;
  sharedInit: boolean;
} {
  const [distilled, init] = condition.split('-') as [DistilledLogits, 'shared' | 'different'];
  return { distilled, sharedInit: init === 'shared' };
}

/** Steps of every training phase of the whole run, for progress and ETA. */
export function totalSteps(config: Config): number {
  const students = config.conditions.filter((c) => c !== 'teacher').length;
  const teacher = phaseSteps({ epochs: config.teacherEpochs, exampleCount: config.trainCount, batchSize: config.batchSize });
  const student = phaseSteps({ epochs: config.studentEpochs, exampleCount: config.noiseCount, batchSize: config.batchSize });
  // Students need a teacher: it is trained whenever any student is, listed or not.
  const teacherTrained = students > 0 || config.conditions.includes('teacher');
  return config.seeds * ((teacherTrained ? teacher : 0) + students * student);
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

export async function runExperiment(config: Config, data: MnistData, hooks: ExperimentHooks = {}): Promise<ExperimentResult> {
  const started = performance.now();
  const backend = tf.getBackend();
  const form: MatMulForm = matMulFormFor(backend);
  const emit = (event: ExperimentEvent) => hooks.onEvent?.(event);
  const shape: MlpShape = { hidden: config.hidden, m: config.m };
  const total = totalSteps(config);
  const wanted = new Set<TrainedCondition>(config.conditions);
  const students = CONDITIONS.filter((c): c is Exclude<TrainedCondition, 'teacher'> => c !== 'teacher' && wanted.has(c));
  const trainTeacher = wanted.has('teacher') || students.length > 0;
  const phaseMs: Partial<Record<Condition, number>> = {};
  const seeds: SeedResult[] = [];
  let doneSteps = 0;

  const beforeStep = async () => {
    await yieldToHost();
    await hooks.beforeStep?.();
    if (hooks.signal?.aborted) throw new ExperimentCancelled();
  };

  emit({ type: 'start', config, backend, totalSteps: total });
  const testSet = new TestSet(data.test, config.testCount);
  const live: Mlp[] = [];
  try {
    for (let seedIndex = 0; seedIndex < config.seeds; seedIndex++) {
      const seed = config.seed + seedIndex;
      const streams = seedStreams(seed);
      const accuracy: SeedResult['accuracy'] = {};
      const history: SeedResult['history'] = {};

      const evaluate = async (condition: Condition, model: Mlp, step: number) => {
        const predicted = await testSet.predictDigits(model);
        const result = testSet.score(predicted);
        emit({ type: 'eval', seedIndex, condition, step, accuracy: result, samplePredictions: Array.from(predicted.subarray(0, SAMPLE_COUNT)) });
        if (config.evalEvery > 0) (history[condition] ??= []).push({ step, accuracy: result.overall });
        return result;
      };
      const train = async (condition: TrainedCondition, model: Mlp, plan: PhasePlan) => {
        const phaseStart = performance.now();
        const steps = phaseSteps(plan);
        emit({ type: 'phase', seedIndex, seed, condition, phaseSteps: steps });
        if (config.evalEvery > 0) await evaluate(condition, model, 0);
        await trainPhase(model, plan, {
          form,
          logEvery: config.logEvery,
          beforeStep,
          afterStep: async (info) => {
            doneSteps += 1;
            emit({ type: 'step', seedIndex, condition, doneSteps, totalSteps: total, ...info });
            if (config.evalEvery > 0 && info.step % config.evalEvery === 0 && info.step !== steps)
              await evaluate(condition, model, info.step);
          },
        });
        accuracy[condition] = await evaluate(condition, model, steps);
        phaseMs[condition] = (phaseMs[condition] ?? 0) + performance.now() - phaseStart;
      };

      const reference = Mlp.init(shape, streams.referenceInit);
      live.push(reference);
      emit({ type: 'phase', seedIndex, seed, condition: 'reference', phaseSteps: 0 });
      accuracy.reference = await evaluate('reference', reference, 0);

      if (trainTeacher) {
        const teacher = reference.clone();
        live.push(teacher);
        await train('teacher', teacher, teacherPlan(config, data.train, streams.teacherOrder));
        if (!wanted.has('teacher')) delete accuracy.teacher;

        const targets = students.length > 0 ? await teacherLogitsOnNoise(teacher, streams.noise, config.noiseCount, config.batchSize) : null;
        for (const condition of students) {
          const { distilled, sharedInit } = studentVariant(condition);
          const student = sharedInit ? reference.clone() : Mlp.init(shape, streams.differentInit);
          live.push(student);
          await train(condition, student, studentPlan(config, streams.noise, streams.studentOrder, targets!, distilled));
          student.dispose();
          live.splice(live.indexOf(student), 1);
        }
      }
      for (const model of live.splice(0)) model.dispose();
      seeds.push({ seed, accuracy, history });
    }
  } finally {
    for (const model of live) model.dispose();
    testSet.dispose();
  }

  const result = assembleResult({ config, backend, seeds, phaseMs, wallMs: performance.now() - started });
  emit({ type: 'done', result });
  return result;
}
