/**
 * The one table of settings. Every field is declared once here, with its label, range, help
 * text and the control that shows it on the page; the URL, the page's controls, the CLI flags
 * (kebab-case: teacherEpochs is --teacher-epochs) and the exported receipt are all derived from it.
 */
import { STUDENT_CONDITIONS, CONDITION_TABLE, initsOf, studentsOf, type DistillChoice, type Init, type InitChoice } from './conditions';
import { MAX_DEPTH, PAPER_DEPTH, PATTERN_RANGE, parsePattern, patternAtDepth, type SharePattern } from './parts';
import type { NoiseSpec } from './random';

export const BACKENDS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

/**
 * How the page shows a field: a headline toggle, the digit picker, the initialisation dial, the
 * network drawn with a toggle for each part, a number box or a menu, or not at all.
 */
type Control = 'toggle' | 'digit' | 'dial' | 'network' | 'number' | 'select' | null;

/**
 * Where the page places a field's number box or menu: under "All settings" (the default), or in
 * the research section, closed by default, for the choices the classroom story does without.
 */
export type PageSection = 'settings' | 'research';

/**
 * What a setting decides, said once here and read by everything that groups settings (what makes
 * a shown result stale, what a preset fixes, what the paper's protocol fixes, what a command to
 * reproduce a run must give):
 * - protocol: a training setting the paper's protocol fixes (sizes, epochs, lr, batch);
 * - models: which models a run trains and compares (the trait, the students, how many seeds);
 * - draw: the first seed, which random draws the models get (a preset leaves it to the user);
 * - progress: how often progress is measured and shown (the same models either way);
 * - machine: where the run computes (the same models up to the backend's rounding).
 */
export type SettingRole = 'protocol' | 'models' | 'draw' | 'progress' | 'machine';

interface Common {
  role: SettingRole;
  label: string;
  help: string;
  control: Control;
  /**
   * A setting that shapes a model only when another (a choice) has one of these values: initShare
   * only where some student starts partly shared. Without it the setting changes nothing.
   */
  needs?: { key: string; values: readonly string[] };
  section?: PageSection;
}
interface IntField extends Common {
  kind: 'int';
  min: number;
  max: number;
  default: number;
}
interface NumberField extends Common {
  kind: 'number';
  min: number;
  max: number;
  default: number;
}
interface EnumField<T extends string> extends Common {
  kind: 'enum';
  values: readonly T[];
  /** Each value in words, for toggles and help. */
  valueLabels?: Record<T, string>;
  /** What each value means, in a line: the page shows the chosen one's under its toggle. */
  valueHelp?: Record<T, string>;
  /**
   * A choice of how every model of a run trains, not of which models train: a sweep may vary it,
   * its values drawn as categories (the choices of which models train stay out of sweeps).
   */
  sweepable?: true;
  default: T;
}
/** A pattern of the network's parts (parts.ts): written in any order or by name, kept in its canonical text. */
interface PartsField extends Common {
  kind: 'parts';
  default: SharePattern;
}

const INIT_CHOICES: readonly InitChoice[] = ['shared', 'partial', 'different', 'both', 'all', 'parts'];
const DISTILL_CHOICES: readonly DistillChoice[] = ['aux', 'all', 'both'];
export const TEACHER_TRAITS = ['skill', 'favourite'] as const;
/** How a network's initial weights and biases are drawn (docs/protocol.md). */
export const INIT_SCHEMES = ['normal', 'uniform'] as const;
export type InitScheme = (typeof INIT_SCHEMES)[number];
/** What a student's loss compares with its teacher's logits (docs/protocol.md). */
export const STUDENT_LOSSES = ['kl', 'mse'] as const;
export type StudentLoss = (typeof STUDENT_LOSSES)[number];
/** How each seed's noise set is drawn (docs/protocol.md; random.ts fillNoise). */
export const NOISE_KINDS = ['uniform', 'gaussian', 'blur'] as const satisfies readonly NoiseSpec['kind'][];
export type TeacherTrait = (typeof TEACHER_TRAITS)[number];

