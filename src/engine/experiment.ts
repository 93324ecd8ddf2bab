/**
 * The whole experiment for a config: the engine walks the run's plan (protocol/runPlan.ts): the
 * untrained reference, then each teacher (one, or the favourite-digit teacher and its clean twin),
 * its pass over the noise sets and its chosen students, K seeds side by side in one batched
 * computation per phase, evaluated on the MNIST test set. Progress is a stream of typed events; a
 * run can be paused (via `beforeStep`) and cancelled (via an AbortSignal).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  CONDITION_TABLE,
  type Condition,
  type StudentCondition,
  type TeacherCondition,
  type TrainedCondition,
} from '../protocol/conditions';
import { noiseOf, type Config } from '../protocol/config';
import { seedStreams } from '../protocol/random';
import { assembleResult, SAMPLE_COUNT, type ExperimentEvent, type ExperimentResult, type SeedResult } from '../protocol/results';
import {
  lastUses,
  phaseSteps,
  planRun,
  type Evaluation,
  type NoisePassTask,
  type RunPlan,
  type RunTask,
  type StudentTask,
  type TeacherTask,
  type Training,
} from '../protocol/runPlan';
import type { MnistData } from './data';
import { UpdateAlignment } from './alignment';
import { TestSet } from './evaluate';
import { layoutFor, type ModelLayout } from './layout';
import { initHostParams, mixHostParams, Mlp, pickHostParams, type HostParams, type MlpShape } from './mlp';
import type { NoiseTargets, PhasePlan } from './phase';
import { favouriteLabels, studentPlan, teacherPlan } from './plans';
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

/** A loss this large (cross-entropy starts near 2.3, the KL near 0.05, the squared error near 0.02) or not finite means training has diverged. */
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
  const plan = planRun(config, { seeds: options.seeds, students: options.students });
  const backend = tf.getBackend();
  options.onEvent?.({ type: 'start', config, backend, seeds: [...plan.seeds], totalSteps: plan.steps });
  const walk = new PlanWalk(config, data, plan, layoutFor(backend), options);
  const lastUse = lastUses(plan);
  try {
    for (const [index, task] of plan.tasks.entries()) {
      await walk.run(task);
      // What no later task needs is freed now: a teacher once its noise pass is done, its outputs once its last student is.
      for (const made of plan.tasks) if (lastUse.get(made.id) === index) walk.free(made);
    }
  } finally {
    walk.dispose();
  }
  const result = assembleResult({
    config,
    backend,
    tfjsVersion: tf.version_core,
    seeds: walk.results,
    phaseMs: walk.phaseMs,
    kernels: walk.kernels,
    wallMs: performance.now() - started,
  });
  options.onEvent?.({ type: 'done', result });
  return result;
}

/** What a teacher leaves its students: its outputs on the noise sets, and its update from the reference (for their alignment). */
interface TeacherOutputs {
  targets: NoiseTargets;
  update: UpdateAlignment;
}

/** A student's start and its teacher's update, to measure how the student's update lines up with the teacher's. */
interface AlignmentBasis {
  start: Mlp;
  update: UpdateAlignment;
}

/** One walk through a run's plan: the products its tasks leave for later ones, the progress, and the results. */
class PlanWalk {
  readonly results: SeedResult[];
  readonly phaseMs: ExperimentResult['phaseMs'] = {};
  readonly kernels: ExperimentResult['kernels'] = {};
  private readonly shape: MlpShape;
  private readonly streams: ReturnType<typeof seedStreams>[];
  private readonly favourite: number | null;
  private readonly testSet: TestSet;
  private reference: { model: Mlp; predictions: Int32Array[] } | null = null;
  private readonly teachers = new Map<TeacherCondition, Mlp>();
  private readonly outputs = new Map<TeacherCondition, TeacherOutputs>();
  /** Work done so far, in steps' worth, and the last step reported (evaluations and noise passes report as its progress). */
  private doneSteps = 0;
  private lastStep: Extract<ExperimentEvent, { type: 'step' }> | null = null;

