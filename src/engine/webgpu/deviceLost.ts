/// <reference types="@webgpu/types" />
/**
 * Whether a WebGPU device has gone away (driver reset, another tab, a sleeping laptop, an unplugged
 * GPU). A run's read-backs fail a moment before the device reports the loss, so an error is asked
 * about directly: mapping a small buffer fails on a lost device and succeeds on a live one, an
 * answer that comes without a timeout to race.
 */
export async function deviceIsLost(device: GPUDevice, lost: Promise<unknown> = device.lost): Promise<boolean> {
  const probe = (async () => {
    const buffer = device.createBuffer({ size: 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      await buffer.mapAsync(GPUMapMode.READ);
      return false;
    } catch {
      return true;
    } finally {
      buffer.destroy();
    }
  })();
  return Promise.race([lost.then(() => true), probe]);
}

/** A lost device in words: "the GPU was lost (destroyed: …)". */
export const lostText = (info: GPUDeviceLostInfo) => `the GPU was lost (${info.reason}${info.message ? `: ${info.message}` : ''})`;
