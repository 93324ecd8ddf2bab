/** A worker thread that trains one share of a run (some seeds side by side, or some students), so a run uses every CPU core. */
import { parentPort, workerData } from 'node:worker_threads';
import type { StudentCondition } from '../protocol/conditions';
import type { Config } from '../protocol/config';
import type { ExperimentEvent, ExperimentResult } from '../protocol/results';
import { runExperiment } from '../engine/experiment';
import { activateNodeBackend } from '../node/backend';
import { loadMnist } from '../node/mnist';

export interface SeedWorkerInput {
  entry: string;
  config: Config;
  seeds: number[];
  students: StudentCondition[];
  backend: 'wasm' | 'cpu';
}

export type SeedWorkerMessage =
  { type: 'event'; event: ExperimentEvent } | { type: 'result'; result: ExperimentResult } | { type: 'error'; message: string };

const input = workerData as SeedWorkerInput;
const post = (message: SeedWorkerMessage) => parentPort!.postMessage(message);

try {
  await activateNodeBackend(input.backend);
  const data = await loadMnist();
  const result = await runExperiment(input.config, data, {
    seeds: input.seeds,
    students: input.students,
    onEvent: (event) => {
      if (event.type === 'step') post({ type: 'event', event });
    },
  });
  post({ type: 'result', result });
} catch (error) {
  post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
