/** The page's handle on the training worker: typed commands out, typed events in. */
import type { WorkerCommand, WorkerEvent } from '../protocol/messages';

export interface TrainingClient {
  send(command: WorkerCommand): void;
  /** Returns an unsubscribe function. */
  subscribe(listener: (event: WorkerEvent) => void): () => void;
}

export function startTrainingWorker(): TrainingClient {
  const worker = new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module', name: 'training' });
  const listeners = new Set<(event: WorkerEvent) => void>();
  // One listener for the worker's whole life; subscribers come and go behind it.
  worker.addEventListener('message', (message: MessageEvent<WorkerEvent>) => {
    for (const listener of listeners) listener(message.data);
  });
  worker.addEventListener('error', (error) => {
    for (const listener of listeners) listener({ type: 'run-state', runId: -1, state: 'failed', message: `worker error: ${error.message}` });
  });
  return {
    send: (command) => worker.postMessage(command),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
