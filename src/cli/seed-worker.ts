/** A worker thread that runs some of a run's seeds, so seeds use every CPU core. */
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
  | { type: 'event'; seedIndex: number; event: ExperimentEvent }
  | { type: 'result'; result: ExperimentResult }
  | { type: 'error'; message: string };

const input = workerData as SeedWorkerInput;
const post = (message: SeedWorkerMessage) => parentPort!.postMessage(message);

try {
  await activateNodeBackend(input.backend);
  const data = await loadMnist();
  for (const seedIndex of input.seedIndices) {
    const config = { ...input.config, seed: input.config.seed + seedIndex, seeds: 1 };
    const result = await runExperiment(config, data, {
      onEvent: (event) => {
        if (event.type === 'step' || event.type === 'eval' || event.type === 'phase') post({ type: 'event', seedIndex, event });
      },
    });
    post({ type: 'result', result });
  }
} catch (error) {
  post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
