/**
 * A worker thread that trains jobs (a run's share of seeds and students, or one job of a sweep),
 * one after the other, so a run or a sweep uses every CPU core. It sets up tfjs-wasm and MNIST
 * once and then serves jobs until the pool closes it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { StudentCondition } from '../protocol/conditions';
import type { Config } from '../protocol/config';
import type { ExperimentEvent, ExperimentResult } from '../protocol/results';
import { runExperiment } from '../engine/experiment';
import { activateNodeBackend } from '../node/backend';
import { loadMnist } from '../node/mnist';

export interface SeedWorkerInput {
  entry: string;
  backend: 'wasm' | 'cpu';
}

export interface Job {
  config: Config;
  seeds: number[];
  students: StudentCondition[];
}

export type ToWorker = { type: 'job'; id: number; job: Job };

export type SeedWorkerMessage =
  | { type: 'ready' }
  | { type: 'event'; id: number; event: Extract<ExperimentEvent, { type: 'step' }> }
  | { type: 'result'; id: number; result: ExperimentResult }
  | { type: 'error'; id: number | null; message: string };

const input = workerData as SeedWorkerInput;
const post = (message: SeedWorkerMessage) => parentPort!.postMessage(message);
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

try {
  await activateNodeBackend(input.backend);
  const data = await loadMnist();
  parentPort!.on('message', async ({ id, job }: ToWorker) => {
    try {
      const result = await runExperiment(job.config, data, {
        seeds: job.seeds,
        students: job.students,
        onEvent: (event) => {
          if (event.type === 'step') post({ type: 'event', id, event });
        },
      });
      post({ type: 'result', id, result });
    } catch (error) {
      post({ type: 'error', id, message: message(error) });
    }
  });
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'error', id: null, message: message(error) });
}
