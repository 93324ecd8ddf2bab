/// <reference lib="webworker" />
/**
 * The training worker: loads MNIST, chooses a backend and runs experiments, so the page's
 * main thread only renders. One long-lived message listener; progress is thinned before it
 * crosses to the page.
 */
import { loadMnistAssets } from '../data/loadMnist';
import type { MnistData } from '../engine/data';
import { ExperimentCancelled, runExperiment } from '../engine/experiment';
import { IMAGE_PIXELS } from '../protocol/constants';
import type { WorkerCommand, WorkerEvent } from '../protocol/messages';
import { SAMPLE_COUNT, type ExperimentEvent } from '../protocol/results';
import { selectBackend } from './backends';

declare const self: DedicatedWorkerGlobalScope;

const post = (event: WorkerEvent, transfer: Transferable[] = []) => self.postMessage(event, transfer);

/** Progress goes to the page at most this often; losses, evaluations and phase changes always do. */
const STEP_EVENT_INTERVAL_MS = 100;

let data: Promise<MnistData> | null = null;
let backendReady: Promise<unknown> = Promise.resolve();
let abort: AbortController | null = null;
let paused = false;
let stepsAllowed = 0;
let wake: (() => void) | null = null;
let currentRunId = 0;
/** The latest step event held back by thinning; sent before the run waits, so a paused page is exact. */
let heldStep: WorkerEvent | null = null;

function flushHeldStep() {
  if (heldStep) post(heldStep);
  heldStep = null;
}

function release() {
  wake?.();
  wake = null;
}

/** Awaited before each training step: holds the run while paused; "step" lets one through. */
async function gate(): Promise<void> {
  if (paused && stepsAllowed === 0) flushHeldStep();
  while (paused && stepsAllowed === 0 && !abort?.signal.aborted) {
    await new Promise<void>((resolve) => (wake = resolve));
  }
  if (stepsAllowed > 0) stepsAllowed -= 1;
}

function chooseBackend(requested: Parameters<typeof selectBackend>[0]) {
  backendReady = selectBackend(requested, (text) => post({ type: 'backend-status', text })).then(
    (info) => post({ type: 'backend', info }),
    (error: unknown) => post({ type: 'backend-error', message: error instanceof Error ? error.message : String(error) }),
  );
}

async function run({ runId, config, seeds, students }: Extract<WorkerCommand, { type: 'run' }>) {
  abort?.abort();
  const controller = new AbortController();
  abort = controller;
  paused = false;
  stepsAllowed = 0;
  let lastStepPost = 0;
  try {
    const mnist = await data!;
    await backendReady;
    post({ type: 'run-state', runId, state: 'running' });
    await runExperiment(config, mnist, {
      signal: controller.signal,
      seeds,
      students,
      beforeStep: gate,
      onEvent: (event: ExperimentEvent) => {
        if (event.type === 'step' && event.loss === null && event.doneSteps !== event.totalSteps) {
          const now = performance.now();
          if (now - lastStepPost < STEP_EVENT_INTERVAL_MS) {
            heldStep = { type: 'experiment', runId, event };
            return;
          }
          lastStepPost = now;
        }
        heldStep = null;
        post({ type: 'experiment', runId, event });
      },
    });
    post({ type: 'run-state', runId, state: 'finished' });
  } catch (error) {
    if (error instanceof ExperimentCancelled) post({ type: 'run-state', runId, state: 'cancelled' });
    else post({ type: 'run-state', runId, state: 'failed', message: error instanceof Error ? error.message : String(error) });
  } finally {
    if (abort === controller) abort = null;
  }
}

self.addEventListener('message', (message: MessageEvent<WorkerCommand>) => {
  const command = message.data;
  switch (command.type) {
    case 'init': {
      const started = performance.now();
      let fromCache = true;
      data = loadMnistAssets({
        baseUrl: command.baseUrl,
        onProgress: (p) => {
          fromCache = p.fromCache;
          post({ type: 'data-progress', ...p });
        },
      });
      data.then(
        (mnist) => {
          const sampleImages = mnist.test.images.slice(0, SAMPLE_COUNT * IMAGE_PIXELS);
          const sampleLabels = Array.from(mnist.test.labels.subarray(0, SAMPLE_COUNT));
          post({ type: 'data-ready', ms: performance.now() - started, fromCache, sampleImages, sampleLabels }, [sampleImages.buffer]);
        },
        (error: unknown) => post({ type: 'data-error', message: error instanceof Error ? error.message : String(error) }),
      );
      chooseBackend(command.backend);
      break;
    }
    case 'select-backend':
      abort?.abort();
      release();
      chooseBackend(command.backend);
      break;
    case 'run':
      release();
      currentRunId = command.runId;
      void run(command);
      break;
    case 'pause':
      paused = true;
      if (abort) post({ type: 'run-state', runId: currentRunId, state: 'paused' });
      break;
    case 'resume':
      paused = false;
      release();
      if (abort) post({ type: 'run-state', runId: currentRunId, state: 'running' });
      break;
    case 'step':
      stepsAllowed += 1;
      release();
      break;
    case 'cancel':
      abort?.abort();
      release();
      break;
  }
});
