/**
 * The whole experiment for a config: the untrained reference, then each teacher (one, or the
 * favourite-digit teacher and its clean twin) followed by its chosen students, K seeds side by side
 * in one batched computation per phase, evaluated on the MNIST test set. Progress is a stream of
 * typed events; a run can be paused (via `beforeStep`) and cancelled (via an AbortSignal).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  CONDITION_TABLE,
  studentsOfTeacher,
  type Condition,
  type Init,
  type StudentCondition,
  type TeacherCondition,
  type TrainedCondition,
} from '../protocol/conditions';
import type { Config } from '../protocol/config';
import { seedStreams } from '../protocol/random';
import { assembleResult, SAMPLE_COUNT, seedRange, type ExperimentEvent, type ExperimentResult, type SeedResult } from '../protocol/results';
import type { MnistData } from './data';
import { UpdateAlignment } from './alignment';
import { TestSet } from './evaluate';
import { layoutFor } from './layout';
import { initHostParams, mixHostParams, Mlp, type MlpShape } from './mlp';
import type { NoiseTargets, PhasePlan } from './phase';
import { favouriteLabels, studentPlan, teacherPlan } from './plans';
import { evalSteps, noisePassSteps, phaseSteps, studentsOf, teachersOfStudents, totalSteps } from '../protocol/schedule';
import { trainPhase } from './train';

export interface ExperimentOptions {
  onEvent?(event: ExperimentEvent): void;
  signal?: AbortSignal;
  /**
   * Awaited before every training step; a host pauses a run by not resolving it yet, and
   * resolves true for a step taken by hand, which is then reported in full (loss and evaluation).
   */
  beforeStep?(): Promise<boolean | void>;
  /** Which of the run's seeds to train here (default: all of them); a host runs the others elsewhere. */
  seeds?: readonly number[];
  /** Which of the run's students to train here (default: all); a teacher trains wherever one of its students does. */
  students?: readonly StudentCondition[];
  /** Also report the weights of the first seed's models at every evaluation (for a page to look inside them). */
  weights?: boolean;
}

export class ExperimentCancelled extends Error {
  constructor() {
    super('experiment cancelled');
    this.name = 'ExperimentCancelled';
  }
}

/** A loss this large (cross-entropy starts near 2.3, the KL near 0.05) or not finite means training has diverged. */
export const DIVERGED_LOSS = 1000;

