/**
 * Browser half of `npm run bench`: times warm training steps in this page and leaves the
 * result in window.__bench. Query: backend, models, batch, steps for the project's engine;
 * peer=jax for the @jax-js/jax peer's step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activateBackend } from '../../src/engine/backend';
import { layoutFor } from '../../src/engine/layout';
import { perStep, timeTrainingSteps, type StepTiming } from '../../src/engine/timing';
import { countGpuCalls } from '../../src/engine/webgpu/counters';
import '../../src/worker/backends'; // the wasm files' paths, as the page's workers set them
import { timeJaxStep } from '../peer_jax';

/** GPU calls per steady-state training step (WebGPU only). */
export interface GpuCalls {
  dispatches: number;
  buffersCreated: number;
  submits: number;
}

export type BrowserBench = { backend: string; timings: StepTiming[]; calls?: GpuCalls } | { jax: { medianMs: number } } | { error: string };

declare global {
  interface Window {
    __bench?: BrowserBench;
  }
}

const params = new URLSearchParams(location.search);

async function measure(): Promise<BrowserBench> {
  if (params.get('peer') === 'jax') return { jax: await timeJaxStep() };
  const wanted = params.get('backend') ?? 'wasm';
  // The page's workers load a GPU backend's code only when they try it; so does this page.
  if (wanted === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
  const backend = await activateBackend(tf, wanted);
  const batchSize = Number(params.get('batch') ?? 1024);
  const steps = Number(params.get('steps') ?? 5);
  const timings: StepTiming[] = [];
  const models = (params.get('models') ?? '1').split(',').map(Number);
  for (const k of models) timings.push(await timeTrainingSteps({ models: k, batchSize, steps }));
  if (backend !== 'webgpu') return { backend, timings };
  const counter = countGpuCalls();
  const read = () => {
    const c = counter.read();
    return [c.dispatches, c.buffersCreated, c.submits];
  };
  const [dispatches, buffersCreated, submits] = await perStep(read, models[0], layoutFor(backend), batchSize).finally(() => counter.stop());
  return { backend, timings, calls: { dispatches, buffersCreated, submits } };
}

try {
  window.__bench = await measure();
} catch (error) {
  window.__bench = { error: error instanceof Error ? error.message : String(error) };
}
document.getElementById('out')!.textContent = JSON.stringify(window.__bench, null, 2);
