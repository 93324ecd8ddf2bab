/**
 * The in-browser peer for `npm run bench`: the same training step (MLP 784-256-256-13,
 * batch 1024, Adam with bias correction) written with @jax-js/jax, jit-compiled, on its wasm
 * or WebGPU device. Runs in Node and in Chromium. The loss is cross-entropy over the 13 logits: the step's
 * cost is in the matmuls, which are the same as the project's.
 */
import { defaultDevice, init, jit, nn, numpy as np, tree, valueAndGrad } from '@jax-js/jax';

const HIDDEN = 256;
const OUT = 13;

type Params = { w1: np.Array; b1: np.Array; w2: np.Array; b2: np.Array; w3: np.Array; b3: np.Array };

function randomArray(size: number, scale: number, shape: number[]): np.Array {
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (Math.random() * 2 - 1) * scale;
  return np.array(values).reshape(shape);
}

export async function timeJaxStep({ batchSize = 1024, warmup = 2, steps = 5, device = 'wasm' as 'wasm' | 'webgpu' } = {}): Promise<{
  medianMs: number;
  samplesMs: number[];
}> {
  const devices = await init(device);
  if (!devices.includes(device)) throw new Error(`jax-js has no ${device} device here`);
  defaultDevice(device);
  const B = batchSize;
  let params: Params = {
    w1: randomArray(784 * HIDDEN, 1 / 28, [784, HIDDEN]),
    b1: np.zeros([HIDDEN]),
    w2: randomArray(HIDDEN * HIDDEN, 1 / 16, [HIDDEN, HIDDEN]),
    b2: np.zeros([HIDDEN]),
    w3: randomArray(HIDDEN * OUT, 1 / 16, [HIDDEN, OUT]),
    b3: np.zeros([OUT]),
  };
  let m = tree.map((t: np.Array) => np.zerosLike(t.ref), params) as Params;
  let v = tree.map((t: np.Array) => np.zerosLike(t.ref), params) as Params;

  const loss = (p: Params, x: np.Array, y: np.Array) => {
    const h1 = nn.relu(np.matmul(x, p.w1).add(p.b1));
    const h2 = nn.relu(np.matmul(h1, p.w2).add(p.b2));
    return nn
      .logSoftmax(np.matmul(h2, p.w3).add(p.b3))
      .mul(y)
      .sum()
      .mul(-1 / B);
  };
  const step = jit((p: Params, m: Params, v: Params, x: np.Array, y: np.Array, stepSize: np.Array, sqrtBias2: np.Array) => {
    const [value, g] = valueAndGrad(loss)(
      tree.map((t: np.Array) => t.ref, p),
      x,
      y,
    ) as [np.Array, Params];
    const m2 = tree.map((mi: np.Array, gi: np.Array) => mi.mul(0.9).add(gi.ref.mul(0.1)), m, g) as Params;
    const v2 = tree.map((vi: np.Array, gi: np.Array) => vi.mul(0.999).add(gi.ref.mul(gi).mul(0.001)), v, g) as Params;
    const p2 = tree.map(
      (pi: np.Array, mi: np.Array, vi: np.Array) => pi.sub(mi.mul(stepSize.ref).div(np.sqrt(vi).div(sqrtBias2.ref).add(1e-8))),
      p,
      tree.map((t: np.Array) => t.ref, m2),
      tree.map((t: np.Array) => t.ref, v2),
    ) as Params;
    stepSize.dispose();
    sqrtBias2.dispose();
    return [value, p2, m2, v2];
  });

  const x = randomArray(B * 784, 1, [B, 784]);
  const labels = new Float32Array(B * OUT);
  for (let i = 0; i < B; i++) labels[i * OUT + (i % 10)] = 1;
  const y = np.array(labels).reshape([B, OUT]);
  const times: number[] = [];
  for (let t = 1; t <= warmup + steps; t++) {
    const started = performance.now();
    const [value, p2, m2, v2] = step(params, m, v, x.ref, y.ref, np.array(3e-4 / (1 - 0.9 ** t)), np.array(Math.sqrt(1 - 0.999 ** t))) as [
      np.Array,
      Params,
      Params,
      Params,
    ];
    await value.data(); // wait for the step, as the project's timing reads its loss
    if (t > warmup) times.push(performance.now() - started);
    params = p2;
    m = m2;
    v = v2;
  }
  tree.map((t: np.Array) => t.dispose(), { params, m, v, x, y });
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)], samplesMs: times };
}
