/** How many steps a run takes, and which students it trains: for the engine, progress bars, ETAs and splitting a run over workers. */
import { CONDITION_TABLE, type StudentCondition } from './conditions';
import { conditionsOf, type Config } from './config';

export function batchesPerEpoch(count: number, batchSize: number): number {
  return Math.ceil(count / batchSize);
}

export function phaseSteps(plan: { epochs: number; exampleCount: number; batchSize: number }): number {
  return plan.epochs * batchesPerEpoch(plan.exampleCount, plan.batchSize);
}

export function studentsOf(config: Pick<Config, 'init' | 'distill'>): StudentCondition[] {
  return conditionsOf(config).filter((c): c is StudentCondition => CONDITION_TABLE[c].role === 'student');
}

export const teacherSteps = (config: Config) => phaseSteps({ epochs: config.teacherEpochs, exampleCount: config.trainCount, batchSize: config.batchSize });
export const studentSteps = (config: Config) => phaseSteps({ epochs: config.studentEpochs, exampleCount: config.noiseCount, batchSize: config.batchSize });

/** Training steps of a run with these students (all its seeds train together; the teacher always trains). */
export function totalSteps(config: Config, students: readonly StudentCondition[] = studentsOf(config)): number {
  return teacherSteps(config) + students.length * studentSteps(config);
}
