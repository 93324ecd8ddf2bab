import type { Condition } from '../engine/config';

export const CONDITION_COLORS: Record<Condition, string> = {
  reference: '#9ca3af',
  teacher: '#374151',
  'aux-shared': '#059669',
  'aux-different': '#dc2626',
  'all-shared': '#2563eb',
  'all-different': '#d97706',
};

export const SHORT_LABELS: Record<Condition, string> = {
  reference: 'untrained',
  teacher: 'teacher',
  'aux-shared': 'student · aux · shared init',
  'aux-different': 'student · aux · different init',
  'all-shared': 'student · all logits · shared init',
  'all-different': 'student · all logits · different init',
};

export const pct = (x: number, digits = 1) => `${(100 * x).toFixed(digits)}%`;
