/**
 * Counts the WebGPU calls that make a step expensive when a step is small: compute dispatches,
 * buffers created and queue submits; and the bytes mapped for reading back to the host. It wraps
 * the WebGPU prototypes, so it sees every caller (tfjs, the fused trainer, anything else) in a
 * browser, a worker or Node on Dawn.
 */
export interface GpuCallCounts {
  dispatches: number;
  buffersCreated: number;
  submits: number;
  /** The size of every buffer mapped for reading (how tfjs and the fused step read results back). */
  bytesRead: number;
}

interface Prototypes {
  GPUDevice: { prototype: { createBuffer: (...args: unknown[]) => unknown } };
  GPUQueue: { prototype: { submit: (...args: unknown[]) => unknown } };
  GPUComputePassEncoder: { prototype: { dispatchWorkgroups: (...args: unknown[]) => unknown } };
  GPUBuffer: { prototype: { mapAsync: (...args: unknown[]) => unknown } };
}

/** GPUMapMode.READ's value (fixed by the WebGPU spec): counting needs no global but the prototypes. */
const MAP_READ = 1;

/** Starts counting; `stop()` restores the prototypes. Throws where WebGPU is absent. */
export function countGpuCalls(): { read(): GpuCallCounts; stop(): void } {
  const scope = globalThis as unknown as Partial<Prototypes>;
  if (!scope.GPUDevice || !scope.GPUQueue || !scope.GPUComputePassEncoder || !scope.GPUBuffer)
    throw new Error('countGpuCalls: no WebGPU in this context');
  const counts: GpuCallCounts = { dispatches: 0, buffersCreated: 0, submits: 0, bytesRead: 0 };
  const once = () => 1;
  const targets: [
    { [name: string]: (...args: unknown[]) => unknown },
    string,
    keyof GpuCallCounts,
    (self: unknown, args: unknown[]) => number,
  ][] = [
    [scope.GPUDevice.prototype, 'createBuffer', 'buffersCreated', once],
    [scope.GPUQueue.prototype, 'submit', 'submits', once],
    [scope.GPUComputePassEncoder.prototype, 'dispatchWorkgroups', 'dispatches', once],
    [scope.GPUBuffer.prototype, 'mapAsync', 'bytesRead', (self, [mode]) => (Number(mode) & MAP_READ ? (self as { size: number }).size : 0)],
  ];
  const originals = targets.map(([proto, method, counter, amount]) => {
    const original = proto[method];
    proto[method] = function (this: unknown, ...args: unknown[]) {
      counts[counter] += amount(this, args);
      return original.apply(this, args);
    };
    return original;
  });
  return {
    read: () => ({ ...counts }),
    stop: () => targets.forEach(([proto, method], i) => (proto[method] = originals[i])),
  };
}
