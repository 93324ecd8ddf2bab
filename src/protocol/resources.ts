/**
 * What a run will cost, from its settings alone, so that an impossible run is refused before
 * it starts (with the setting to lower) instead of failing minutes in with "allocation failed".
 */
import type { Config, ConfigKey } from './config';
import { DIGITS, IMAGE_PIXELS } from './constants';
import { forwardWork, parameterCount } from './network';
import { PAPER_DEPTH } from './parts';
import { studentsOf } from './conditions';
import { CLASSROOM_BASE } from './presets';
import { planRun } from './runPlan';

export interface MemoryPart {
  what: string;
  bytes: number;
  /** The settings that make this part large. */
  settings: ConfigKey[];
}

const FLOAT = 4;
/** The four MNIST files, as bytes in memory. */
const MNIST_BYTES = 54_880_000;
/** Copies of the weights alive at once: the reference, a model in training, a different student's start, the teacher's update, Adam's two moments, the gradients. */
const WEIGHT_COPIES = 7;

/** Peak memory of a run trained in one place (the largest parts; small ones are left out), biggest first. */
export function estimateMemory(config: Config): MemoryPart[] {
  const k = config.seeds;
  const width = DIGITS + config.m;
  const parts: MemoryPart[] = [
    {
      what: "the teacher's outputs on each seed's noise set",
      // One teacher's at a time: a second teacher's are made once the first one's students are done.
      bytes: studentsOf(config).length > 0 ? k * config.noiseCount * width * FLOAT : 0,
      settings: ['noiseCount', 'seeds', 'm'],
    },
    {
      what: 'weights, optimiser state and gradients',
      bytes: WEIGHT_COPIES * k * parameterCount(config) * FLOAT,
      settings: ['hidden', 'depth', 'seeds'],
    },
    // Inputs (and their transposes), activations kept for the backward pass, and their gradients.
    {
      what: 'one training step',
      bytes: 3 * k * config.batchSize * (2 * IMAGE_PIXELS + 3 * config.depth * config.hidden + 3 * width) * FLOAT,
      settings: ['batchSize', 'seeds', 'hidden', 'depth'],
    },
    {
      what: 'the test images and their evaluation',
      bytes: config.testCount * IMAGE_PIXELS * FLOAT + k * 2000 * (config.depth * config.hidden + width) * FLOAT,
      settings: ['testCount', 'seeds'],
    },
    { what: 'MNIST', bytes: MNIST_BYTES, settings: [] },
  ];
  return parts.sort((a, b) => b.bytes - a.bytes);
}

export const totalBytes = (parts: readonly MemoryPart[]) => parts.reduce((sum, p) => sum + p.bytes, 0);

const gb = (bytes: number) => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / 1e6))} MB`);

/** Why a run cannot fit in `limitBytes`, naming the largest part and what to lower; null when it fits. */
export function memoryProblem(
  config: Config,
  limitBytes: number,
  where: string,
  advice = '',
  nameOf: (key: ConfigKey) => string = String,
): string | null {
  const parts = estimateMemory(config);
  const total = totalBytes(parts);
  if (total <= limitBytes) return null;
  const [largest] = parts;
  return `this run needs about ${gb(total)} of memory, more than ${where} can give (${gb(limitBytes)}); most of it is ${largest.what} (${gb(largest.bytes)}): lower ${largest.settings.map(nameOf).join(', ')}${advice}`;
}

/**
 * tfjs-wasm is 32-bit WebAssembly: each worker's heap stops at 4 GiB whatever the machine has,
 * and a run that outgrows it dies with "Aborted()". A little is kept back for fragmentation.
 */
export const WASM_HEAP_BYTES = 0.9 * 4 * 2 ** 30;

/**
 * Why a run spread over workers (each training `seedsPerWorker[i]` seeds side by side) cannot fit:
 * in one worker's wasm heap, or in the machine's `machineBytes` all together; null when it fits.
 */
export function workersMemoryProblem(
  config: Config,
  seedsPerWorker: readonly number[],
  machineBytes: number,
  nameOf: (key: ConfigKey) => string = String,
): string | null {
  const most = Math.max(...seedsPerWorker);
  const perWorker = memoryProblem(
    { ...config, seeds: most },
    WASM_HEAP_BYTES,
    `one worker's wasm heap (its ${most} seed${most > 1 ? 's' : ''} train side by side)`,
    ', or spread the seeds over more workers',
    nameOf,
  );
  if (perWorker) return perWorker;
  const total = seedsPerWorker.reduce((sum, seeds) => sum + totalBytes(estimateMemory({ ...config, seeds })), 0);
  return total <= machineBytes ? null : memoryProblem(config, machineBytes, 'this machine', ', or use fewer workers', nameOf);
}

/** The model whose warm steps the backend probe times (src/engine/timing): estimates scale from its size. */
export const TIMED_MODEL: Pick<Config, 'hidden' | 'm' | 'depth'> = { hidden: 256, m: 3, depth: PAPER_DEPTH };

/**
 * Multiply-adds of one example forward: the first layer's 784·hidden, each further hidden
 * layer's hidden², the output layer's hidden·(10 + m). Past a width of a few hundred the square terms dominate.
 */
export const macsPerExample = (size: Pick<Config, 'hidden' | 'm' | 'depth'>): number => forwardWork(size);

/** FLOPs of one training step of K models at batch B: 2 per multiply-add forward, twice that backward. */
export function stepFlops(models: number, batchSize: number, size: Pick<Config, 'hidden' | 'm' | 'depth'> = TIMED_MODEL): number {
  return 3 * 2 * batchSize * macsPerExample(size) * models;
}

/**
 * A run's work in multiply-adds: all its steps' worth (training, evaluations, noise passes; see
 * runPlan), each a batch of every seed through a model of its size.
 */
export const runWork = (config: Config): number => planRun(config).steps * config.seeds * config.batchSize * macsPerExample(config);

/** How many times the work of its trait's classroom run (the preset a link starts from) a run is. */
export const timesClassroom = (config: Config): number => runWork(config) / runWork(CLASSROOM_BASE[config.teacherTrait]);

/**
 * Wall time of a run from a measured step time: `msPerStep` for one TIMED_MODEL at batch
 * `timedBatchSize`, scaled by models side by side, batch size and the model's multiply-adds
 * (the products dominate a step: bench/results.json's `widths` entry measures how closely),
 * spread over `workers`.
 */
export function estimateMs(config: Config, msPerStep: number, timedBatchSize: number, workers = 1): number {
  const size = macsPerExample(config) / macsPerExample(TIMED_MODEL);
  return (planRun(config).steps * config.seeds * msPerStep * size * (config.batchSize / timedBatchSize)) / Math.max(1, workers);
}
