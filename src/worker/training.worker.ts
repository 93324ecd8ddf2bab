/// <reference lib="webworker" />
/// <reference types="@webgpu/types" />
/**
 * The training worker: loads MNIST, chooses a backend and runs experiments, so the page's
 * main thread only renders. One long-lived message listener; progress is thinned before it
 * crosses to the page.
 */
import * as tf from '@tensorflow/tfjs-core';
import manifest from 'virtual:mnist-manifest';
import { MnistLoader } from '../data/loadMnist';
import type { MnistData } from '../engine/data';
import { ExperimentCancelled, runExperiment, TrainingDiverged } from '../engine/experiment';
import { deviceIsLost, lostText } from '../engine/webgpu/deviceLost';
import { activeGpuDevice } from '../engine/webgpu/tfjsAdapter';
import { IMAGE_PIXELS } from '../protocol/constants';
import type { WorkerCommand, WorkerEvent } from '../protocol/messages';
import { SAMPLE_COUNT, type ExperimentEvent } from '../protocol/results';
import { selectBackend } from './backends';

declare const self: DedicatedWorkerGlobalScope;

const post = (event: WorkerEvent, transfer: Transferable[] = []) => self.postMessage(event, transfer);

/** Progress goes to the page at most this often; losses, evaluations and phase changes always do. */
const STEP_EVENT_INTERVAL_MS = 100;

let loader: MnistLoader | null = null;
/** The first load: what the page's settings needed when the worker started (Run waits for it). */
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

/**
 * Awaited before each training step: holds the run while paused; "step" lets one through, to be
 * reported in full. "Paused" is said here, when the run has stopped, not when it was asked to: a
 * page that shows it can trust that nothing more will move.
 */
async function gate(): Promise<boolean> {
  if (paused && stepsAllowed === 0) {
    flushHeldStep();
    post({ type: 'run-state', runId: currentRunId, state: 'paused' });
  }
  while (paused && stepsAllowed === 0 && !abort?.signal.aborted) {
    await new Promise<void>((resolve) => (wake = resolve));
  }
  if (stepsAllowed === 0) return false;
  stepsAllowed -= 1;
  return true;
}

function chooseBackend(requested: Parameters<typeof selectBackend>[0], why = '') {
  backendReady = selectBackend(requested, (text) => post({ type: 'backend-status', text })).then(
    (info) => {
      post({ type: 'backend', info: why ? { ...info, reason: `${why}; ${info.reason}` } : info });
      watchGpu();
    },
    (error: unknown) => post({ type: 'backend-error', message: error instanceof Error ? error.message : String(error) }),
  );
}

/** The run in progress, and a run a lost GPU interrupted (restarted on the next backend). */
let activeRun: Extract<WorkerCommand, { type: 'run' }> | null = null;
let interruptedRun: Extract<WorkerCommand, { type: 'run' }> | null = null;
let gpuLost = false;
/** Resolves when the GPU device in use is lost. */
let deviceLost: Promise<unknown> | null = null;
let liveDevice: GPUDevice | null = null;
const watched = new WeakSet<object>();

/**
 * A WebGPU device can be lost at any time (driver reset, another tab, a sleeping laptop). Then:
 * say so, stop the run (its tensors are freed on the way out), drop WebGPU, choose the next
 * backend, and start the run again there.
 */
function watchGpu() {
  const device = activeGpuDevice();
  if (!device || watched.has(device)) return;
  watched.add(device);
  deviceLost = device.lost;
  liveDevice = device;
  void device.lost.then(async (info) => {
    gpuLost = true;
    const why = lostText(info);
    post({ type: 'backend-lost', message: `${why}${activeRun ? ': the run restarts on another backend' : ''}.` });
    abort?.abort();
    release();
    await running;
    tf.removeBackend('webgpu');
    deviceLost = null;
    liveDevice = null;
    gpuLost = false;
    chooseBackend('auto', why);
    const restart = interruptedRun;
    interruptedRun = null;
    if (restart) void run(restart);
  });
}

/**
 * Whether an error of a run was the GPU going away. Errors the engine names itself (a cancel, a
 * divergence) are not: those are answered at once.
 */
async function lostTheGpu(error: unknown): Promise<boolean> {
  if (gpuLost) return true;
  if (!deviceLost || !liveDevice || error instanceof ExperimentCancelled || error instanceof TrainingDiverged) return false;
  return deviceIsLost(liveDevice, deviceLost);
}

/** Settles when the current run has ended and freed its tensors. */
let running: Promise<void> = Promise.resolve();

/** Runs one at a time: a new run stops the one before and starts once that one has freed its tensors. */
function run(command: Extract<WorkerCommand, { type: 'run' }>): Promise<void> {
  abort?.abort();
  release();
  running = running.then(() => runNow(command));
  return running;
}

async function runNow(command: Extract<WorkerCommand, { type: 'run' }>) {
  const { runId, config, seeds, students } = command;
  abort?.abort();
  const controller = new AbortController();
  abort = controller;
  paused = false;
  stepsAllowed = 0;
  let lastStepPost = 0;
  try {
    await data;
    // A run larger than what was loaded fetches the rest first (with the same progress display).
    const mnist = await loader!.ensure(config.trainCount, config.testCount);
    post({ type: 'data-loaded', loaded: loader!.loaded });
    await backendReady;
    post({ type: 'run-state', runId, state: 'running' });
    activeRun = command;
    await runExperiment(config, mnist, {
      signal: controller.signal,
      seeds,
      students,
      weights: true,
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
    // A run stopped by a lost GPU is restarted on the next backend, not reported as failed.
    if (await lostTheGpu(error)) interruptedRun = command;
    if (error instanceof ExperimentCancelled || interruptedRun === command) post({ type: 'run-state', runId, state: 'cancelled' });
    else post({ type: 'run-state', runId, state: 'failed', message: error instanceof Error ? error.message : String(error) });
  } finally {
    if (abort === controller) abort = null;
    if (activeRun === command) activeRun = null;
    const { numTensors, numBytes } = tf.memory();
    post({ type: 'memory', numTensors, numBytes });
  }
}

self.addEventListener('message', (message: MessageEvent<WorkerCommand>) => {
  const command = message.data;
  switch (command.type) {
    case 'init': {
      const started = performance.now();
      let fromCache = true;
      loader = new MnistLoader({
        baseUrl: command.baseUrl,
        manifest,
        onProgress: (p) => {
          fromCache = p.fromCache;
          post({ type: 'data-progress', ...p });
        },
      });
      data = loader.ensure(command.need.train, command.need.test);
      data.then(
        (mnist) => {
          const sampleImages = mnist.test.images.slice(0, SAMPLE_COUNT * IMAGE_PIXELS);
          const sampleLabels = Array.from(mnist.test.labels.subarray(0, SAMPLE_COUNT));
          post({ type: 'data-ready', ms: performance.now() - started, fromCache, sampleImages, sampleLabels, loaded: loader!.loaded }, [
            sampleImages.buffer,
          ]);
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
      // Said by the gate once the run has stopped at a step.
      paused = true;
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
