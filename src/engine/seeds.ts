/**
 * Seeds of a run. The models of a run train side by side on the same data (as models batched
 * together do): the data streams derive from the run's seed, and each model's
 * initialisation from its own seed (run seed + index), so any subset of a run's seeds, run
 * anywhere, reproduces the same models.
 */
import { deriveSeed } from './rng';

export function dataStreams(runSeed: number) {
  return {
    teacherOrder: deriveSeed(runSeed, 'teacher-order'),
    noise: deriveSeed(runSeed, 'noise'),
    studentOrder: deriveSeed(runSeed, 'student-order'),
  };
}

export function initSeeds(seed: number) {
  return {
    reference: deriveSeed(seed, 'reference-init'),
    /** A "different" student's initialisation: a stream of its own, never any seed's reference. */
    different: deriveSeed(seed, 'different-init'),
  };
}
