/** The typed boundary between the page and the training worker: commands out, events in. */
import type { StudentCondition } from './conditions';
import type { BackendChoice, Config } from './config';
import type { ExperimentEvent } from './results';

export type ConcreteBackend = Exclude<BackendChoice, 'auto'>;

/** How many MNIST images of each split a worker has loaded (of 60,000 and 10,000). */
export interface LoadedImages {
  train: number;
  test: number;
}

export interface BackendProbe {
  name: ConcreteBackend;
  available: boolean;
  /** A software rasteriser (SwiftShader): correct but far slower than wasm. */
  software: boolean;
  detail: string;
  /** Median warm training step, when timed. */
  msPerStep?: number;
}

export interface BackendInfo {
  requested: BackendChoice;
  name: ConcreteBackend;
  /** Why this backend, in words, for the badge. */
  reason: string;
  /** Median warm training step of one model at batch `timedBatchSize`. */
  msPerStep: number;
  timedBatchSize: number;
  probes: BackendProbe[];
  tfjsVersion: string;
}

export type WorkerCommand =
  /** `need`: how many training and test images the page's settings use, so only those are fetched first. */
  | { type: 'init'; baseUrl: string; backend: BackendChoice; need: { train: number; test: number } }
  | { type: 'select-backend'; backend: BackendChoice }
  /** `seeds` and `students`: this worker's share of the run (default: all of it). */
  | { type: 'run'; runId: number; config: Config; seeds?: number[]; students?: StudentCondition[] }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'step' }
  | { type: 'cancel' };

export type RunState = 'running' | 'paused' | 'finished' | 'cancelled' | 'failed';

export type WorkerEvent =
  | { type: 'data-progress'; loadedBytes: number; totalBytes: number; fromCache: boolean }
  | { type: 'data-ready'; ms: number; fromCache: boolean; sampleImages: Uint8Array; sampleLabels: number[]; loaded: LoadedImages }
  /** More of MNIST arrived for a run that needed it. */
  | { type: 'data-loaded'; loaded: LoadedImages }
  | { type: 'data-error'; message: string }
  | { type: 'backend-status'; text: string }
  | { type: 'backend'; info: BackendInfo }
  | { type: 'backend-error'; message: string }
  /** The GPU went away mid-session; the worker has moved to another backend (and restarts the run). */
  | { type: 'backend-lost'; message: string }
  /** tfjs memory in the worker after a run ended: the same as before it, or something leaked. */
  | { type: 'memory'; numTensors: number; numBytes: number }
  /** How many workers train a run (the page's client spreads a CPU run over cores). */
  | { type: 'workers'; count: number }
  /** Events of a run carry its id, so late events of a cancelled run are told apart. */
  | { type: 'experiment'; runId: number; event: ExperimentEvent }
  | { type: 'run-state'; runId: number; state: RunState; message?: string };
