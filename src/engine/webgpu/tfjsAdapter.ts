/// <reference types="@webgpu/types" />
/**
 * The fused step's one door into tfjs's WebGPU backend: the private members it uses (not in tfjs's
 * public typings), checked before any use, and the GPU buffers behind tfjs's tensors. No other code
 * casts tf.backend().
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Mlp, ParamName } from '../mlp';

/** The parts of tfjs's WebGPU backend this module uses: private members, not in its public typings. */
export interface WebGpuBackend {
  device: GPUDevice;
  commandEncoder: GPUCommandEncoder | null;
  tensorMap: { get(dataId: object): { resource: GPUBuffer | null } | undefined };
  uploadToGPU(dataId: object): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

const PRIVATE_MEMBERS: Record<keyof WebGpuBackend, 'object' | 'function'> = {
  device: 'object',
  commandEncoder: 'object',
  tensorMap: 'object',
  uploadToGPU: 'function',
  endComputePassEncoder: 'function',
  submitQueue: 'function',
};

/** The tfjs version the fused step was written and tested against. */
const TESTED_TFJS = '4.22.0';

/**
 * Why tfjs's WebGPU backend, as installed, cannot host the fused step (null when it can): it is
 * not the active backend, or a private member the step relies on is gone (a tfjs upgrade).
 */
export function backendProblem(backend: object = tf.backend(), active = tf.getBackend()): string | null {
  if (active !== 'webgpu') return `the active backend is ${active}, not webgpu`;
  const members = backend as Record<string, unknown>;
  const missing: string[] = (Object.keys(PRIVATE_MEMBERS) as (keyof WebGpuBackend)[]).filter((name) =>
    // commandEncoder is null between submits; it must exist as a member all the same.
    name === 'commandEncoder' ? !(name in members) : typeof members[name] !== PRIVATE_MEMBERS[name] || members[name] === null,
  );
  if (missing.length === 0 && !holdsGpuBuffers(backend as unknown as WebGpuBackend))
    missing.push('tensorMap entries holding a GPUBuffer as resource');
  if (missing.length === 0) return null;
  // Every tfjs package is pinned to one version: core's is the WebGPU backend's.
  return `tfjs ${tf.version_core}'s WebGPU backend lacks ${missing.join(', ')}, which the fused step uses (written for tfjs ${TESTED_TFJS})`;
}

/** Each backend's answer, probed once: the check runs whenever a phase asks whether the fused step can train it. */
const probedBackends = new WeakMap<object, boolean>();

/** Whether the backend keeps a tensor's data in a GPUBuffer at tensorMap.get(dataId).resource, where the fused step binds it: probed on one value. */
function holdsGpuBuffers(backend: WebGpuBackend): boolean {
  const known = probedBackends.get(backend);
  if (known !== undefined) return known;
  const probe = tf.scalar(0);
  try {
    backend.uploadToGPU(probe.dataId);
    const holds = backend.tensorMap.get(probe.dataId)?.resource instanceof GPUBuffer;
    probedBackends.set(backend, holds);
    return holds;
  } finally {
    probe.dispose();
  }
}

/**
 * The device of tfjs's active WebGPU backend, checked as the step's members are (null on another
 * backend, or if tfjs no longer keeps a GPUDevice there): what the worker watches for a lost GPU.
 */
export function activeGpuDevice(): GPUDevice | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const { device } = tf.backend() as unknown as Partial<WebGpuBackend>;
  return device instanceof GPUDevice ? device : null;
}

export function webGpuBackend(): WebGpuBackend {
  const problem = backendProblem();
  if (problem) throw new Error(`fused WebGPU training: ${problem}`);
  return tf.backend() as unknown as WebGpuBackend;
}

/** The GPU buffer behind a tfjs tensor (uploaded first if it still lives on the CPU side), bound at the tensor's own size. */
export function bindingOf(backend: WebGpuBackend, tensor: tf.Tensor): GPUBufferBinding {
  backend.uploadToGPU(tensor.dataId);
  const resource = backend.tensorMap.get(tensor.dataId)?.resource;
  if (!(resource instanceof GPUBuffer)) throw new Error('fused WebGPU training: a tensor is not held in a GPU buffer');
  return { buffer: resource, size: tensor.size * 4 };
}

/** Sends whatever tfjs has recorded but not submitted, so the queue keeps the program's order. */
export function flushTfjs(backend: WebGpuBackend): void {
  if (!backend.commandEncoder) return;
  backend.endComputePassEncoder();
  backend.submitQueue();
}

/** The step writes the parameters in place, so each gets a buffer of its own first: tfjs's clone() shares its source's (a student cloned from the reference would train the reference too). */
export function ownParameters(backend: WebGpuBackend, model: Mlp): Record<ParamName, GPUBufferBinding> {
  for (const name of model.names) {
    const param = model.params[name];
    tf.tidy(() => param.assign(tf.add(param, 0)));
  }
  return Object.fromEntries(model.names.map((name) => [name, bindingOf(backend, model.params[name])])) as Record<
    ParamName,
    GPUBufferBinding
  >;
}
