/**
 * tfjs in Node: the wasm backend (tfjs-node cannot install here), with its bundled .wasm files, the
 * plain-JavaScript cpu one, or WebGPU on Dawn (src/node/dawn.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { activateBackend } from '../engine/backend';
import { installDawn, type DawnAdapter } from './dawn';

export type NodeBackend = 'wasm' | 'cpu' | 'webgpu';

let wasmPathSet = false;

export async function activateNodeBackend(name: 'wasm' | 'cpu' = 'wasm'): Promise<string> {
  if (name === 'wasm' && !wasmPathSet) {
    const require = createRequire(import.meta.url);
    setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
    wasmPathSet = true;
  }
  return activateBackend(tf, name);
}

/**
 * tfjs's WebGPU backend on Dawn, checked to be the one in use (tfjs falls back silently). Throws
 * DawnUnavailable (no package, no adapter) or BackendUnavailable (tfjs could not start on it).
 */
export async function activateWebGpu(options: { software?: boolean } = {}): Promise<DawnAdapter> {
  const adapter = await installDawn(options);
  // Evaluated only now: it registers itself where navigator.gpu exists as it loads.
  await import('@tensorflow/tfjs-backend-webgpu');
  await activateBackend(tf, 'webgpu');
  return adapter;
}
