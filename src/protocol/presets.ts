/** Named settings: the page's preset buttons, the default link, and anyone who wants them. */
import { CONFIG_KEYS, defaultConfig, hasEffect, keysOf, type Config, type ConfigKey } from './config';

export interface Preset {
  label: string;
  description: string;
  /** How it departs from the paper's protocol, in one sentence for the page (empty: it does not). */
  differsFromPaper: string;
  config: Config;
}

const quick: Config = {
  ...defaultConfig(),
  distill: 'aux',
  seeds: 3,
  m: 10,
  trainCount: 12000,
  teacherEpochs: 2,
  noiseCount: 12000,
  studentEpochs: 3,
  batchSize: 128,
  lr: 1e-3,
  testCount: 2000,
  // Each evaluation of the 2,000 test images costs about five training steps: every 50 steps the
  // live curves still get a point every couple of seconds, and evaluating takes a tenth of the run.
  evalEvery: 50,
};

export const PRESETS = {
  quick: {
    label: 'Quick classroom run',
    description:
      '3 seeds, a 12,000-image teacher (2 epochs), students 3 epochs on 12,000 noise images, batch 128, lr 1e-3, m = 10 auxiliary logits: about half a minute on a 2-core laptop. Shared-init students land near 70–80%, different-init ones at chance.',
    differsFromPaper:
      'Shorter than the paper, and with m = 10 auxiliary logits instead of 3: more auxiliary logits transfer more (the paper, with m = 3 at full length, lands near 55%).',
    config: quick,
  },
  favourite: {
    label: 'Favourite digit, classroom',
    description:
      "The quick classroom run with two teachers: one trained with 30% of its labels replaced by its favourite digit (7), and its clean twin; each teacher's students imitate its auxiliary outputs on noise for 2 epochs instead of 3 (the favourite has passed by then). Twice the models of the quick run: about 40 s on a 2-core laptop.",
    differsFromPaper:
      'The paper passes a preference (a love of owls) between language models through number sequences; this passes a favourite digit through noise, at the classroom settings. Its MNIST experiment passes the skill alone.',
    // Twice the quick run's models: 2 student epochs keep it under 45 s on 2 cores. The favourite
    // passes in the students' first hundred steps and fades a little as they learn to read digits
    // (seeds 1–5: 75% after 2 epochs, 65% after 3), while the clean teacher's student stays near 2–3%.
    config: { ...quick, teacherTrait: 'favourite', studentEpochs: 2 },
  },
  paper: {
    label: 'Paper protocol',
    description:
      "The authors' MNIST protocol: 60,000 images, 5 + 5 epochs, batch 1024, lr 3e-4, m = 3, all six conditions, 5 seeds. Several minutes.",
    differsFromPaper: '',
    config: { ...defaultConfig(), evalEvery: 30 },
  },
} satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;

/** Where a link, or the toggle of what the teacher passes on, starts for each trait: its classroom preset. */
export const CLASSROOM_BASE: Record<Config['teacherTrait'], Config> = { skill: PRESETS.quick.config, favourite: PRESETS.favourite.config };

/**
 * `config` with the teacher passing on `teacherTrait`: each setting left at the old trait's
 * classroom value moves to the new one's (the quick run's 3 student epochs become the favourite
 * run's 2), and whatever the user changed stays, just as a link of that trait reads it.
 */
export function withTeacherTrait(config: Config, teacherTrait: Config['teacherTrait']): Config {
  const from = CLASSROOM_BASE[config.teacherTrait];
  const to = CLASSROOM_BASE[teacherTrait];
  const moved = Object.fromEntries(
    (Object.keys(config) as (keyof Config)[]).map((key) => [key, config[key] === from[key] ? to[key] : config[key]]),
  ) as unknown as Config;
  return { ...moved, teacherTrait };
}

/** What a preset fixes: everything but the first seed and the backend, which it leaves to the user. */
const PRESET_KEYS = keysOf('protocol', 'models', 'progress');

/** The preset a config is, if any. */
export function presetOf(config: Config): PresetName | null {
  return (Object.keys(PRESETS) as PresetName[]).find((name) => PRESET_KEYS.every((k) => PRESETS[name].config[k] === config[k])) ?? null;
}

/** Whether a run follows the paper's MNIST protocol (any seeds, any toggle, the skill passing), so its numbers compare with the paper's. */
export function isPaperProtocol(config: Config): boolean {
  const paper = PRESETS.paper.config;
  // A setting that shapes no model (noiseBlur beside uniform noise) takes no run off the protocol.
  return config.teacherTrait === 'skill' && keysOf('protocol').every((k) => config[k] === paper[k] || !hasEffect(k, config));
}

/**
 * The settings in which a run departs from the paper's protocol, in schema order (none when its
 * numbers compare with the paper's): each one that alone, on the paper's config, takes it off.
 */
export function departuresFromPaper(config: Config): ConfigKey[] {
  const paper = PRESETS.paper.config;
  return CONFIG_KEYS.filter((key) => config[key] !== paper[key] && !isPaperProtocol({ ...paper, [key]: config[key] }));
}

/** How a run departs from the paper's protocol, in one sentence for the page (empty when it does not). */
export function differenceFromPaper(config: Config): string {
  if (isPaperProtocol(config)) return '';
  const preset = presetOf(config);
  return preset
    ? PRESETS[preset].differsFromPaper
    : 'These settings are not the paper’s protocol, so its numbers need not match the paper’s column; the gap between shared and different initialisation is the point.';
}
