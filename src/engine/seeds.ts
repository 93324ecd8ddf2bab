/** Every model and data stream of one seed starts from a seed derived here, so streams never collide. */
import { deriveSeed } from './rng';

export function seedStreams(seed: number) {
  return {
    referenceInit: deriveSeed(seed, 'reference-init'),
    /** A "different" student's own initialisation: never the teacher's. */
    differentInit: deriveSeed(seed, 'different-init'),
    teacherOrder: deriveSeed(seed, 'teacher-order'),
    noise: deriveSeed(seed, 'noise'),
    studentOrder: deriveSeed(seed, 'student-order'),
  };
}
