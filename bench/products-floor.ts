/**
 * The floor under the figure's wall time on a CPU: the matrix products of one training step of the
 * paper's model (K = 1, batch 1024; the forward pass, the weight gradients and the input gradients
 * of layers 2 and 3, as bench/figure.ts counts them) alone, through tfjs-wasm (XNNPACK) on one
 * core, with fresh operands every step as in training (weights made from host arrays, activations
 * by a kernel). Prints {"msPerStep", "flopPerStep"} (the mean over a minute; FLOOR_SECONDS sets
 * another span); bench/figure.ts runs one per core at once.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activateNodeBackend } from '../src/node/backend';
import { DIGITS, IMAGE_PIXELS } from '../src/protocol/constants';
import { PRESETS } from '../src/protocol/presets';

await activateNodeBackend('wasm');
const { batchSize: b, hidden: h, m } = PRESETS.paper.config;
const out = DIGITS + m;
// [rows, shared, columns] of each product, and whether its right operand is a weight (uploaded) or an activation (computed).
const products: [number, number, number, 'weight' | 'activation'][] = [
  [b, IMAGE_PIXELS, h, 'weight'],
  [b, h, h, 'weight'],
  [b, h, out, 'weight'],
  [h, b, out, 'activation'],
  [h, b, h, 'activation'],
  [IMAGE_PIXELS, b, h, 'activation'],
  [b, out, h, 'weight'],
  [b, h, h, 'weight'],
];
const operands = products.map(([rows, shared, columns]) => ({
  left: tf.randomNormal([rows, shared]) as tf.Tensor2D,
  right: tf.randomNormal([shared, columns]) as tf.Tensor2D,
}));
const hostRight = operands.map(({ right }) => right.dataSync() as Float32Array);
const flopPerStep = products.reduce((sum, [rows, shared, columns]) => sum + 2 * rows * shared * columns, 0);
// Timed for a minute, both cores at work, after 5 warm-up rounds: the rate a sustained run gets
// (a few seconds' burst reads ~5% faster than a minute's, measured), and its mean, as a run's wall
// time is (a neighbour's burst on a shared machine counts in both).
const seconds = Number(process.env.FLOOR_SECONDS ?? 60);
let rounds = 0;
let timedMs = 0;
for (let round = 0; timedMs < seconds * 1000; round++) {
  const rights = products.map(([, shared, columns, kind], i) =>
    kind === 'weight' ? tf.tensor2d(hostRight[i], [shared, columns]) : (tf.add(operands[i].right, 0) as tf.Tensor2D),
  );
  const started = performance.now();
  const results = operands.map(({ left }, i) => tf.matMul(left, rights[i]));
  results.at(-1)!.dataSync();
  if (round >= 5) {
    timedMs += performance.now() - started;
    rounds += 1;
  }
  tf.dispose([...rights, ...results]);
}
console.log(JSON.stringify({ msPerStep: timedMs / rounds, flopPerStep }));
