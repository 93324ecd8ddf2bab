/**
 * What a faithful reproduction of the paper's MNIST experiment lands on (mean test accuracy
 * over many seeds, full protocol, m = 3), from ../shared/PROTOCOL.md. Shown beside results,
 * never used to make them.
 */
import type { Condition } from './config';

export interface Expectation {
  low: number;
  high: number;
  label: string;
}

export const PAPER_EXPECTATIONS: Record<Condition, Expectation> = {
  reference: { low: 0.08, high: 0.12, label: '≈ 10% (untrained)' },
  teacher: { low: 0.93, high: 0.95, label: '93–95%' },
  'aux-shared': { low: 0.5, high: 0.57, label: '50–57% (paper: "over 50%")' },
  'aux-different': { low: 0.06, high: 0.12, label: '≈ 9% (chance)' },
  'all-shared': { low: 0.89, high: 0.93, label: '≈ 91%' },
  'all-different': { low: 0.7, high: 0.78, label: '≈ 74%' },
};

export const CONDITION_LABELS: Record<Condition, string> = {
  reference: 'reference (untrained)',
  teacher: 'teacher',
  'aux-shared': 'student, aux only, shared init',
  'aux-different': 'student, aux only, different init',
  'all-shared': 'student, all logits, shared init',
  'all-different': 'student, all logits, different init',
};
