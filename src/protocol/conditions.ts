/**
 * The experiment's models, one typed table: what each is, how it is labelled and coloured, and
 * where a faithful reproduction of the paper lands (mean test accuracy over many seeds, full
 * protocol, m = 3; from ../shared/PROTOCOL.md: shown beside results, never used to make them).
 */

export const INITS = ['shared', 'different'] as const;
export type Init = (typeof INITS)[number];
export const DISTILLS = ['aux', 'all'] as const;
export type Distill = (typeof DISTILLS)[number];

export interface Expectation {
  low: number;
  high: number;
  label: string;
}

interface ConditionInfo {
  role: 'reference' | 'teacher' | 'student';
  /** Students only: where the student starts and which of the teacher's logits it imitates. */
  init: Init | null;
  distill: Distill | null;
  /** In words, for tables and the CLI. */
  label: string;
  /** Compact, for charts; ' · ' separates the parts a chart may put on separate lines. */
  short: string;
  /** Text-safe on white (contrast ≥ 4.5) and told apart without colour vision: blue and orange for the headline pair. */
  color: string;
  /** A cue beside colour: the dots' shape in figures, and dashed lines for a different initialisation. */
  marker: 'circle' | 'square' | 'diamond' | 'triangle';
  dashed: boolean;
  expected: Expectation;
}

/** Every condition, in the order results are listed. */
export const CONDITION_TABLE = {
  reference: {
    role: 'reference',
    init: null,
    distill: null,
    label: 'reference (untrained)',
    short: 'untrained',
    color: '#6b7280',
    marker: 'circle',
    dashed: false,
    expected: { low: 0.08, high: 0.12, label: '≈ 10% (untrained)' },
  },
  teacher: {
    role: 'teacher',
    init: null,
    distill: null,
    label: 'teacher',
    short: 'teacher',
    color: '#1f2937',
    marker: 'diamond',
    dashed: false,
    expected: { low: 0.93, high: 0.95, label: '93–95%' },
  },
  'aux-shared': {
    role: 'student',
    init: 'shared',
    distill: 'aux',
    label: 'student, aux only, shared init',
    short: 'student · aux · shared init',
    color: '#0b6aa8',
    marker: 'circle',
    dashed: false,
    expected: { low: 0.5, high: 0.57, label: '50–57% (paper: "over 50%")' },
  },
  'aux-different': {
    role: 'student',
    init: 'different',
    distill: 'aux',
    label: 'student, aux only, different init',
    short: 'student · aux · different init',
    color: '#b34700',
    marker: 'square',
    dashed: true,
    expected: { low: 0.06, high: 0.12, label: '≈ 9% (chance)' },
  },
  'all-shared': {
    role: 'student',
    init: 'shared',
    distill: 'all',
    label: 'student, all logits, shared init',
    short: 'student · all logits · shared init',
    color: '#00745a',
    marker: 'triangle',
    dashed: false,
    expected: { low: 0.89, high: 0.93, label: '≈ 91%' },
  },
  'all-different': {
    role: 'student',
    init: 'different',
    distill: 'all',
    label: 'student, all logits, different init',
    short: 'student · all logits · different init',
    color: '#a0507c',
    marker: 'square',
    dashed: true,
    expected: { low: 0.7, high: 0.78, label: '≈ 74%' },
  },
} as const satisfies Record<string, ConditionInfo>;

export type Condition = keyof typeof CONDITION_TABLE;
export type TrainedCondition = Exclude<Condition, 'reference'>;
export type StudentCondition = Exclude<TrainedCondition, 'teacher'>;

/** Every condition in table order. */
export const ALL_CONDITIONS = Object.keys(CONDITION_TABLE) as Condition[];
export const STUDENT_CONDITIONS = ALL_CONDITIONS.filter((c): c is StudentCondition => CONDITION_TABLE[c].role === 'student');

/** A toggle's choice: one side, or both side by side. */
export type Choice<T extends string> = T | 'both';

export const expand = <T extends string>(choice: Choice<T>, values: readonly T[]): T[] => (choice === 'both' ? [...values] : [choice as T]);

/** The students a choice of initialisation and distillation trains, in table order. */
export function studentsFor(init: Choice<Init>, distill: Choice<Distill>): StudentCondition[] {
  const inits = expand(init, INITS);
  const distills = expand(distill, DISTILLS);
  return STUDENT_CONDITIONS.filter((c) => inits.includes(CONDITION_TABLE[c].init) && distills.includes(CONDITION_TABLE[c].distill));
}

/** Every model a run with this choice evaluates: the untrained reference, the teacher, the students. */
export function conditionsFor(init: Choice<Init>, distill: Choice<Distill>): Condition[] {
  return ['reference', 'teacher', ...studentsFor(init, distill)];
}
