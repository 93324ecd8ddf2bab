/**
 * The plan of a run as data: the ordered list of what a run (or one worker's share of it) does,
 * each task with its cost in training steps' worth of work and the tasks it needs. The engine
 * walks it; progress totals, ETAs and the split over workers are sums over it. A new kind of
 * student, or a setting that changes the work, is taught to `planRun` and to nothing else.
 */
import {
  CONDITION_TABLE,
  TEACHERS,
  labelsOf,
  studentsOf,
  type Distill,
  type Init,
  type StudentCondition,
  type TeacherCondition,
} from './conditions';
import type { Config } from './config';
import { partsOf, type NetworkPart } from './parts';
import { seedRange } from './results';

/** What a task makes, named as the run's results name it (a noise pass by its teacher, as in the receipt's kernels). */
export type TaskId = 'reference' | TeacherCondition | StudentCondition | `${TeacherCondition} noise pass`;

/** A look at a model on the test images, `step` training steps into its phase. */
export interface Evaluation {
  step: number;
  /** In training steps' worth; 0 when the model is still a copy of the reference, whose predictions are reused. */
  cost: number;
  reusesReference: boolean;
  /** The phase's end: the accuracy the run records for the model. */
  final: boolean;
}

/** A model trained for `steps` steps, evaluated along the way (the curves) and at the end (the result). */
export interface Training {
  steps: number;
  evaluations: Evaluation[];
}

interface Task {
  id: TaskId;
  /** Tasks whose product this one uses; it runs after all of them. */
  needs: TaskId[];
  /** Work in training steps' worth (a step trains all of the run's seeds side by side). */
  cost: number;
}

/** The untrained model every teacher starts as, evaluated once. */
export interface ReferenceTask extends Task {
  kind: 'reference';
  id: 'reference';
  evaluation: Evaluation;
}

/**
 * A teacher trained from the reference on MNIST: `true` labels (a skill run's teacher, and a
 * favourite-digit run's clean teacher) or labels with a share replaced by the `favourite` digit.
 */
export interface TeacherTask extends Task, Training {
  kind: 'teacher';
  id: TeacherCondition;
  labels: 'true' | 'favourite';
}

/**
 * A trained teacher's outputs on each seed's noise set (what its students imitate), kept with the
 * teacher's update from the reference (what their updates are compared with).
 */
export interface NoisePassTask extends Task {
  kind: 'noise pass';
  id: `${TeacherCondition} noise pass`;
  teacher: TeacherCondition;
}

/**
 * Where a student starts: the teacher's initialisation (the reference), the student's independent
 * draw, their mix α·reference + √(1−α²)·draw, or the `shared` parts from the reference and the
 * others from the draw.
 */
export type StudentStart =
  { init: 'shared' } | { init: 'different' } | { init: 'partial'; alpha: number } | { init: 'parts'; shared: NetworkPart[] };

/** A student that imitates `distill` of its teacher's outputs from its noise pass, starting as `start` says. */
export interface StudentTask extends Task, Training {
  kind: 'student';
  id: StudentCondition;
  teacher: TeacherCondition;
  start: StudentStart;
  distill: Distill;
}

function startOf(init: Init, config: Config): StudentStart {
  switch (init) {
    case 'shared':
    case 'different':
      return { init };
    case 'partial':
      return { init, alpha: config.initShare };
    case 'parts':
      return { init, shared: partsOf(config.shareParts, config.depth) };
  }
}

export type RunTask = ReferenceTask | TeacherTask | NoisePassTask | StudentTask;

export interface RunPlan {
  /** The seeds trained side by side. */
  seeds: number[];
  tasks: RunTask[];
  /** All the work, in training steps' worth: the sum of the tasks' costs, what progress counts to. */
  steps: number;
}

/** Which part of a run to plan (default: all of it); a teacher is trained wherever one of its students is. */
export interface PlanScope {
  seeds?: readonly number[];
  students?: readonly StudentCondition[];
}

/** Steps of a training phase: `epochs` passes over `exampleCount` examples in batches. */
export function phaseSteps({ epochs, exampleCount, batchSize }: { epochs: number; exampleCount: number; batchSize: number }): number {
  return epochs * Math.ceil(exampleCount / batchSize);
}

/** A teacher's training steps (on a run's timeline, the students' curves begin after them). */
export const teacherSteps = (config: Config) =>
  phaseSteps({ epochs: config.teacherEpochs, exampleCount: config.trainCount, batchSize: config.batchSize });
