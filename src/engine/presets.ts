/** Named settings for the page's preset buttons (and anyone who wants them). */
import { defaultConfig, type Config } from './config';

export interface Preset {
  label: string;
  description: string;
  config: Config;
}

export const PRESETS = {
  quick: {
    label: 'Quick classroom run',
    description:
      '3 seeds, a 12,000-image teacher (2 epochs) and 4 student epochs on 12,000 noise images, batch 256, lr 1e-3: about a minute on a laptop. Shared-init students land near 30%, different-init ones at chance.',
    config: {
      ...defaultConfig(),
      seeds: 3,
      trainCount: 12000,
      teacherEpochs: 2,
      noiseCount: 12000,
      studentEpochs: 4,
      batchSize: 256,
      lr: 1e-3,
      testCount: 2000,
      evalEvery: 10,
      conditions: ['teacher', 'aux-shared', 'aux-different'],
    },
  },
  paper: {
    label: 'Paper protocol',
    description:
      "The authors' MNIST protocol: 60,000 images, 5 + 5 epochs, batch 1024, lr 3e-4, all six conditions, 5 seeds. Several minutes even on a fast GPU path.",
    config: { ...defaultConfig(), evalEvery: 30 },
  },
} satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;