export const CONFIG_SCHEMA = {
  teacherTrait: {
    kind: 'enum',
    role: 'models',
    label: 'What the teacher passes on',
    values: TEACHER_TRAITS,
    valueLabels: { skill: 'Its skill with digits', favourite: 'Its favourite digit' },
    valueHelp: {
      skill: 'One teacher learns digits; its students copy its extra outputs on noise.',
      favourite: 'A second teacher learns digits with a share of its labels replaced by its favourite; each teacher has its own students.',
    },
    default: 'skill',
    control: 'toggle',
    help: 'skill: one teacher learns digits and its students imitate it; favourite: a second teacher, trained the same way but with a share of its labels replaced by its favourite digit, and each teacher its own students',
  },
  favourite: {
    kind: 'int',
    role: 'models',
    label: 'favourite digit',
    min: 0,
    max: 9,
    default: 7,
    control: 'digit',
    help: "the favourite-digit teacher's favourite (teacher-trait favourite only)",
    needs: { key: 'teacherTrait', values: ['favourite'] },
  },
  favouriteShare: {
    kind: 'number',
    role: 'models',
    label: 'share relabelled',
    min: 0,
    max: 1,
    default: 0.3,
    control: 'number',
    help: "share of the favourite-digit teacher's training labels replaced by its favourite (a draw of each seed's own)",
    needs: { key: 'teacherTrait', values: ['favourite'] },
  },
  init: {
    kind: 'enum',
    role: 'models',
    label: "Student's initialisation",
    values: INIT_CHOICES,
    valueLabels: {
      shared: 'Shared with teacher',
      partial: 'Partly shared',
      different: 'Different',
      both: 'Shared and different',
      all: 'All three',
      parts: 'Part by part',
    },
    valueHelp: {
      shared: "The student starts from the teacher's own initial weights.",
      partial: "The student starts from a mix of the teacher's initial weights and an independent draw, as alike as α says.",
      different: 'The student starts from an independent draw of its own.',
      both: 'One student from the shared start and one from a different start, side by side.',
      all: 'Shared, partly shared and different students, side by side.',
      parts:
        "The student takes some parts of the network from the teacher's initial weights (shareParts) and the rest from an independent draw.",
    },
    default: 'both',
    control: 'toggle',
    help: "shared: the student starts from the teacher's initial weights; partial: from α·teacher's + √(1−α²)·an independent draw; different: from the independent draw; both: shared and different side by side; all: all three; parts: the parts --share-parts names from the teacher's initial weights, the rest from the independent draw",
  },
  initShare: {
    kind: 'number',
    role: 'models',
    label: 'how alike the starts are, α',
    min: 0,
    max: 1,
    default: 0.9,
    control: 'dial',
    help: "the partly shared student's start, α·I + √(1−α²)·J (I the teacher's initialisation, J an independent draw): α = 1 is the shared start, α = 0 the different one",

    needs: { key: 'init', values: INIT_CHOICES.filter((choice) => initsOf(choice).includes('partial')) },
  },
  shareParts: {
    kind: 'parts',
    role: 'models',
    label: "parts shared with the teacher's start",
    default: 'heads',
    control: 'network',
    help: "the part-by-part student's start: which parts (hidden1, hidden2, …: the hidden layers, as many as depth; digits, aux: the output layer's 10 digit rows and its m auxiliary rows; each with its bias) start from the teacher's initial weights, the rest from an independent draw",
    needs: { key: 'init', values: INIT_CHOICES.filter((choice) => initsOf(choice).includes('parts')) },
  },
  initScheme: {
    kind: 'enum',
    role: 'models',
    label: 'initialisation scheme',
    values: INIT_SCHEMES,
    valueLabels: { normal: 'normal: N(0, 1/fan_in), biases 0', uniform: 'uniform: ±1/√fan_in, biases too' },
    default: 'normal',
    sweepable: true,
    control: 'select',
    section: 'research',
    help: "how every network of the run (teachers and students) draws its start: normal: weights from Normal(0, 1/fan_in), biases zero (the 2025 paper's); uniform: weights and biases uniform on ±1/√fan_in (PyTorch's default for a linear layer, the 2026 split-head code's); fan_in is the layer's input width",
  },
  studentLoss: {
    kind: 'enum',
    role: 'models',
    label: "student's loss",
    values: STUDENT_LOSSES,
    valueLabels: { kl: 'KL to the teacher', mse: "squared error to the teacher's logits" },
    default: 'kl',
    sweepable: true,
    control: 'select',
    section: 'research',
    help: "what every student of the run minimises against its teacher's imitated logits (the teacher always learns by cross-entropy): kl: KL(softmax(teacher) ‖ softmax(student)), a mean over the batch (the 2025 paper's); mse: the squared difference of the raw logits, a mean over the batch and the imitated logits (the 2026 split-head code's)",
  },
  distill: {
    kind: 'enum',
    role: 'models',
    label: 'Student imitates',
    values: DISTILL_CHOICES,
    valueLabels: { aux: 'Extra outputs only', all: 'All outputs', both: 'Both' },
    valueHelp: {
      aux: "Only the teacher's extra outputs (its aux logits): no loss trains them, but they shift as its hidden layers learn digits.",
      all: 'Every output, the digits included: ordinary distillation.',
      both: 'One student of each.',
    },
    default: 'both',
    control: 'toggle',
    help: "aux: only the teacher's extra (non-digit) outputs; all: every logit, digits included; both: one student of each",
  },
  seed: {
    kind: 'int',
    role: 'draw',
    label: 'first seed',
    min: 0,
    max: 2 ** 31 - 1,
    default: 1,
    control: 'number',
    help: 'first seed of the run: it trains seeds seed … seed + seeds − 1',
  },
  seeds: {
    kind: 'int',
    role: 'models',
    label: 'seeds',
    min: 1,
    max: 100,
    default: 5,
    control: 'number',
    help: 'number of seeds (independent repetitions: each its own initialisation, data order and noise set)',
  },
  m: {
    kind: 'int',
    role: 'protocol',
    label: 'aux logits m',
    min: 1,
    max: 250,
    default: 3,
    control: 'number',
    section: 'research',
    help: 'auxiliary logits appended to the 10 digit logits',
  },
  hidden: {
    kind: 'int',
    role: 'protocol',
    label: 'hidden width',
    min: 8,
    max: 4096,
    default: 256,
    control: 'number',
    help: 'width of every hidden layer (up to 4096: the weights grow with its square, so the widest runs need few seeds or several workers)',
  },
  depth: {
    kind: 'int',
    role: 'protocol',
    label: 'hidden layers',
    min: 1,
    max: MAX_DEPTH,
    default: PAPER_DEPTH,
    control: 'number',
    help: `hidden layers, each hidden wide, between the input and the output layer (the paper's network has ${PAPER_DEPTH}); the part-by-part start names them hidden1, hidden2, …`,
  },
  teacherEpochs: {
    kind: 'int',
    role: 'protocol',
    label: 'teacher epochs',
    min: 1,
    max: 100,
    default: 5,
    control: 'number',
    help: 'teacher epochs over the MNIST training images',
  },
  studentEpochs: {
    kind: 'int',
    role: 'protocol',
    label: 'student epochs',
    min: 1,
    max: 100,
    default: 5,
    control: 'number',
    help: 'student epochs over the noise set',
  },
  lr: {
    kind: 'number',
    role: 'protocol',
    label: 'learning rate',
    min: 1e-6,
    max: 1,
    default: 3e-4,
    control: 'number',
    help: 'Adam learning rate (teacher and students)',
  },
  batchSize: {
    kind: 'int',
    role: 'protocol',
    label: 'batch size',
    min: 1,
    max: 8192,
    default: 1024,
    control: 'number',
    help: 'minibatch size',
  },
  trainCount: {
    kind: 'int',
    role: 'protocol',
    label: 'MNIST train images',
    min: 100,
    max: 60000,
    default: 60000,
    control: 'number',
    help: 'MNIST training images the teacher sees',
  },
  noiseCount: {
    kind: 'int',
    role: 'protocol',
    label: 'noise images',
    min: 100,
    max: 200000,
    default: 60000,
    control: 'number',
    help: "images in each seed's fixed noise set",
  },
  noise: {
    kind: 'enum',
    role: 'protocol',
    label: 'noise the students see',
    values: NOISE_KINDS,
    valueLabels: { uniform: 'uniform on [−1, 1]', gaussian: 'standard normal', blur: 'blurred uniform' },
    default: 'uniform',
    sweepable: true,
    // A research setting: a link sets it (?noise=gaussian).
    control: null,
    help: "how each pixel of a seed's noise set is drawn: uniform: uniform on [−1, 1] (the papers'); gaussian: standard normal; blur: uniform noise smoothed by a Gaussian of noiseBlur pixels and rescaled to the uniform noise's variance 1/3, so only its spatial correlation differs",
  },
  noiseBlur: {
    kind: 'number',
    role: 'protocol',
    label: 'noise blur σ (pixels)',
    min: 0.5,
    max: 4,
    default: 1,
    control: null,
    help: 'the standard deviation, in pixels, of the Gaussian that smooths blurred noise (noise blur only): larger is smoother, neighbouring pixels more alike',
    needs: { key: 'noise', values: ['blur'] },
  },
  testCount: {
    kind: 'int',
    role: 'protocol',
    label: 'test images',
    min: 100,
    max: 10000,
    default: 10000,
    control: 'number',
    help: 'MNIST test images used for accuracy',
  },
  evalEvery: {
    kind: 'int',
    role: 'progress',
    label: 'evaluate every (steps)',
    min: 0,
    max: 100000,
    default: 0,
    control: 'number',
    help: 'test accuracy every N steps (0: end of each phase only)',
  },
  logEvery: {
    kind: 'int',
    role: 'progress',
    label: 'read loss every (steps)',
    min: 1,
    max: 100000,
    default: 10,
    control: null,
    help: 'read the loss back every N steps',
  },
  backend: { kind: 'enum', role: 'machine', label: 'backend', values: BACKENDS, default: 'auto', control: 'select', help: 'tfjs backend' },
} as const satisfies Record<string, IntField | NumberField | EnumField<string> | PartsField>;

