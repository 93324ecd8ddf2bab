/**
 * What a run produces and reports as it goes: the types the engine emits, the worker forwards,
 * the store keeps, the page draws and the exports write. One result object, one summary.
 */
import { ALL_CONDITIONS, type Condition, type StudentCondition, type TeacherCondition, type TrainedCondition } from './conditions';
import type { Config } from './config';
import { summarize, type Summary } from './stats';

export interface Accuracy {
  /** Fraction correct over all evaluated test images. */
  overall: number;
  /** Fraction correct for each digit 0–9; null for a digit absent from the evaluated subset. */
  perDigit: (number | null)[];
}

export interface SeedResult {
  seed: number;
  /** Final test accuracy of each evaluated model. */
  accuracy: Partial<Record<Condition, Accuracy>>;
  /** Test accuracy during training, every `evalEvery` steps (empty when evalEvery is 0); a student's points carry its alignment's overall cosine then. */
  history: Partial<Record<Condition, { step: number; accuracy: number; favouriteRate?: number; alignment?: number }[]>>;
  /** Students: how the final update lines up with the teacher's (see Alignment). */
  alignment?: Partial<Record<StudentCondition, Alignment>>;
  /** A run whose teacher passes on a favourite digit: the share of test images of other digits each model labels with it. */
  favouriteRate?: Partial<Record<Condition, number>>;
}

/** A seed's records keyed by model, as merged from workers and summarised. */
export const SEED_RECORDS = ['accuracy', 'history', 'alignment', 'favouriteRate'] as const;

export type ResultSummary = Partial<Record<Condition, Summary>>;

/** A training phase, or a teacher's pass over the noise sets: the units the receipt times and names kernels for. */
export type Phase = TrainedCondition | `${TeacherCondition} noise pass`;

/** The model a phase trains (or, for a noise pass, runs). */
export const modelOfPhase = (phase: string) => phase.replace(/ noise pass$/, '');

/** Which training step ran a phase: the fused WebGPU kernels, or tfjs's own (with why, when the fused step was wanted but could not run). */
export interface KernelUse {
  step: 'fused-webgpu' | 'tfjs';
  fallback?: string;
}

export interface ExperimentResult {
  config: Config;
  backend: string;
  tfjsVersion: string;
  seeds: SeedResult[];
  summary: ResultSummary;
  /** In a favourite-digit run, each model's favourite rate: mean and 95% CI over seeds. */
  favouriteSummary?: ResultSummary;
  /** Wall-clock milliseconds spent in each phase (summed over parallel workers, if any). */
  phaseMs: Partial<Record<Condition, number>>;
  /** The training step that ran each phase (the noise passes too). */
  kernels: Partial<Record<Phase, KernelUse>>;
  wallMs: number;
}

export interface StepInfo {
  /** 1-based step within the phase. */
  step: number;
  /** 1-based epoch. */
  epoch: number;
  phaseSteps: number;
  /** The batch loss (mean over the models trained together), read back only every `logEvery` steps and on the last step. */
  loss: number | null;
}

/**
 * How a student's cumulative update lines up with its teacher's: the cosine between
 * θ_student − θ_student(0) and θ_teacher − θ_reference, over all parameters and per layer.
 */
export interface Alignment {
  overall: number;
  /** Per layer, first first: layer 1 (784 → h), the other hidden layers (h → h), the output layer (h → 10 + m). */
  layers: number[];
}

export interface ModelShape {
  hidden: number;
  /** Auxiliary logits after the 10 digit logits. */
  m: number;
  /** Hidden layers, each `hidden` wide. */
  depth: number;
}

/** A parameter's name: layer l's weights `wl` and bias `bl`, l = 1 … depth + 1 (the output layer last). */
export type ParamName = `w${number}` | `b${number}`;

/** One model's parameters, weight matrices [fanIn, fanOut] row-major: 784 → h → … → h → 10 + m. */
export type ModelParams = Record<ParamName, Float32Array>;

/** How many test images' predictions each evaluation reports, for showing examples. */
export const SAMPLE_COUNT = 12;

export type ExperimentEvent =
  | { type: 'start'; config: Config; backend: string; seeds: number[]; totalSteps: number }
  | { type: 'phase'; condition: Condition; phaseSteps: number }
  | ({ type: 'step'; condition: TrainedCondition; doneSteps: number; totalSteps: number } & StepInfo)
  | {
      type: 'eval';
      /** The seed this model belongs to. */
      seed: number;
      condition: Condition;
      step: number;
      accuracy: Accuracy;
      /** Predicted digits of the first SAMPLE_COUNT test images. */
      samplePredictions: number[];
      /** Students: how the student's update so far lines up with its teacher's. */
      alignment?: Alignment;
      /** Favourite-digit runs: the share of test images of other digits labelled with the favourite. */
      favouriteRate?: number;
      /** Counts of (true digit, predicted digit), row-major 10 × 10. */
      confusion: number[];
    }
  /** One model's weights as they are now (the run's first seed only), for looking inside it and for drawn digits. */
  | { type: 'weights'; seed: number; condition: Condition; step: number; shape: ModelShape; params: ModelParams }
  | { type: 'done'; result: ExperimentResult };

/** Each condition's mean and 95% CI over seeds of one per-seed value. */
function summarizeBy(
  seeds: readonly Pick<SeedResult, 'accuracy' | 'favouriteRate'>[],
  value: (seed: Pick<SeedResult, 'accuracy' | 'favouriteRate'>, c: Condition) => number | undefined,
): ResultSummary {
  const summary: ResultSummary = {};
  for (const condition of ALL_CONDITIONS) {
    const values = seeds.map((s) => value(s, condition)).filter((v): v is number => v !== undefined);
    if (values.length > 0) summary[condition] = summarize(values);
  }
  return summary;
}

/**
 * Each condition's mean and 95% CI over seeds, from each seed's accuracy: the one summary the
 * page draws, the CLI prints and the exports write.
 */
export const summarizeSeeds = (seeds: readonly Pick<SeedResult, 'accuracy'>[]): ResultSummary =>
  summarizeBy(seeds, (s, c) => s.accuracy[c]?.overall);

/** The same for favourite rates (favourite-digit runs). */
export const summarizeFavourite = (seeds: readonly Pick<SeedResult, 'accuracy' | 'favouriteRate'>[]): ResultSummary =>
  summarizeBy(seeds, (s, c) => s.favouriteRate?.[c]);

/** A run's result from its seeds' results; also how a host merges seeds run in parallel. */
export function assembleResult(parts: Omit<ExperimentResult, 'summary' | 'favouriteSummary'>): ExperimentResult {
  const seeds = [...parts.seeds].sort((a, b) => a.seed - b.seed);
  const favourite = seeds.some((s) => s.favouriteRate);
  return { ...parts, seeds, summary: summarizeSeeds(seeds), ...(favourite && { favouriteSummary: summarizeFavourite(seeds) }) };
}

/** The seeds a run trains: seed … seed + seeds − 1. */
export function seedRange(config: Pick<Config, 'seed' | 'seeds'>): number[] {
  return Array.from({ length: config.seeds }, (_, i) => config.seed + i);
}

/** A run's seeds in words, e.g. "seeds 1–5". */
export function seedRangeText(seeds: readonly number[]): string {
  if (seeds.length === 0) return 'no seeds';
  if (seeds.length === 1) return `seed ${seeds[0]}`;
  const contiguous = seeds.every((s, i) => i === 0 || s === seeds[i - 1] + 1);
  return contiguous ? `seeds ${seeds[0]}–${seeds.at(-1)}` : `seeds ${seeds.join(', ')}`;
}
