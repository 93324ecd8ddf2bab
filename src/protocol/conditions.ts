/**
 * The experiment's models, one typed table: what each is, how it is labelled and coloured, and
 * where a faithful reproduction of the paper lands (mean test accuracy over many seeds, full
 * protocol, m = 3, from the paper's MNIST experiment; docs/protocol.md): shown beside results,
 * never used to make them.
 *
 * A run has one or two teachers: `teacher` alone (it passes on its skill with digits), or, when the
 * teacher passes on a favourite digit, `teacher` (the favourite-digit teacher) and `clean-teacher`
 * (trained identically on the true labels). Each teacher has students: what they imitate (`aux`, its
 * auxiliary logits; `all`, every logit) × where they start (`shared`, the teacher's own
 * initialisation; `partial`, a mix of it with an independent draw; `different`, the independent
 * draw; `parts`, some parts of the network from the one and the rest from the other). The clean
 * teacher's students carry the prefix `clean-`.
 */
import type { SharePattern } from './parts';

export const INITS = ['shared', 'partial', 'different', 'parts'] as const;
export type Init = (typeof INITS)[number];
export const DISTILLS = ['aux', 'all'] as const;
export type Distill = (typeof DISTILLS)[number];
export const TEACHERS = ['teacher', 'clean-teacher'] as const;
export type TeacherCondition = (typeof TEACHERS)[number];

type StudentName<T extends string> = `${T}${Distill}-${Init}`;
export type StudentCondition = StudentName<''> | StudentName<'clean-'>;
export type TrainedCondition = TeacherCondition | StudentCondition;
export type Condition = 'reference' | TrainedCondition;

export interface Expectation {
  low: number;
  high: number;
  label: string;
}

export type Marker = 'circle' | 'square' | 'diamond' | 'triangle';

export interface ConditionInfo {
  role: 'reference' | 'teacher' | 'student';
  /** The teacher a student imitates (a teacher's own name for a teacher); null for the reference. */
  teacher: TeacherCondition | null;
  /** Students only: where the student starts and which of the teacher's logits it imitates. */
  init: Init | null;
  distill: Distill | null;
  /** In words, for tables and the CLI. */
  label: string;
  /** Compact, for charts; ' · ' separates the parts a chart may put on separate lines. */
  short: string;
  /** Text-safe on white (contrast ≥ 4.5) and told apart without colour vision: blue and orange for the headline pair. */
  color: string;
  /** A cue beside colour: the dots' shape in figures; lines are solid from the shared start, dotted from a partly shared one, dashed from a different one. */
  marker: Marker;
  dash: string | undefined;
  /** Where the paper's full protocol lands (skill only, m = 3); null where the paper has no such number. */
  expected: Expectation | null;
}

const DASH: Record<Init, string | undefined> = { shared: undefined, partial: '2 3', different: '6 3', parts: '8 2 2 2' };

const STUDENT_STYLE: Record<`${'' | 'clean-'}${Distill}-${Init}`, { color: string; marker: Marker }> = {
  'aux-shared': { color: '#0b6aa8', marker: 'circle' },
  'aux-partial': { color: '#6d3fb8', marker: 'triangle' },
  'aux-different': { color: '#b34700', marker: 'square' },
  'all-shared': { color: '#00745a', marker: 'triangle' },
  'all-partial': { color: '#5f6b00', marker: 'diamond' },
  'all-different': { color: '#a0507c', marker: 'square' },
  'aux-parts': { color: '#8a5a00', marker: 'diamond' },
  'all-parts': { color: '#2f5f8a', marker: 'circle' },
  'clean-aux-shared': { color: '#0e7490', marker: 'diamond' },
  'clean-aux-partial': { color: '#7e22ce', marker: 'diamond' },
  'clean-aux-different': { color: '#9a3412', marker: 'triangle' },
  'clean-all-shared': { color: '#166534', marker: 'circle' },
  'clean-all-partial': { color: '#4d5d00', marker: 'square' },
  'clean-all-different': { color: '#9d174d', marker: 'circle' },
  'clean-aux-parts': { color: '#7c4a03', marker: 'circle' },
  'clean-all-parts': { color: '#3b4f7a', marker: 'triangle' },
};

