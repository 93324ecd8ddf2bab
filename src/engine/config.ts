/**
 * The one table of settings. Every field is declared once here, with its range and help text;
 * the URL, the page's controls, the CLI flags and the exported receipt are all derived from it.
 */

export const CONDITIONS = ['teacher', 'aux-shared', 'aux-different', 'all-shared', 'all-different'] as const;
export type TrainedCondition = (typeof CONDITIONS)[number];
/** The untrained reference model is always evaluated; it is not trained, so not selectable. */
export type Condition = 'reference' | TrainedCondition;

export const BACKENDS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

interface IntField {
  kind: 'int';
  min: number;
  max: number;
  default: number;
  help: string;
}
interface NumberField {
  kind: 'number';
  min: number;
  max: number;
  default: number;
  help: string;
}
interface EnumField<T extends string> {
  kind: 'enum';
  values: readonly T[];
  default: T;
  help: string;
}
interface SetField<T extends string> {
  kind: 'set';
  values: readonly T[];
  default: readonly T[];
  help: string;
}

export const CONFIG_SCHEMA = {
  seed: { kind: 'int', min: 0, max: 2 ** 31 - 1, default: 1, help: 'first seed; seed i of a run is seed + i' },
  seeds: { kind: 'int', min: 1, max: 100, default: 5, help: 'number of seeds (independent repetitions)' },
  m: { kind: 'int', min: 1, max: 50, default: 3, help: 'auxiliary logits appended to the 10 digit logits' },
  hidden: { kind: 'int', min: 8, max: 1024, default: 256, help: 'width of both hidden layers' },
  teacherEpochs: { kind: 'int', min: 1, max: 100, default: 5, help: 'teacher epochs over the MNIST training images' },
  studentEpochs: { kind: 'int', min: 1, max: 100, default: 5, help: 'student epochs over the noise set' },
  lr: { kind: 'number', min: 1e-6, max: 1, default: 3e-4, help: 'Adam learning rate (teacher and students)' },
  batchSize: { kind: 'int', min: 1, max: 8192, default: 1024, help: 'minibatch size' },
  trainCount: { kind: 'int', min: 100, max: 60000, default: 60000, help: 'MNIST training images the teacher sees' },
  noiseCount: { kind: 'int', min: 100, max: 200000, default: 60000, help: 'images in the fixed uniform-noise set' },
  testCount: { kind: 'int', min: 100, max: 10000, default: 10000, help: 'MNIST test images used for accuracy' },
  conditions: {
    kind: 'set',
    values: CONDITIONS,
    default: CONDITIONS,
    help: 'which models to train (the untrained reference is always evaluated)',
  },
  evalEvery: { kind: 'int', min: 0, max: 100000, default: 0, help: 'test accuracy every N steps (0: end of each phase only)' },
  logEvery: { kind: 'int', min: 1, max: 100000, default: 10, help: 'read the loss back every N steps' },
  backend: { kind: 'enum', values: BACKENDS, default: 'auto', help: 'tfjs backend' },
} as const satisfies Record<
  string,
  IntField | NumberField | EnumField<string> | SetField<string>
>;

type Schema = typeof CONFIG_SCHEMA;
export type ConfigKey = keyof Schema;
type ValueOf<F> = F extends { kind: 'set'; values: readonly (infer T)[] }
  ? T[]
  : F extends { kind: 'enum'; values: readonly (infer T)[] }
    ? T
    : number;
export type Config = { -readonly [K in ConfigKey]: ValueOf<Schema[K]> };

export const CONFIG_KEYS = Object.keys(CONFIG_SCHEMA) as ConfigKey[];

export function defaultConfig(): Config {
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const field = CONFIG_SCHEMA[key];
    out[key] = field.kind === 'set' ? [...field.default] : field.default;
  }
  return out as Config;
}

export interface ConfigIssue {
  field: string;
  message: string;
}

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
    case 'set':
      return `a comma-separated list of ${field.values.join(', ')}`;
  }
}

function checkValue(key: ConfigKey, value: unknown): { ok: true; value: unknown } | { ok: false } {
  const field = CONFIG_SCHEMA[key];
  switch (field.kind) {
    case 'int':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false };
      if (field.kind === 'int' && !Number.isInteger(value)) return { ok: false };
      if (value < field.min || value > field.max) return { ok: false };
      return { ok: true, value };
    }
    case 'enum':
      return typeof value === 'string' && (field.values as readonly string[]).includes(value)
        ? { ok: true, value }
        : { ok: false };
    case 'set': {
      if (!Array.isArray(value) || value.length === 0) return { ok: false };
      const allowed = field.values as readonly string[];
      if (!value.every((v) => typeof v === 'string' && allowed.includes(v))) return { ok: false };
      // Canonical order and no repeats, so equal selections serialise equally.
      return { ok: true, value: allowed.filter((v) => (value as string[]).includes(v)) };
    }
  }
}

/**
 * Validates a partial config. Each invalid or unknown value is reported with the field's
 * allowed range and replaced by its default, so a caller always gets a usable config.
 */
export function validateConfig(input: Record<string, unknown>): { config: Config; issues: ConfigIssue[] } {
  const config = defaultConfig() as Record<string, unknown>;
  const issues: ConfigIssue[] = [];
  for (const [field, value] of Object.entries(input)) {
    if (!(field in CONFIG_SCHEMA)) {
      issues.push({ field, message: `unknown setting "${field}" (known: ${CONFIG_KEYS.join(', ')})` });
      continue;
    }
    const key = field as ConfigKey;
    const checked = checkValue(key, value);
    if (checked.ok) config[key] = checked.value;
    else
      issues.push({
        field,
        message: `${field} = ${JSON.stringify(value)} is invalid: expected ${describeRange(key)}; using ${JSON.stringify(config[key])}`,
      });
  }
  return { config: config as Config, issues };
}

/** Parses one field from text (URL parameter, CLI flag); returns undefined when unparseable. */
function parseText(key: ConfigKey, text: string): unknown {
  const field = CONFIG_SCHEMA[key];
  const trimmed = text.trim();
  switch (field.kind) {
    case 'int':
    case 'number':
      // Number('') is 0, and '0x10' is 16: accept plain decimal notation only.
      return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(trimmed) ? Number(trimmed) : text;
    case 'enum':
      return trimmed;
    case 'set':
      return trimmed === '' ? [] : trimmed.split(',').map((s) => s.trim());
  }
}

/** Validates settings given as text, e.g. from URL search parameters or CLI flags. */
export function configFromStrings(entries: Iterable<[string, string]>): { config: Config; issues: ConfigIssue[] } {
  const raw: Record<string, unknown> = {};
  for (const [field, text] of entries) raw[field] = field in CONFIG_SCHEMA ? parseText(field as ConfigKey, text) : text;
  return validateConfig(raw);
}

/** Text form of the settings that differ from the defaults (for a short shareable URL). */
export function configToStrings(config: Config): [string, string][] {
  const defaults = defaultConfig();
  const out: [string, string][] = [];
  for (const key of CONFIG_KEYS) {
    const value = config[key];
    const text = Array.isArray(value) ? value.join(',') : String(value);
    const defaultValue = defaults[key];
    const defaultText = Array.isArray(defaultValue) ? defaultValue.join(',') : String(defaultValue);
    if (text !== defaultText) out.push([key, text]);
  }
  return out;
}
