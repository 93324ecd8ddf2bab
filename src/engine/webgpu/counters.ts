/**
 * Counts the WebGPU calls that make a step expensive when a step is small: compute dispatches,
 * buffers created and queue submits. It wraps the WebGPU prototypes, so it sees every caller
 * (tfjs, the fused trainer, anything else) in a browser, a worker or Node on Dawn.
 */
export interface GpuCallCounts {
  dispatches: number;
  buffersCreated: number;
  submits: number;
}

interface Prototypes {
  GPUDevice: { prototype: { createBuffer: (...args: unknown[]) => unknown } };
  GPUQueue: { prototype: { submit: (...args: unknown[]) => unknown } };
  GPUComputePassEncoder: { prototype: { dispatchWorkgroups: (...args: unknown[]) => unknown } };
}

/** Starts counting; `stop()` restores the prototypes. Throws where WebGPU is absent. */
export function countGpuCalls(): { read(): GpuCallCounts; stop(): void } {
  const scope = globalThis as unknown as Partial<Prototypes>;
  if (!scope.GPUDevice || !scope.GPUQueue || !scope.GPUComputePassEncoder) throw new Error('countGpuCalls: no WebGPU in this context');
  const counts: GpuCallCounts = { dispatches: 0, buffersCreated: 0, submits: 0 };
  const targets: [{ [name: string]: (...args: unknown[]) => unknown }, string, keyof GpuCallCounts][] = [
    [scope.GPUDevice.prototype, 'createBuffer', 'buffersCreated'],
    [scope.GPUQueue.prototype, 'submit', 'submits'],
    [scope.GPUComputePassEncoder.prototype, 'dispatchWorkgroups', 'dispatches'],
  ];
  const originals = targets.map(([proto, method, counter]) => {
    const original = proto[method];
    proto[method] = function (this: unknown, ...args: unknown[]) {
      counts[counter] += 1;
      return original.apply(this, args);
    };
    return original;
  });
  return {
    read: () => ({ ...counts }),
    stop: () => targets.forEach(([proto, method], i) => (proto[method] = originals[i])),
  };
}
