/// <reference types="@webgpu/types" />
/**
 * WebGPU plumbing for the fused step and the noise pass, nothing of tfjs: error scopes, pipelines
 * made once per device, MNIST kept resident, buffers a phase owns, and kernels recorded into a pass.
 */

/**
 * Runs `work` inside a validation error scope: a WebGPU validation error (a bad binding, a shader
 * that does not compile) fails loudly here instead of printing a warning and training on nonsense.
 */
export async function validated<T>(device: GPUDevice, what: string, work: () => Promise<T>): Promise<T> {
  device.pushErrorScope('validation');
  const outcome = await work().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  // The scope is popped whatever happened; its error, if any, is the root cause of anything that followed.
  const invalid = await device.popErrorScope();
  if (invalid) throw new Error(`fused WebGPU training, ${what}: ${invalid.message}`);
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}

const pipelineCache = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

/** A compute pipeline, labelled (so the browser's GPU tools and error messages name it), made once per device and source. */
export function pipeline(device: GPUDevice, label: string, code: string): Promise<GPUComputePipeline> {
  let cache = pipelineCache.get(device);
  if (!cache) pipelineCache.set(device, (cache = new Map()));
  let made = cache.get(code);
  if (!made) {
    const module = device.createShaderModule({ label, code });
    made = device.createComputePipelineAsync({ label, layout: 'auto', compute: { module, entryPoint: 'main' } });
    cache.set(code, made);
  }
  return made;
}

/** MNIST's bytes stay on the device for every phase that reads them. */
const residentCache = new WeakMap<GPUDevice, WeakMap<object, GPUBuffer>>();

export function resident(device: GPUDevice, key: object, make: () => ArrayBufferView<ArrayBuffer>): GPUBuffer {
  let cache = residentCache.get(device);
  if (!cache) residentCache.set(device, (cache = new WeakMap()));
  let buffer = cache.get(key);
  if (!buffer) {
    const data = make();
    buffer = device.createBuffer({
      label: 'subliminal: MNIST images',
      size: Math.max(4, Math.ceil(data.byteLength / 4) * 4),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    cache.set(key, buffer);
  }
  return buffer;
}

/** Buffers a phase makes and destroys together, each labelled for the browser's GPU tools. */
export function ownedBuffers(device: GPUDevice) {
  const owned: GPUBuffer[] = [];
  const make = (label: string, floats: number, usage: number = GPUBufferUsage.STORAGE) => {
    const buffer = device.createBuffer({ label: `subliminal: ${label}`, size: Math.max(16, floats * 4), usage });
    owned.push(buffer);
    return buffer;
  };
  return {
    make,
    upload(label: string, data: Float32Array | Uint32Array) {
      const buffer = make(label, data.length, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
      device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
      return buffer;
    },
    destroy: () => owned.forEach((buffer) => buffer.destroy()),
  };
}

export interface Dispatch {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  /** Workgroups for a step of `rows` rows. */
  groups(rows: number): [number, number, number];
}

/** One kernel of a step: its label, its WGSL, what it binds (from binding 1 on; binding 0 is the step uniform) and how many workgroups a step of `rows` rows needs. */
export interface Kernel {
  label: string;
  code: string;
  bindings: (GPUBuffer | GPUBufferBinding)[];
  groups(rows: number): [number, number, number];
}

/** Pipelines and bind groups for `kernels`, made once for a phase. */
export async function dispatchesOf(device: GPUDevice, uniform: GPUBuffer, kernels: Kernel[]): Promise<Dispatch[]> {
  return Promise.all(
    kernels.map(async ({ label, code, bindings, groups }) => {
      const made = await pipeline(device, `subliminal: ${label}`, code);
      const entries = [
        { binding: 0, resource: { buffer: uniform } },
        ...bindings.map((resource, i) => ({ binding: i + 1, resource: resource instanceof GPUBuffer ? { buffer: resource } : resource })),
      ];
      return {
        pipeline: made,
        bindGroup: device.createBindGroup({ label: `subliminal: ${label}`, layout: made.getBindGroupLayout(0), entries }),
        groups,
      };
    }),
  );
}

/** Records `dispatches` for a step of `rows` rows into one compute pass. */
export function encodePass(encoder: GPUCommandEncoder, dispatches: readonly Dispatch[], rows: number): void {
  const pass = encoder.beginComputePass();
  for (const { pipeline: p, bindGroup, groups } of dispatches) {
    pass.setPipeline(p);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(...groups(rows));
  }
  pass.end();
}