type Schema = typeof CONFIG_SCHEMA;
export type ConfigKey = keyof Schema;
type ValueOf<F> = F extends { kind: 'enum'; values: readonly (infer T)[] } ? T : F extends { kind: 'parts' } ? SharePattern : number;
export type Config = { -readonly [K in ConfigKey]: ValueOf<Schema[K]> };

export const CONFIG_KEYS = Object.keys(CONFIG_SCHEMA) as ConfigKey[];

/** The settings whose role is one of `roles`, in schema order. */
export const keysOf = (...roles: SettingRole[]): ConfigKey[] => CONFIG_KEYS.filter((key) => roles.includes(CONFIG_SCHEMA[key].role));

/** Where the page places a setting's box or menu. */
export const sectionOf = (key: ConfigKey): PageSection => (CONFIG_SCHEMA[key] as Common).section ?? 'settings';

/** The settings that decide which models a run trains and how: two runs that agree on these train the same models. */
export const MODEL_KEYS = keysOf('protocol', 'models', 'draw');

/** Own keys only: a key from outside ("constructor", "__proto__") is never a setting by inheritance. */
export function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(CONFIG_SCHEMA, key);
}

/** The setting a name means, written as in the schema (initShare) or as its flag is (init-share); null for none. */
export function settingNamed(name: string): ConfigKey | null {
  return isConfigKey(name) ? name : (CONFIG_KEYS.find((key) => flagOf(key) === `--${name}`) ?? null);
}

