/// <reference types="@webgpu/types" />
import * as tf from '@tensorflow/tfjs-core';
import { biasName, weightName } from '../../protocol/network';
import type { Mlp, ParamName } from '../mlp';
import type { NoiseTargets } from '../phase';
import { STEP_UNIFORM_BYTES, TILE, denseForward, dimsOf } from './kernels';
import { dispatchesOf, encodePass, ownedBuffers, validated } from './plumbing';
import { bindingOf, flushTfjs, webGpuBackend } from './tfjsAdapter';

/**
 * Teacher k's logits on its own noise set, generated and run through the model on the GPU: the
 * noise never exists on the host (60,000 × 784 values per seed would take longer to hash in JS
 * than the GPU takes for the whole pass), and the logits stay on the GPU, in a tfjs tensor the
 * students' fused steps read in place. One dispatch per layer and one submit per batch.
 */
export async function fusedNoiseLogits(
  teacher: Mlp,
  noiseSeeds: readonly number[],
  count: number,
  batchSize: number,
): Promise<NoiseTargets> {
  const backend = webGpuBackend();
  const { device } = backend;
  const dims = dimsOf(teacher, batchSize);
  const { k, batch, hidden, outputs, layers } = dims;
  const buffers = ownedBuffers(device);
  const { make, upload } = buffers;
  const targets = tf.zeros([k * count, outputs]) as tf.Tensor2D;
  try {
    await validated(device, 'the noise pass', async () => {
      const params = Object.fromEntries(teacher.names.map((name) => [name, bindingOf(backend, teacher.params[name])])) as Record<
        ParamName,
        GPUBufferBinding
      >;
      const out = bindingOf(backend, targets).buffer;
      // tfjs records uploads in its own encoder: send them before ours write over them.
      flushTfjs(backend);
      const uniform = make('step uniform', STEP_UNIFORM_BYTES / 4, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
      const indices = make('example indices', k * batch, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
      const seeds = upload('noise seeds', Uint32Array.from(noiseSeeds));
      const activations = Array.from({ length: layers - 1 }, (_, i) => make(`h${i + 1}`, k * batch * hidden));
      const logits = make('logits', k * batch * outputs, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
      const wide =
        (width: number) =>
        (rows: number): [number, number, number] => [Math.ceil(width / TILE), Math.ceil(rows / TILE), k];
      const dispatches = await dispatchesOf(
        device,
        uniform,
        Array.from({ length: layers }, (_, i) => {
          const last = i + 1 === layers;
          return {
            label: `noise pass, layer ${i + 1}`,
            code: denseForward(dims, i + 1, 'noise'),
            bindings: [
              ...(i === 0 ? [indices, seeds] : [activations[i - 1]]),
              params[weightName(i + 1)],
              params[biasName(i + 1)],
              last ? logits : activations[i],
            ],
            groups: wide(last ? outputs : hidden),
          };
        }),
      );
      const indexValues = new Uint32Array(k * batch);
      for (let start = 0; start < count; start += batch) {
        const rows = Math.min(batch, count - start);
        for (let model = 0; model < k; model++) for (let r = 0; r < rows; r++) indexValues[model * batch + r] = start + r;
        // Writes are ordered with submits, so one index and uniform buffer serve every batch.
        device.queue.writeBuffer(uniform, 0, Uint32Array.of(rows, 0, 0, 0));
        device.queue.writeBuffer(indices, 0, indexValues);
        const encoder = device.createCommandEncoder({ label: 'subliminal: noise pass' });
        encodePass(encoder, dispatches, rows);
        // Each model's rows go straight to their place in the targets: model k's example e at row k·count + e.
        for (let model = 0; model < k; model++)
          encoder.copyBufferToBuffer(logits, model * batch * outputs * 4, out, (model * count + start) * outputs * 4, rows * outputs * 4);
        device.queue.submit([encoder.finish()]);
      }
      // The pass's buffers are destroyed below: let its work finish first.
      await device.queue.onSubmittedWorkDone();
    });
    return { count, width: outputs, logits: targets };
  } catch (error) {
    targets.dispose();
    throw error;
  } finally {
    buffers.destroy();
  }
}