  constructor(
    private readonly config: Config,
    private readonly data: MnistData,
    private readonly plan: RunPlan,
    private readonly layout: ModelLayout,
    private readonly options: ExperimentOptions,
  ) {
    this.shape = { hidden: config.hidden, m: config.m, depth: config.depth };
    this.streams = plan.seeds.map(seedStreams);
    this.favourite = config.teacherTrait === 'favourite' ? config.favourite : null;
    this.results = plan.seeds.map((seed) => ({
      seed,
      accuracy: {},
      history: {},
      ...(this.favourite !== null && { favouriteRate: {} }),
    }));
    this.testSet = new TestSet(data.test, config.testCount);
  }

  async run(task: RunTask): Promise<void> {
    switch (task.kind) {
      case 'reference':
        return this.evaluateReference(task.evaluation);
      case 'teacher':
        return this.trainTeacher(task);
      case 'noise pass':
        return this.passOverNoise(task);
      case 'student':
        return this.trainStudent(task);
    }
  }

  /** Frees what a task made, once no later task needs it. */
  free(task: RunTask): void {
    if (task.kind === 'reference') {
      this.reference?.model.dispose();
      this.reference = null;
    } else if (task.kind === 'teacher') {
      this.teachers.get(task.id)?.dispose();
      this.teachers.delete(task.id);
    } else if (task.kind === 'noise pass') {
      const outputs = this.outputs.get(task.teacher);
      outputs?.targets.logits.dispose();
      outputs?.update.dispose();
      this.outputs.delete(task.teacher);
    }
  }

  /** Frees everything still held, on every path. */
  dispose(): void {
    for (const task of this.plan.tasks) this.free(task);
    this.testSet.dispose();
  }

  private emit(event: ExperimentEvent) {
    this.options.onEvent?.(event);
  }

  private stream<K extends keyof ReturnType<typeof seedStreams>>(key: K) {
    return this.streams.map((s) => s[key]);
  }

  /** Counts work done outside training steps, and reports it as progress of the phase's current step. */
  private countWork(steps: number) {
    this.doneSteps += steps;
    if (this.lastStep) this.emit((this.lastStep = { ...this.lastStep, doneSteps: this.doneSteps, loss: null }));
  }

  private async beforeStep() {
    await yieldToHost();
    const inspect = await this.options.beforeStep?.();
    if (this.options.signal?.aborted) throw new ExperimentCancelled();
    return inspect;
  }

  private async evaluateReference(evaluation: Evaluation) {
    const model = Mlp.init(this.shape, this.stream('reference'), this.config.initScheme);
    this.reference = { model, predictions: [] };
    this.emit({ type: 'phase', condition: 'reference', phaseSteps: 0 });
    // Teachers and shared students start as copies of the reference: their step-0 curves reuse these.
    this.reference.predictions = await this.evaluate('reference', model, evaluation);
  }

  private async trainTeacher(task: TeacherTask) {
    const { config, favourite } = this;
    // Each seed's labels: the true ones, or the favourite-digit teacher's relabelled copy.
    const labels =
      task.labels === 'favourite'
        ? this.stream('favourite').map((seed) =>
            favouriteLabels(this.data.train.labels, config.trainCount, favourite!, config.favouriteShare, seed),
          )
        : undefined;
    const teacher = this.reference!.model.clone();
    this.teachers.set(task.id, teacher);
    await this.train(task.id, teacher, teacherPlan(config, this.data.train, this.stream('teacherOrder'), labels), task, null);
  }

  private async passOverNoise(task: NoisePassTask) {
    const teacher = this.teachers.get(task.teacher)!;
    const pass = await this.layout.noiseLogits(
      teacher,
      this.stream('noise'),
      noiseOf(this.config),
      this.config.noiseCount,
      this.config.batchSize,
    );
    this.outputs.set(task.teacher, { targets: pass.targets, update: UpdateAlignment.of(teacher, this.reference!.model) });
    this.kernels[task.id] = pass.kernels;
    this.countWork(task.cost);
  }

  private async trainStudent(task: StudentTask) {
    const { targets, update } = this.outputs.get(task.teacher)!;
    const start = this.startOf(task);
    const student = start.clone();
    try {
      const plan = studentPlan(this.config, this.stream('noise'), this.stream('studentOrder'), targets, task.distill);
      await this.train(task.id, student, plan, task, { start, update });
    } finally {
      student.dispose();
      if (start !== this.reference?.model) start.dispose();
    }
  }

