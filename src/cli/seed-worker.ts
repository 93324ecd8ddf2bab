/** A worker thread that trains some of a run's seeds (side by side), so a run uses every CPU core. */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../engine/config';
import { runExperiment, type ExperimentEvent, type ExperimentResult } from '../engine/experiment';
import { activateNodeBackend } from '../node/backend';
import { loadMnist } from '../node/mnist';

export interface SeedWorkerInput {
  entry: string;
  config: Config;
  /** Seed indices (0-based offsets from config.seed) this worker runs. */
  seedIndices: number[];
  backend: 'wasm' | 'cpu';
}

export type SeedWorkerMessage =
  | { type: 'event'; event: ExperimentEvent }
  | { type: 'result'; result: ExperimentResult }
  | { type: 'error'; message: string };

const input = workerData as SeedWorkerInput;
const post = (message: SeedWorkerMessage) => parentPort!.postMessage(message);

try {
  await activateNodeBackend(input.backend);
  const data = await loadMnist();
  const result = await runExperiment(input.config, data, {
    seedIndices: input.seedIndices,
    onEvent: (event) => {
      if (event.type === 'step') post({ type: 'event', event });
    },
  });
  post({ type: 'result', result });
} catch (error) {
  post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
