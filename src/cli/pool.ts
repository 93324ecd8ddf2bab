/**
 * Worker threads for the CLI (one per core by default), each trains jobs one after the other:
 * a run's shares (one each), or a sweep's jobs (as many as there are). Each worker sets up tfjs
 * and MNIST once. A job that fails stops the pool: every worker is terminated and the error is the
 * pool's. On WebGPU the jobs run in this process instead, on the one device (on-device.ts).
 */
import { Worker } from 'node:worker_threads';
import type { NodeBackend } from '../node/backend';
import type { ExperimentResult } from '../protocol/results';
import type { Job, SeedWorkerInput, SeedWorkerMessage, ToWorker } from './seed-worker';

export interface PoolProgress {
  /** Which job, and the work it has done so far, in training steps' worth (protocol/runPlan.ts). */
  job: number;
  doneSteps: number;
  what: string;
}

/** Trains `jobs` on `workers` threads (on WebGPU: here, one job at a time); resolves to their results, in job order. */
export async function runJobs(
  jobs: readonly Job[],
  workers: number,
  backend: NodeBackend,
  onProgress: (progress: PoolProgress) => void,
  onResult: (job: number, result: ExperimentResult) => void = () => {},
): Promise<ExperimentResult[]> {
  if (backend === 'webgpu') return (await import('./on-device')).runJobsOnDevice(jobs, onProgress, onResult);
  return runOnThreads(jobs, workers, backend, onProgress, onResult);
}

function runOnThreads(
  jobs: readonly Job[],
  workers: number,
  backend: SeedWorkerInput['backend'],
  onProgress: (progress: PoolProgress) => void,
  onResult: (job: number, result: ExperimentResult) => void,
): Promise<ExperimentResult[]> {
  const entry = new URL('./seed-worker.ts', import.meta.url).href;
  const results: (ExperimentResult | undefined)[] = jobs.map(() => undefined);
  let next = 0;
  let finished = 0;
  return new Promise((resolve, reject) => {
    const threads: Worker[] = [];
    /** Threads closed because no job was left: their exit is not a failure. */
    const retired = new Set<Worker>();
    const retire = (thread: Worker) => {
      retired.add(thread);
      void thread.terminate();
    };
    const fail = (error: Error) => {
      threads.forEach(retire);
      reject(error);
    };
    const give = (thread: Worker) => {
      if (next >= jobs.length) return retire(thread);
      const id = next++;
      thread.postMessage({ type: 'job', id, job: jobs[id] } satisfies ToWorker);
    };
    for (let w = 0; w < Math.min(workers, jobs.length); w++) {
      const workerData: SeedWorkerInput = { entry, backend };
      const thread = new Worker(new URL('./worker-bootstrap.mjs', import.meta.url), { workerData });
      threads.push(thread);
      thread.on('message', (message: SeedWorkerMessage) => {
        if (message.type === 'ready') give(thread);
        else if (message.type === 'event')
          onProgress({
            job: message.id,
            doneSteps: message.event.doneSteps,
            what: `${message.event.condition} epoch ${message.event.epoch}`,
          });
        else if (message.type === 'error') fail(new Error(message.message));
        else {
          results[message.id] = message.result;
          onResult(message.id, message.result);
          if (++finished === jobs.length) resolve(results as ExperimentResult[]);
          give(thread);
        }
      });
      thread.on('error', fail);
      thread.on('exit', (code) => {
        if (!retired.has(thread)) fail(new Error(`a worker thread exited with code ${code} before its job was done`));
      });
    }
    if (jobs.length === 0) resolve([]);
  });
}