  /** Where a student starts: the reference (shared), an independent draw (different), the mix of both (partial), or parts of each. */
  private startOf({ start }: StudentTask): Mlp {
    if (start.init === 'shared') return this.reference!.model;
    if (start.init === 'different') return Mlp.init(this.shape, this.stream('different'), this.config.initScheme);
    const combine = (reference: HostParams, different: HostParams) =>
      start.init === 'partial'
        ? mixHostParams(reference, different, start.alpha)
        : pickHostParams(reference, different, start.shared, this.shape);
    const draw = (seed: number) => initHostParams(this.shape, seed, this.config.initScheme);
    return Mlp.fromHost(
      this.shape,
      this.streams.map((s) => combine(draw(s.reference), draw(s.different))),
    );
  }

  /** Trains `model` through `phase`, evaluating it where the plan says (and where the host asks). */
  private async train(condition: TrainedCondition, model: Mlp, phase: PhasePlan, training: Training, basis: AlignmentBasis | null) {
    const { config } = this;
    const steps = training.steps;
    if (phaseSteps(phase) !== steps) throw new Error(`${condition}: the run's plan counts ${steps} steps, its phase ${phaseSteps(phase)}`);
    const phaseStart = performance.now();
    const planned = new Map(training.evaluations.map((e) => [e.step, e]));
    this.emit({ type: 'phase', condition, phaseSteps: steps });
    const start = planned.get(0);
    if (start) await this.evaluate(condition, model, start, basis);
    this.kernels[condition] = await trainPhase(model, phase, {
      layout: this.layout,
      logEvery: config.logEvery,
      beforeStep: () => this.beforeStep(),
      afterStep: async (info, inspect) => {
        if (info.loss !== null && !(Math.abs(info.loss) < DIVERGED_LOSS))
          throw new TrainingDiverged(condition, info.step, info.loss, config.lr);
        this.doneSteps += 1;
        this.emit((this.lastStep = { type: 'step', condition, doneSteps: this.doneSteps, totalSteps: this.plan.steps, ...info }));
        const scheduled = planned.get(info.step);
        if (info.step !== steps && (scheduled || inspect))
          await this.evaluate(condition, model, scheduled ?? { step: info.step, asked: true }, basis);
      },
    });
    await this.evaluate(condition, model, planned.get(steps)!, basis);
    this.phaseMs[condition] = performance.now() - phaseStart;
  }

  /**
   * Evaluates all K models (or reports the reference's predictions for a model that is still its
   * copy) and returns the predictions. A planned evaluation counts as work and draws the curves, a
   * final one records the accuracy; one `asked` for by the host (a step taken by hand) does neither.
   */
  private async evaluate(
    condition: Condition,
    model: Mlp,
    at: Evaluation | { step: number; asked: true },
    basis: AlignmentBasis | null = null,
  ) {
    const { config, favourite, testSet, results } = this;
    const planned = 'asked' in at ? null : at;
    const predicted = planned?.reusesReference ? this.reference!.predictions : await testSet.predictDigits(model, this.layout);
    if (planned && !planned.reusesReference) this.countWork(planned.cost);
    const alignments = basis ? await basis.update.measure(model, basis.start) : null;
    if (this.options.weights)
      this.emit({ type: 'weights', seed: this.plan.seeds[0], condition, step: at.step, shape: this.shape, params: await model.toHost(0) });
    predicted.forEach((digits, k) => {
      const accuracy = testSet.score(digits);
      const favouriteRate = favourite === null ? undefined : testSet.favouriteRate(digits, favourite);
      this.emit({
        type: 'eval',
        seed: this.plan.seeds[k],
        condition,
        step: at.step,
        accuracy,
        samplePredictions: Array.from(digits.subarray(0, SAMPLE_COUNT)),
        confusion: testSet.confusion(digits),
        ...(alignments && { alignment: alignments[k] }),
        ...(favouriteRate !== undefined && { favouriteRate }),
      });
      if (!planned) return;
      if (config.evalEvery > 0)
        (results[k].history[condition] ??= []).push({
          step: at.step,
          accuracy: accuracy.overall,
          ...(favouriteRate !== undefined && { favouriteRate }),
          ...(alignments && { alignment: alignments[k].overall }),
        });
      if (!planned.final) return;
      results[k].accuracy[condition] = accuracy;
      if (alignments) (results[k].alignment ??= {})[condition as StudentCondition] = alignments[k];
      if (favouriteRate !== undefined) results[k].favouriteRate![condition] = favouriteRate;
    });
    return predicted;
  }
}