const PAPER: Partial<Record<StudentCondition, Expectation>> = {
  'aux-shared': { low: 0.5, high: 0.57, label: '50–57% (paper: "over 50%")' },
  'aux-different': { low: 0.06, high: 0.12, label: '≈ 9% (chance)' },
  'all-shared': { low: 0.89, high: 0.93, label: '≈ 91%' },
  'all-different': { low: 0.7, high: 0.78, label: '≈ 74%' },
};

const INIT_WORDS: Record<Init, string> = {
  shared: 'shared init',
  partial: 'partly shared init',
  different: 'different init',
  parts: 'part-by-part init',
};

/** A part-by-part start in words, naming its pattern: "shared heads", "shared hidden1+aux", "no part shared". */
export function partsWords(pattern: SharePattern): string {
  return pattern === 'none' ? 'no part shared' : `shared ${pattern}`;
}

/** A student's start in words, its pattern named when it starts part by part. */
const startWords = (init: Init, pattern: SharePattern) =>
  init === 'parts' ? `${INIT_WORDS.parts} (${partsWords(pattern)})` : INIT_WORDS[init];
const DISTILL_WORDS: Record<Distill, { label: string; short: string }> = {
  aux: { label: 'aux only', short: 'aux' },
  all: { label: 'all logits', short: 'all logits' },
};

function studentInfo(teacher: TeacherCondition, distill: Distill, init: Init): [StudentCondition, ConditionInfo] {
  const prefix = teacher === 'clean-teacher' ? 'clean-' : '';
  const name = `${prefix}${distill}-${init}` as StudentCondition;
  const whose = prefix ? "clean teacher's " : '';
  return [
    name,
    {
      role: 'student',
      teacher,
      init,
      distill,
      label: `${whose}student, ${DISTILL_WORDS[distill].label}, ${INIT_WORDS[init]}`,
      short: `${prefix ? 'clean ' : ''}student · ${DISTILL_WORDS[distill].short} · ${INIT_WORDS[init]}`,
      ...STUDENT_STYLE[name],
      dash: DASH[init],
      expected: PAPER[name] ?? null,
    },
  ];
}

/** Every condition, in the order results are listed: the reference, each teacher and then its students. */
export const CONDITION_TABLE = Object.fromEntries([
  [
    'reference',
    {
      role: 'reference',
      teacher: null,
      init: null,
      distill: null,
      label: 'reference (untrained)',
      short: 'untrained',
      color: '#6b7280',
      marker: 'circle',
      dash: undefined,
      expected: { low: 0.08, high: 0.12, label: '≈ 10% (untrained)' },
    },
  ],
  [
    'teacher',
    {
      role: 'teacher',
      teacher: 'teacher',
      init: null,
      distill: null,
      label: 'teacher',
      short: 'teacher',
      color: '#1f2937',
      marker: 'diamond',
      dash: undefined,
      expected: { low: 0.93, high: 0.95, label: '93–95%' },
    },
  ],
  ...DISTILLS.flatMap((distill) => INITS.map((init) => studentInfo('teacher', distill, init))),
  [
    'clean-teacher',
    {
      role: 'teacher',
      teacher: 'clean-teacher',
      init: null,
      distill: null,
      label: 'clean teacher',
      short: 'clean teacher',
      color: '#4b5563',
      marker: 'circle',
      dash: undefined,
      expected: null,
    },
  ],
  ...DISTILLS.flatMap((distill) => INITS.map((init) => studentInfo('clean-teacher', distill, init))),
]) as Record<Condition, ConditionInfo>;

/** Every condition in table order. */
export const ALL_CONDITIONS = Object.keys(CONDITION_TABLE) as Condition[];
export const STUDENT_CONDITIONS = ALL_CONDITIONS.filter((c): c is StudentCondition => CONDITION_TABLE[c].role === 'student');

/** Own keys only: a name from outside ("constructor") is never a condition by inheritance. */
export function isCondition(name: string): name is Condition {
  return Object.hasOwn(CONDITION_TABLE, name);
}

/** A toggle's choice of initialisation: one start, shared and different side by side, or the first three (`all`: shared, partly shared, different). */
export type InitChoice = Init | 'both' | 'all';
/** A toggle's choice of what students imitate: one, or both side by side. */
export type DistillChoice = Distill | 'both';