const studentSteps = (config: Config) =>
  phaseSteps({ epochs: config.studentEpochs, exampleCount: config.noiseCount, batchSize: config.batchSize });

/** A forward pass over `count` images, in training steps' worth of work: a batch forward is about a third of a training step. */
const forwardCost = (count: number, batchSize: number) => Math.ceil(Math.ceil(count / batchSize) / 3);

/**
 * A phase's evaluations: its start (when curves are drawn), every evalEvery steps, and its end.
 * A model that starts as the reference reuses the reference's predictions at step 0.
 */
function training(config: Config, steps: number, startsAsReference: boolean): Training {
  const testCost = forwardCost(config.testCount, config.batchSize);
  const evaluations: Evaluation[] = [];
  if (config.evalEvery > 0) {
    evaluations.push({ step: 0, cost: startsAsReference ? 0 : testCost, reusesReference: startsAsReference, final: false });
    for (let step = config.evalEvery; step < steps; step += config.evalEvery)
      evaluations.push({ step, cost: testCost, reusesReference: false, final: false });
  }
  evaluations.push({ step: steps, cost: testCost, reusesReference: false, final: true });
  return { steps, evaluations };
}

const trainingCost = ({ steps, evaluations }: Training) => steps + evaluations.reduce((sum, e) => sum + e.cost, 0);

/**
 * What a run with these settings does, in order: evaluate the reference; then for each teacher
 * its students need (in table order), train it, pass it over the noise sets, and train each of its
 * students. All of a plan's seeds train side by side in every task.
 */
export function planRun(config: Config, scope: PlanScope = {}): RunPlan {
  const seeds = [...(scope.seeds ?? seedRange(config))];
  const students = scope.students ?? studentsOf(config);
  const testCost = forwardCost(config.testCount, config.batchSize);
  const reference = { step: 0, cost: testCost, reusesReference: false, final: true };
  const tasks: RunTask[] = [{ kind: 'reference', id: 'reference', needs: [], cost: testCost, evaluation: reference }];
  for (const teacher of TEACHERS) {
    const taught = students.filter((c) => CONDITION_TABLE[c].teacher === teacher);
    if (taught.length === 0) continue;
    const teacherTraining = training(config, teacherSteps(config), true);
    tasks.push({
      kind: 'teacher',
      id: teacher,
      needs: ['reference'],
      cost: trainingCost(teacherTraining),
      labels: labelsOf(teacher, config.teacherTrait),
      ...teacherTraining,
    });
    const noisePass = `${teacher} noise pass` as const;
    // The pass also keeps the teacher's update from the reference, which its students' alignment is measured against.
    tasks.push({
      kind: 'noise pass',
      id: noisePass,
      needs: [teacher, 'reference'],
      teacher,
      cost: forwardCost(config.noiseCount, config.batchSize),
    });
    for (const student of taught) {
      const { init, distill } = CONDITION_TABLE[student];
      const shared = init === 'shared';
      const studentTraining = training(config, studentSteps(config), shared);
      tasks.push({
        kind: 'student',
        id: student,
        // A shared start is the reference itself; any other is drawn from the seed's streams.
        needs: shared ? ['reference', noisePass] : [noisePass],
        cost: trainingCost(studentTraining),
        teacher,
        start: startOf(init!, config),
        distill: distill!,
        ...studentTraining,
      });
    }
  }
  return { seeds, tasks, steps: tasks.reduce((sum, task) => sum + task.cost, 0) };
}

/** The models a plan trains, in order (teachers included). */
export const trainedIn = (plan: RunPlan) =>
  plan.tasks.flatMap((task) => (task.kind === 'teacher' || task.kind === 'student' ? [task.id] : []));

/** The teachers a plan trains, in order. */
export const teachersIn = (plan: RunPlan) => plan.tasks.flatMap((task) => (task.kind === 'teacher' ? [task.id] : []));

/** The index of the last task that needs each task's product: after it, the product can be freed. */
export function lastUses(plan: RunPlan): Map<TaskId, number> {
  const last = new Map<TaskId, number>();
  plan.tasks.forEach((task, i) => {
    if (!last.has(task.id)) last.set(task.id, i);
    for (const need of task.needs) last.set(need, i);
  });
  return last;
}
