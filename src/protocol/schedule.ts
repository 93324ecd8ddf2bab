/** How many steps a run takes, and which students it trains: for the engine, progress bars, ETAs and splitting a run over workers. */
import { CONDITION_TABLE, TEACHERS, studentsFor, type StudentCondition, type TeacherCondition } from './conditions';
import type { Config } from './config';

export function batchesPerEpoch(count: number, batchSize: number): number {
  return Math.ceil(count / batchSize);
}

export function phaseSteps(plan: { epochs: number; exampleCount: number; batchSize: number }): number {
  return plan.epochs * batchesPerEpoch(plan.exampleCount, plan.batchSize);
}

export function studentsOf(config: Pick<Config, 'init' | 'distill' | 'teacherTrait'>): StudentCondition[] {
  return studentsFor(config);
}

/** The teachers these students imitate, in table order: each is trained wherever one of its students is. */
export function teachersOfStudents(students: readonly StudentCondition[]): TeacherCondition[] {
  return TEACHERS.filter((t) => students.some((c) => CONDITION_TABLE[c].teacher === t));
}

export const teacherSteps = (config: Config) =>
  phaseSteps({ epochs: config.teacherEpochs, exampleCount: config.trainCount, batchSize: config.batchSize });
export const studentSteps = (config: Config) =>
  phaseSteps({ epochs: config.studentEpochs, exampleCount: config.noiseCount, batchSize: config.batchSize });

/** A forward pass over `count` images, in training steps' worth of work: a batch forward is about a third of a training step. */
const forwardSteps = (count: number, batchSize: number) => Math.ceil(batchesPerEpoch(count, batchSize) / 3);

/** The teacher's pass over the noise sets (its outputs, which the students imitate), in training steps' worth of work. */
export const noisePassSteps = (config: Config) => forwardSteps(config.noiseCount, config.batchSize);

/** One evaluation on the test images, in training steps' worth of work. */
export const evalSteps = (config: Config) => forwardSteps(config.testCount, config.batchSize);

/** Evaluations during a phase of `steps` training steps: every evalEvery steps, and at its end. */
const evalsIn = (config: Config, steps: number) => (config.evalEvery > 0 ? Math.floor((steps - 1) / config.evalEvery) : 0) + 1;

/**
 * All the work of a run with these students, in training steps (all its seeds train together;
 * each teacher trains wherever one of its students does): training, each teacher's pass over the
 * noise sets and every evaluation, so that progress and the ETA count everything the run does.
 */
export function totalSteps(config: Config, students: readonly StudentCondition[] = studentsOf(config)): number {
  const teacher = teacherSteps(config) + evalsIn(config, teacherSteps(config)) * evalSteps(config) + noisePassSteps(config);
  const student = studentSteps(config) + evalsIn(config, studentSteps(config)) * evalSteps(config);
  // A student that does not start as the reference is evaluated before it trains too (a shared one starts as the evaluated reference).
  const ownStart = students.filter((c) => CONDITION_TABLE[c].init !== 'shared').length * (config.evalEvery > 0 ? evalSteps(config) : 0);
  const reference = evalSteps(config);
  return reference + teachersOfStudents(students).length * teacher + students.length * student + ownStart;
}