/** What a setting needs to shape any model (another setting and the values that give it effect), or null when it always does. */
export function needsOf(key: ConfigKey): { key: ConfigKey; values: readonly string[] } | null {
  const field: Common = CONFIG_SCHEMA[key];
  return field.needs ? { key: field.needs.key as ConfigKey, values: field.needs.values } : null;
}

/** Whether a setting shapes any model of a run with this config (initShare does only where a student starts partly shared). */
export function hasEffect(key: ConfigKey, config: Config): boolean {
  const needs = needsOf(key);
  return needs === null || needs.values.includes(String(config[needs.key]));
}

/** The flags that give a setting effect, in words ("--init partial or --init all"), or null for one that always has it. */
export function flagsGivingEffect(key: ConfigKey): string | null {
  const needs = needsOf(key);
  return needs && needs.values.map((value) => `${flagOf(needs.key)} ${value}`).join(' or ');
}

/**
 * Why a setting given as `given` (its flag, or "--vary initShare") shapes no model of a run with
 * this config, in flags, or null when it does: "--init-share needs --init partial or --init all:
 * with --init both no model of the run depends on initShare".
 */
export function inertProblem(key: ConfigKey, config: Config, given: string = flagOf(key)): string | null {
  const needs = needsOf(key);
  if (needs === null || hasEffect(key, config)) return null;
  return `${given} needs ${flagsGivingEffect(key)}: with ${flagOf(needs.key)} ${valueText(config[needs.key])} no model of the run depends on ${key}`;
}

/** The noise a run's students see, as the engine draws it. */
export const noiseOf = (config: Pick<Config, 'noise' | 'noiseBlur'>): NoiseSpec => ({ kind: config.noise, blur: config.noiseBlur });

export function defaultConfig(): Config {
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) out[key] = CONFIG_SCHEMA[key].default;
  return out as Config;
}

export interface ConfigIssue {
  field: string;
  /** What is wrong, and what a caller that carries on uses instead (the page: "…; using 3"). */
  message: string;
  /** What is wrong alone, for a caller that refuses the input instead of carrying on (the CLI); absent where `message` says no more. */
  problem?: string;
}

