/**
 * Backends in the browser: which exist, which are real hardware, and which is fastest here.
 * "auto" never picks a software (SwiftShader) GPU adapter, and times a few warm training steps
 * on each remaining candidate to choose. The wasm backend comes with the worker (every machine
 * times it); the others' code is fetched only when a backend is probed for real, so a machine
 * that trains on wasm never downloads the GPU kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { activateBackend } from '../engine/backend';
import { timeTrainingSteps } from '../engine/timing';
import { adapterName, isSoftwareAdapter, SOFTWARE_RENDERER, type AdapterLike } from '../protocol/adapters';
import type { BackendChoice } from '../protocol/config';
import type { BackendInfo, BackendProbe, ConcreteBackend } from '../protocol/messages';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});
// Threaded wasm needs cross-origin isolation and crashes in a minified build without it; two
// cores gain nothing from it anyway.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

/** Each backend's code, loaded the first time the backend is tried. */
const BACKEND_CODE: Record<ConcreteBackend, () => Promise<unknown>> = {
  webgpu: () => import('@tensorflow/tfjs-backend-webgpu'),
  webgl: () => import('@tensorflow/tfjs-backend-webgl'),
  wasm: async () => {},
  cpu: () => import('@tensorflow/tfjs-backend-cpu'),
};

/** The batch the backends are timed at (the quick preset's). */
const BATCH_FOR_TIMING = 256;

async function probeWebGpu(): Promise<BackendProbe> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<AdapterLike | null> } }).gpu;
  if (!gpu) return { name: 'webgpu', available: false, software: false, detail: 'this browser has no WebGPU' };
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return { name: 'webgpu', available: false, software: false, detail: 'no WebGPU adapter' };
  const description = adapterName(adapter);
  const software = isSoftwareAdapter(adapter);
  const softwareName = SOFTWARE_RENDERER.exec(description)?.[0] ?? 'fallback adapter';
  return { name: 'webgpu', available: true, software, detail: software ? `software adapter (${softwareName})` : description };
}

function probeWebGl(): BackendProbe {
  try {
    const canvas = new OffscreenCanvas(1, 1);
    const gl = canvas.getContext('webgl2');
    if (!gl) return { name: 'webgl', available: false, software: false, detail: 'no WebGL2 context' };
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(debug ? gl.getParameter(debug.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    const software = SOFTWARE_RENDERER.test(renderer);
    return {
      name: 'webgl',
      available: true,
      software,
      detail: software ? `software renderer (${SOFTWARE_RENDERER.exec(renderer)![0]})` : renderer,
    };
  } catch (error) {
    return { name: 'webgl', available: false, software: false, detail: String(error) };
  }
}

export async function probeBackends(): Promise<BackendProbe[]> {
  return [
    await probeWebGpu(),
    probeWebGl(),
    { name: 'wasm', available: typeof WebAssembly === 'object', software: false, detail: 'WebAssembly SIMD on the CPU' },
    { name: 'cpu', available: true, software: false, detail: 'plain JavaScript (slowest)' },
  ];
}

export async function selectBackend(requested: BackendChoice, onStatus: (text: string) => void): Promise<BackendInfo> {
  onStatus('looking for backends…');
  const probes = await probeBackends();
  const usable = (p: BackendProbe) => p.available && !(requested === 'auto' && p.software);
  const timeOn = async (probe: BackendProbe) => {
    if (probe.name === 'webgpu' || probe.name === 'webgl') onStatus(`compiling GPU kernels on ${probe.name} (first use can take seconds)…`);
    else onStatus(`timing ${probe.name}…`);
    await BACKEND_CODE[probe.name]();
    await activateBackend(tf, probe.name);
    probe.msPerStep = (await timeTrainingSteps({ batchSize: BATCH_FOR_TIMING, warmup: 1, steps: 3 })).medianMs;
    return probe.msPerStep;
  };

  if (requested !== 'auto') {
    const probe = probes.find((p) => p.name === requested)!;
    if (probe.available) {
      try {
        const ms = await timeOn(probe);
        const note = probe.software ? ` — ${probe.detail}: correct but slow` : '';
        return {
          requested,
          name: probe.name,
          reason: `chosen by you${note}`,
          msPerStep: ms,
          timedBatchSize: BATCH_FOR_TIMING,
          probes,
          tfjsVersion: tf.version_core,
        };
      } catch (error) {
        probe.available = false;
        probe.detail = error instanceof Error ? error.message : String(error);
      }
    }
    onStatus(`${requested} is not available (${probe.detail}); choosing automatically`);
    const fallback = await selectBackend('auto', onStatus);
    return { ...fallback, requested, reason: `${requested} unavailable (${probe.detail}); ${fallback.reason}` };
  }

  // wasm is the reference CPU path; plain-JS cpu only if wasm itself fails.
  const candidates = probes.filter((p) => usable(p) && p.name !== 'cpu');
  const timed: BackendProbe[] = [];
  for (const probe of candidates) {
    try {
      await timeOn(probe);
      timed.push(probe);
    } catch (error) {
      probe.available = false;
      probe.detail = error instanceof Error ? error.message : String(error);
    }
  }
  if (timed.length === 0) {
    const cpu = probes.find((p) => p.name === 'cpu')!;
    await timeOn(cpu);
    timed.push(cpu);
  }
  const best = timed.reduce((a, b) => (b.msPerStep! < a.msPerStep! ? b : a));
  await activateBackend(tf, best.name);
  const skipped = probes.filter((p) => p.available && p.software).map((p) => `${p.name}: ${p.detail}, skipped`);
  const comparison = timed.map((p) => `${p.name} ${p.msPerStep!.toFixed(0)} ms/step`).join(', ');
  const reason = `fastest of ${comparison}${skipped.length ? `; ${skipped.join('; ')}` : ''}`;
  return {
    requested,
    name: best.name,
    reason,
    msPerStep: best.msPerStep!,
    timedBatchSize: BATCH_FOR_TIMING,
    probes,
    tfjsVersion: tf.version_core,
  };
}
