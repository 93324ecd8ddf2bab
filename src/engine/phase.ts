/**
 * What a training phase is, as data: the words the plans, the training loop and both training
 * steps (tfjs's kernels, the fused WebGPU ones) share. A leaf: it imports no other engine module
 * but the data types, so the steps and the plans never import each other.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Distill } from '../protocol/conditions';
import type { StudentLoss } from '../protocol/config';
import type { KernelUse } from '../protocol/results';
import type { NoiseSpec } from '../protocol/random';
import type { MnistSplit } from './data';

/** Each model's teacher logits on its own noise set, computed once and shared by all the teacher's students. */
export interface NoiseTargets {
  /** Noise set size. */
  count: number;
  /** Logits per example (10 + m). */
  width: number;
  /** [K·count, width]: model k's examples are rows k·count … (k+1)·count − 1. Lives where the backend keeps tensors (on WebGPU, on the GPU). */
  logits: tf.Tensor2D;
}

/** Where a phase's inputs come from, as data (so a GPU can hold it and gather batches itself). */
export type PhaseInputs = { kind: 'images'; split: MnistSplit } | { kind: 'noise'; seeds: readonly number[]; draw: NoiseSpec };

/** What a phase's loss compares the logits with: each model's digit labels (by example index), or its teacher's logits by the student's loss. */
export type PhaseObjective =
  { kind: 'digits'; labels: readonly Uint8Array[] } | { kind: 'distill'; targets: NoiseTargets; distill: Distill; loss: StudentLoss };

export interface PhasePlan {
  epochs: number;
  exampleCount: number;
  batchSize: number;
  lr: number;
  /** Seed of each model's per-epoch shuffles: one per model, so K = orderSeeds.length. */
  orderSeeds: readonly number[];
  inputs: PhaseInputs;
  objective: PhaseObjective;
}

/** One training step of every model of a phase, made once per phase. */
export interface TrainingStep {
  /** Trains each model on its example indices; resolves to the mean loss over models when `readLoss`. */
  run(indices: readonly Uint32Array[], readLoss: boolean): Promise<number | null>;
  /** Which kernels run it, for the receipt. */
  readonly kernels: KernelUse;
  dispose(): void;
}