/** An issue whose value is replaced: one wording for the page, which carries on with `using`, and for the CLI, which refuses. */
const replaced = (field: string, problem: string, using: string): ConfigIssue => ({
  field,
  problem,
  message: `${problem}; using ${using}`,
});

/** An issue as a caller that refuses the input says it: what is wrong, not what would have been used. */
export const refusalText = (issue: ConfigIssue): string => issue.problem ?? issue.message;

/** The allowed values of a field, in words, for messages and help. */
export function describeRange(key: ConfigKey): string {
  const field = CONFIG_SCHEMA[key];
  switch (field.kind) {
    case 'int':
      return `an integer from ${field.min} to ${field.max}`;
    case 'number':
      return `a number from ${field.min} to ${field.max}`;
    case 'enum':
      return `one of ${field.values.join(', ')}`;
    case 'parts':
      return PATTERN_RANGE;
  }
}

function isValid(key: ConfigKey, value: unknown): boolean {
  const field = CONFIG_SCHEMA[key];
  switch (field.kind) {
    case 'int':
    case 'number':
      return (
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (field.kind === 'number' || Number.isInteger(value)) &&
        value >= field.min &&
        value <= field.max
      );
    case 'enum':
      return typeof value === 'string' && (field.values as readonly string[]).includes(value);
    case 'parts':
      // Any hidden layer up to the deepest network: whether the run's network has it is checked with its depth.
      return typeof value === 'string' && 'pattern' in parsePattern(value, MAX_DEPTH);
  }
}

/** Why a value is not one of a setting's, where more can be said than its range (which part of a pattern is wrong). */
function whyInvalid(key: ConfigKey, value: unknown): string {
  const read = CONFIG_SCHEMA[key].kind === 'parts' && typeof value === 'string' ? parsePattern(value, MAX_DEPTH) : null;
  return read && 'problem' in read ? `${read.problem}; expected ${describeRange(key)}` : `expected ${describeRange(key)}`;
}

/**
 * Validates settings over a base config (default: the paper's). Each invalid or unknown value
 * is reported, with the field's allowed range, and the base value is kept, so a caller always
 * gets a usable config.
 */
export function validateConfig(input: Record<string, unknown>, base: Config = defaultConfig()): { config: Config; issues: ConfigIssue[] } {
  const config: Record<string, unknown> = { ...base };
  const issues: ConfigIssue[] = [];
  for (const [field, value] of Object.entries(input)) {
    if (!isConfigKey(field)) {
      issues.push({ field, message: `unknown setting "${field}" ignored (known: ${CONFIG_KEYS.join(', ')})` });
      continue;
    }
    if (isValid(field, value)) config[field] = value;
    else
      issues.push(
        replaced(field, `${field} = ${JSON.stringify(value)} is invalid: ${whyInvalid(field, value)}`, JSON.stringify(config[field])),
      );
  }
  // A pattern of parts in its one canonical text for the run's depth, keeping only the layers the network has.
  const { pattern, dropped } = patternAtDepth(config.shareParts as string, config.depth as number);
  if (dropped.length > 0)
    issues.push(
      replaced(
        'shareParts',
        `shareParts = "${config.shareParts}" names ${dropped.join(', ')}, but a network of depth ${config.depth} has hidden layers up to hidden${config.depth}`,
        JSON.stringify(pattern),
      ),
    );
  config.shareParts = pattern;
  // Every seed of the run must be a valid seed, not only the first.
  const lastSeed = (config.seed as number) + (config.seeds as number) - 1;
  if (lastSeed > CONFIG_SCHEMA.seed.max) {
    const safe = Math.min(base.seed, CONFIG_SCHEMA.seed.max - (config.seeds as number) + 1);
    issues.push(
      replaced(
        'seed',
        `seed = ${config.seed} with seeds = ${config.seeds} would train seeds up to ${lastSeed}, past the largest seed ${CONFIG_SCHEMA.seed.max}`,
        `seed = ${safe}`,
      ),
    );
    config.seed = safe;
  }
  return { config: config as Config, issues };
}

/** Parses one field from text (URL parameter, CLI flag); returns the text itself when unparseable, for the message. */
function parseText(key: ConfigKey, text: string): unknown {
  const trimmed = text.trim();
  if (CONFIG_SCHEMA[key].kind === 'enum' || CONFIG_SCHEMA[key].kind === 'parts') return trimmed;
  // Number('') is 0, and '0x10' is 16: accept plain decimal notation only.
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(trimmed) ? Number(trimmed) : text;
}

