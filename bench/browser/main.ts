/**
 * Browser half of `npm run bench`: times warm training steps in this page and leaves the
 * result in window.__bench. Query: backend, models, batch, steps for the project's engine;
 * peer=jax for the @jax-js/jax peer's step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activateBackend } from '../../src/engine/backend';
import { timeTrainingSteps, type StepTiming } from '../../src/engine/timing';
import '../../src/worker/backends'; // registers every backend and the wasm files
import { timeJaxStep } from '../peer_jax';

export type BrowserBench = { backend: string; timings: StepTiming[] } | { jax: { medianMs: number } } | { error: string };

declare global {
  interface Window {
    __bench?: BrowserBench;
  }
}

const params = new URLSearchParams(location.search);

async function measure(): Promise<BrowserBench> {
  if (params.get('peer') === 'jax') return { jax: await timeJaxStep() };
  const backend = await activateBackend(tf, params.get('backend') ?? 'wasm');
  const batchSize = Number(params.get('batch') ?? 1024);
  const steps = Number(params.get('steps') ?? 5);
  const timings: StepTiming[] = [];
  for (const models of (params.get('models') ?? '1').split(',').map(Number)) timings.push(await timeTrainingSteps({ models, batchSize, steps }));
  return { backend, timings };
}

try {
  window.__bench = await measure();
} catch (error) {
  window.__bench = { error: error instanceof Error ? error.message : String(error) };
}
document.getElementById('out')!.textContent = JSON.stringify(window.__bench, null, 2);