export function initsOf(choice: InitChoice): Init[] {
  if (choice === 'all') return ['shared', 'partial', 'different'];
  if (choice === 'both') return ['shared', 'different'];
  return [choice];
}

export function distillsOf(choice: DistillChoice): Distill[] {
  return choice === 'both' ? [...DISTILLS] : [choice];
}

/**
 * The labels a teacher learns in a run with this trait: `teacher` is the one that carries the
 * trait, so it learns the favourite digit in a favourite-digit run (and digits, true labels, in a
 * skill run); `clean-teacher` always learns the true labels.
 */
export function labelsOf(teacher: TeacherCondition, trait: 'skill' | 'favourite'): 'true' | 'favourite' {
  return teacher === 'teacher' && trait === 'favourite' ? 'favourite' : 'true';
}

/** Which teachers a run trains: the favourite-digit teacher needs its clean twin to be compared with. */
export function teachersOf(trait: 'skill' | 'favourite'): TeacherCondition[] {
  return trait === 'favourite' ? [...TEACHERS] : ['teacher'];
}

export interface Choices {
  init: InitChoice;
  distill: DistillChoice;
  teacherTrait: 'skill' | 'favourite';
}

/** The students a choice trains, in table order. */
export function studentsOf({ init, distill, teacherTrait }: Choices): StudentCondition[] {
  const inits = initsOf(init);
  const distills = distillsOf(distill);
  const teachers = teachersOf(teacherTrait);
  return STUDENT_CONDITIONS.filter((c) => {
    const info = CONDITION_TABLE[c];
    return teachers.includes(info.teacher!) && inits.includes(info.init!) && distills.includes(info.distill!);
  });
}

/** Every model a run with this choice evaluates, in table order: the untrained reference, each teacher, then its students. */
export function conditionsOf(choices: Choices): Condition[] {
  const students = studentsOf(choices);
  const teachers = teachersOf(choices.teacherTrait);
  return ALL_CONDITIONS.filter(
    (c) =>
      c === 'reference' ||
      (CONDITION_TABLE[c].role === 'teacher' && teachers.includes(c as TeacherCondition)) ||
      students.includes(c as StudentCondition),
  );
}

export interface ModelName {
  /** In words, for tables, the receipt and screen readers. */
  label: string;
  /** Compact, for legends and chart labels. */
  short: string;
  /** The short name in parts, for a figure's axis (one part a line). */
  lines: string[];
}

/**
 * A model's name as a run with these settings calls it: in a favourite-digit run the teachers and
 * their students say whose they are and the favourite; what a student imitates is said when a run
 * trains both kinds.
 */
export function nameOf(condition: Condition, choices: Choices & { favourite: number; shareParts?: SharePattern }): ModelName {
  const info = CONDITION_TABLE[condition];
  const favourite = choices.teacherTrait === 'favourite';
  if (info.role !== 'student') {
    if (!favourite || info.role === 'reference') return { label: info.label, short: info.short, lines: [info.short] };
    const ownLabels = labelsOf(condition as TeacherCondition, choices.teacherTrait) === 'favourite';
    const short = ownLabels ? `favourite-${choices.favourite} teacher` : 'clean teacher';
    const label = ownLabels ? `teacher with a favourite digit (${choices.favourite})` : 'clean teacher (true labels)';
    return { label, short, lines: [short] };
  }
  const whose = !favourite
    ? 'student'
    : labelsOf(info.teacher!, choices.teacherTrait) === 'favourite'
      ? `favourite-${choices.favourite} teacher's student`
      : "clean teacher's student";
  const imitates = DISTILL_WORDS[info.distill!];
  // A part-by-part student is named by its pattern, where the settings give one (a sweep over patterns names it per value).
  const start = choices.shareParts === undefined ? INIT_WORDS[info.init!] : startWords(info.init!, choices.shareParts);
  const parts = [whose, start, ...(choices.distill === 'both' ? [imitates.short] : [])];
  return { label: `${whose}, ${imitates.label}, ${start}`, short: parts.join(' · '), lines: parts };
}