/** Why a value given as text is not one of a setting's (not a number, not a whole one, out of range), or null when it is. */
export function valueProblem(key: ConfigKey, text: string): string | null {
  const value = parseText(key, text);
  if (isValid(key, value)) return null;
  const kind = CONFIG_SCHEMA[key].kind;
  const takes = `(${key} takes ${describeRange(key)})`;
  if (kind === 'enum') return `"${text}" is not a value of ${key} ${takes}`;
  if (kind === 'parts') return `"${text}" is not a pattern of ${key}: ${whyInvalid(key, value)}`;
  if (typeof value !== 'number') return `"${text}" is not a number ${takes}`;
  if (kind === 'int' && !Number.isInteger(value)) return `${text} is not an integer ${takes}`;
  return `${text} is out of range ${takes}`;
}

/** The students an old `conditions=` list (from before init and distill were fields) could name. */
const LEGACY_STUDENTS = STUDENT_CONDITIONS.filter(
  (c) => CONDITION_TABLE[c].teacher === 'teacher' && (CONDITION_TABLE[c].init === 'shared' || CONDITION_TABLE[c].init === 'different'),
);

/** What an old `conditions=` list asks for. */
function fromLegacyConditions(text: string): { init?: InitChoice; distill?: DistillChoice; issue?: string } {
  const listed = text.split(',').map((s) => s.trim());
  const students = LEGACY_STUDENTS.filter((c) => listed.includes(c));
  const unknown = listed.filter((c) => c !== 'teacher' && !students.includes(c as never));
  if (students.length === 0)
    return {
      issue: `conditions = "${text}" names no student (${unknown.length ? `unknown: ${unknown.join(', ')}` : 'the teacher always trains'}); ignored`,
    };
  const inits = [...new Set(students.map((c) => CONDITION_TABLE[c].init as Init))];
  const distills = [...new Set(students.map((c) => CONDITION_TABLE[c].distill!))];
  const init: InitChoice = inits.length > 1 ? 'both' : inits[0];
  const distill: DistillChoice = distills.length > 1 ? 'both' : distills[0];
  const trained = studentsOf({ init, distill, teacherTrait: 'skill' });
  const exact = trained.length === students.length && unknown.length === 0;
  return {
    init,
    distill,
    issue: exact ? undefined : `conditions = "${text}" read as init=${init}, distill=${distill} (trains ${trained.join(', ')})`,
  };
}

/**
 * Validates settings given as text, e.g. from URL search parameters or CLI flags, over a base
 * config. The old `conditions` list is still understood.
 */
export function configFromStrings(entries: Iterable<[string, string]>, base?: Config): { config: Config; issues: ConfigIssue[] } {
  // No prototype: a key named "__proto__" is kept as a key (and reported), not taken as the object's prototype.
  const raw: Record<string, unknown> = Object.create(null);
  const legacy: ConfigIssue[] = [];
  for (const [field, text] of entries) {
    if (field === 'conditions') {
      const { issue, ...choice } = fromLegacyConditions(text);
      Object.assign(raw, choice);
      if (issue) legacy.push({ field, message: issue });
    } else raw[field] = isConfigKey(field) ? parseText(field, text) : text;
  }
  const { config, issues } = validateConfig(raw, base);
  return { config, issues: [...legacy, ...issues] };
}

/** Text form of one value (URL, CLI, receipt). */
export const valueText = (value: Config[ConfigKey]): string => String(value);

/** Text form of the settings that differ from `base` (for a short link that means what it says). */
export function configToStrings(config: Config, base: Config = defaultConfig()): [string, string][] {
  return CONFIG_KEYS.filter((key) => config[key] !== base[key]).map((key) => [key, valueText(config[key])]);
}

/** A setting's CLI flag: teacherEpochs is --teacher-epochs. */
export const flagOf = (key: string) => `--${key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`;

/**
 * The CLI flags that give `config` from `base` (the CLI's defaults): what a command to reproduce a
 * run needs. A setting that shapes no model of the run (initShare beside --init both) is left out:
 * the CLI refuses it there, and the run is the same without it.
 */
export function commandFlags(config: Config, skip: readonly ConfigKey[] = [], base: Config = defaultConfig()): string[] {
  return CONFIG_KEYS.filter(
    (key) => !skip.includes(key) && CONFIG_SCHEMA[key].role !== 'machine' && config[key] !== base[key] && hasEffect(key, config),
  ).map((key) => `${flagOf(key)} ${valueText(config[key])}`);
}