export class TrainingDiverged extends Error {
  constructor(
    readonly condition: TrainedCondition,
    readonly step: number,
    readonly loss: number,
    lr: number,
  ) {
    super(
      `training diverged: the ${CONDITION_TABLE[condition].label}'s loss is ${loss} at step ${step}, so its accuracy would mean nothing. ` +
        `Lower the learning rate (lr = ${lr}; the paper uses 0.0003) and run again.`,
    );
    this.name = 'TrainingDiverged';
  }
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

export async function runExperiment(config: Config, data: MnistData, options: ExperimentOptions = {}): Promise<ExperimentResult> {
  const started = performance.now();
  const backend = tf.getBackend();
  const layout = layoutFor(backend);
  const emit = (event: ExperimentEvent) => options.onEvent?.(event);
  const shape: MlpShape = { hidden: config.hidden, m: config.m };
  const seeds = options.seeds ?? seedRange(config);
  const streams = seeds.map(seedStreams);
  const stream = <K extends keyof ReturnType<typeof seedStreams>>(key: K) => streams.map((s) => s[key]);
  const students = options.students ?? studentsOf(config);
  const total = totalSteps(config, students);
  const favourite = config.teacherTrait === 'favourite' ? config.favourite : null;
  const results: SeedResult[] = seeds.map((seed) => ({
    seed,
    accuracy: {},
    history: {},
    ...(favourite !== null && { favouriteRate: {} }),
  }));
  const phaseMs: ExperimentResult['phaseMs'] = {};
  const kernels: ExperimentResult['kernels'] = {};
  let doneSteps = 0;

  const beforeStep = async () => {
    await yieldToHost();
    const inspect = await options.beforeStep?.();
    if (options.signal?.aborted) throw new ExperimentCancelled();
    return inspect;
  };

  /** Counts work done outside training steps, and reports it as progress of the phase's current step. */
  let lastStep: Extract<ExperimentEvent, { type: 'step' }> | null = null;
  const countWork = (steps: number) => {
    doneSteps += steps;
    if (lastStep) emit((lastStep = { ...lastStep, doneSteps, loss: null }));
  };

  /** While a student trains: its teacher's update and the student's initial weights, for the alignment it reports. */
  let alignment: UpdateAlignment | null = null;
  let studentStart: Mlp | null = null;

  /**
   * Evaluates all K models (or reports predictions already made for identical weights);
   * records the final accuracy at a phase's end. Returns the predictions. `extra`: an
   * evaluation outside the schedule (a step taken by hand), so not in the run's planned work.
   */
  const evaluate = async (condition: Condition, model: Mlp, step: number, final: boolean, known?: Int32Array[], extra = false) => {
    const predicted = known ?? (await testSet.predictDigits(model, layout));
    if (!known && !extra) countWork(evalSteps(config));
    const alignments = studentStart && alignment ? await alignment.measure(model, studentStart) : null;
    if (options.weights) emit({ type: 'weights', seed: seeds[0], condition, step, shape, params: await model.toHost(0) });
    predicted.forEach((digits, k) => {
      const accuracy = testSet.score(digits);
      const favouriteRate = favourite === null ? undefined : testSet.favouriteRate(digits, favourite);
      const samplePredictions = Array.from(digits.subarray(0, SAMPLE_COUNT));
      const confusion = testSet.confusion(digits);
      emit({
        type: 'eval',
        seed: seeds[k],
        condition,
        step,
        accuracy,
        samplePredictions,
        confusion,
        ...(alignments && { alignment: alignments[k] }),
        ...(favouriteRate !== undefined && { favouriteRate }),
      });
      if (config.evalEvery > 0 && !extra)
        (results[k].history[condition] ??= []).push({
          step,
          accuracy: accuracy.overall,
          ...(favouriteRate !== undefined && { favouriteRate }),
        });
      if (!final) return;
      results[k].accuracy[condition] = accuracy;
      if (alignments) (results[k].alignment ??= {})[condition as StudentCondition] = alignments[k];
      if (favouriteRate !== undefined) results[k].favouriteRate![condition] = favouriteRate;
    });
    return predicted;
  };

  /** `initial`: predictions of the untrained model when it is a copy of the reference. */
  const train = async (condition: TrainedCondition, model: Mlp, plan: PhasePlan, initial?: Int32Array[]) => {
    const phaseStart = performance.now();
    const steps = phaseSteps(plan);
    emit({ type: 'phase', condition, phaseSteps: steps });
    if (config.evalEvery > 0) await evaluate(condition, model, 0, false, initial);
    kernels[condition] = await trainPhase(model, plan, {
      layout,
      logEvery: config.logEvery,
      beforeStep,
      afterStep: async (info, inspect) => {
        if (info.loss !== null && !(Math.abs(info.loss) < DIVERGED_LOSS))
          throw new TrainingDiverged(condition, info.step, info.loss, config.lr);
        doneSteps += 1;
        emit((lastStep = { type: 'step', condition, doneSteps, totalSteps: total, ...info }));
        const scheduled = config.evalEvery > 0 && info.step % config.evalEvery === 0;
        if (info.step !== steps && (scheduled || inspect)) await evaluate(condition, model, info.step, false, undefined, !scheduled);
      },
    });
    await evaluate(condition, model, steps, true);
    phaseMs[condition] = performance.now() - phaseStart;
  };

  /** Each seed's labels for a teacher: the true ones, or the favourite-digit teacher's relabelled copy. */
  const labelsFor = (teacher: TeacherCondition) =>
    teacher === 'teacher' && favourite !== null
      ? stream('favourite').map((seed) => favouriteLabels(data.train.labels, config.trainCount, favourite, config.favouriteShare, seed))
      : undefined;

  /** Where a student starts: the reference (shared), an independent draw (different), or the mix of both (partial). */
  const startOf = (init: Init, reference: Mlp): Mlp => {
    if (init === 'shared') return reference;
    if (init === 'different') return Mlp.init(shape, stream('different'));
    return Mlp.fromHost(
      shape,
      streams.map((s) => mixHostParams(initHostParams(shape, s.reference), initHostParams(shape, s.different), config.initShare)),
    );
  };

  emit({ type: 'start', config, backend, seeds: [...seeds], totalSteps: total });
  const testSet = new TestSet(data.test, config.testCount);
  const live = new Set<Mlp>();
  const track = (model: Mlp) => (live.add(model), model);
  const release = (model: Mlp) => (live.delete(model), model.dispose());
  let targets: NoiseTargets | null = null;
  try {
    const reference = track(Mlp.init(shape, stream('reference')));
    emit({ type: 'phase', condition: 'reference', phaseSteps: 0 });
    // Teachers and shared students start as copies of the reference: their step-0 curves reuse these.
    const referencePredictions = await evaluate('reference', reference, 0, true);

    for (const teacherName of teachersOfStudents(students)) {
      const teacher = track(reference.clone());
      await train(
        teacherName,
        teacher,
        teacherPlan(config, data.train, stream('teacherOrder'), labelsFor(teacherName)),
        referencePredictions,
      );
      const pass = await layout.noiseLogits(teacher, stream('noise'), config.noiseCount, config.batchSize);
      targets = pass.targets;
      kernels[`${teacherName} noise pass`] = pass.kernels;
      countWork(noisePassSteps(config));
      alignment = UpdateAlignment.of(teacher, reference);
      release(teacher);
      for (const condition of studentsOfTeacher(students, teacherName)) {
        const { init, distill } = CONDITION_TABLE[condition];
        studentStart = startOf(init!, reference);
        if (studentStart !== reference) track(studentStart);
        const student = track(studentStart.clone());
        const plan = studentPlan(config, stream('noise'), stream('studentOrder'), targets, distill!);
        await train(condition, student, plan, init === 'shared' ? referencePredictions : undefined);
        release(student);
        if (studentStart !== reference) release(studentStart);
        studentStart = null;
      }
      alignment.dispose();
      alignment = null;
      targets.logits.dispose();
      targets = null;
    }
  } finally {
    for (const model of live) model.dispose();
    alignment?.dispose();
    targets?.logits.dispose();
    testSet.dispose();
  }

  const result = assembleResult({
    config,
    backend,
    tfjsVersion: tf.version_core,
    seeds: results,
    phaseMs,
    kernels,
    wallMs: performance.now() - started,
  });
  emit({ type: 'done', result });
  return result;
}
