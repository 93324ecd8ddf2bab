/**
 * The arithmetic of a CPU training step that is not a matrix product, on the host in plain JS:
 * the losses with their gradients, Adam, and the passes between the products (bias and relu,
 * relu's mask, bias gradients, transposes). On tfjs-wasm each tfjs kernel launch costs tens
 * of microseconds and each elementwise kernel is a separate pass over memory; Adam alone was ≈ 80
 * launches and 13 passes over every parameter, a third of a classroom step. Here each is one pass.
 * The arithmetic is float64, rounded to float32 when stored (for one addition or product of
 * float32 values, exactly the float32 result). Each loop runs as its WebAssembly twin
 * (hostWasm.ts) where it can, bit for bit the same; these are the reference and the fallback.
 */
import type { StudentLoss } from '../protocol/config';
import { DIGITS } from '../protocol/constants';
import { BETA1, BETA2, EPS } from './adam';

/** A batch's loss on the host: each model's labels, or its teacher's targets over the distilled columns. */
export type HostObjective =
  | { kind: 'digits'; labels: readonly Uint8Array[] }
  | {
      kind: 'distill';
      loss: StudentLoss;
      /**
       * Each model's teacher targets over the distilled columns, [count, size] per model: for KL
       * the log softmax of its logits, for the squared difference the logits themselves.
       */
      teacher: readonly Float32Array[];
      start: number;
      size: number;
    };

/**
 * log softmax over columns start … start + size − 1 of each row of `logits` ([rows, width]), as
 * [rows, size]: how a teacher's targets are prepared once per phase.
 */
export function logSoftmaxRows(logits: Float32Array, width: number, start: number, size: number): Float32Array {
  const rows = logits.length / width;
  const out = new Float32Array(rows * size);
  for (let r = 0; r < rows; r++) {
    const base = r * width + start;
    let top = -Infinity;
    for (let c = 0; c < size; c++) top = Math.max(top, logits[base + c]);
    let sum = 0;
    for (let c = 0; c < size; c++) sum += Math.exp(logits[base + c] - top);
    const logSum = Math.log(sum) + top;
    for (let c = 0; c < size; c++) out[r * size + c] = logits[base + c] - logSum;
  }
  return out;
}

/** Columns start … start + size − 1 of each row of `logits` ([rows, width]), as [rows, size]: the squared difference's targets. */
export function columnsOf(logits: Float32Array, width: number, start: number, size: number): Float32Array {
  const rows = logits.length / width;
  const out = new Float32Array(rows * size);
  for (let r = 0; r < rows; r++) out.set(logits.subarray(r * width + start, r * width + start + size), r * size);
  return out;
}

/**
 * One model's batch loss and, into `dLogits` ([rows, width], every entry written), its gradient
 * with respect to the logits: cross-entropy on the 10 digit logits, or on the distilled ones
 * KL(teacher ‖ student), "batchmean", temperature 1, or the squared difference of the raw logits,
 * a mean over the rows and the distilled columns. Columns outside the loss get exactly zero. As
 * losses.ts, which the tfjs-kernel step uses.
 */
export function lossAndGradient(
  objective: HostObjective,
  model: number,
  logits: Float32Array,
  width: number,
  indices: ArrayLike<number>,
  dLogits: Float32Array,
): number {
  const rows = indices.length;
  dLogits.fill(0);
  let total = 0;
  const [start, size] = objective.kind === 'digits' ? [0, DIGITS] : [objective.start, objective.size];
  if (objective.kind === 'distill' && objective.loss === 'mse') {
    const teacher = objective.teacher[model];
    const scale = 2 / (rows * size);
    for (let r = 0; r < rows; r++) {
      const [base, from] = [r * width + start, indices[r] * size];
      for (let c = 0; c < size; c++) {
        const diff = logits[base + c] - teacher[from + c];
        total += diff * diff;
        dLogits[base + c] = scale * diff;
      }
    }
    return total / (rows * size);
  }
  for (let r = 0; r < rows; r++) {
    const base = r * width + start;
    let top = -Infinity;
    for (let c = 0; c < size; c++) top = Math.max(top, logits[base + c]);
    let sum = 0;
    for (let c = 0; c < size; c++) sum += Math.exp(logits[base + c] - top);
    const logSum = Math.log(sum) + top;
    if (objective.kind === 'digits') {
      const label = objective.labels[model][indices[r]];
      total -= logits[base + label] - logSum;
      for (let c = 0; c < size; c++) dLogits[base + c] = Math.exp(logits[base + c] - logSum) / rows;
      dLogits[base + label] -= 1 / rows;
    } else {
      const teacher = objective.teacher[model];
      const from = indices[r] * size;
      for (let c = 0; c < size; c++) {
        const logT = teacher[from + c];
        const logS = logits[base + c] - logSum;
        const pT = Math.exp(logT);
        total += pT * (logT - logS);
        dLogits[base + c] = (Math.exp(logS) - pT) / rows;
      }
    }
  }
  return total / rows;
}

/**
 * Adam exactly as PyTorch's default (and adam.ts): betas 0.9/0.999, eps 1e-8, bias-corrected, in
 * place over one parameter's values with their moments. An entry whose gradient has always been
 * exactly zero never moves.
 */
export function adamUpdate(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, lr: number, t: number): void {
  const stepSize = lr / (1 - BETA1 ** t);
  const sqrtBias2 = Math.sqrt(1 - BETA2 ** t);
  // Locals, not the imported constants: V8 does not fold those into the loop.
  const [beta1, beta2, eps] = [BETA1, BETA2, EPS];
  const [rest1, rest2] = [1 - BETA1, 1 - BETA2];
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    const mi = beta1 * m[i] + rest1 * g;
    const vi = beta2 * v[i] + rest2 * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] -= (stepSize * mi) / (Math.sqrt(vi) / sqrtBias2 + eps);
  }
}

/** dst ([cols, rows]) = src ([rows, cols]) transposed. */
export function transpose(src: Float32Array, rows: number, cols: number, dst: Float32Array): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) dst[c * rows + r] = src[r * cols + c];
}

/**
 * out = relu(z + bias) over [rows, cols] (in place when out is z), the bias per row or per column;
 * relu(x) is x where x > 0, else +0, as tfjs's relu on every non-NaN value.
 */
export function biasRelu(z: Float32Array, bias: Float32Array, rows: number, cols: number, perRow: boolean, out: Float32Array): void {
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const x = Math.fround(z[r * cols + c] + bias[perRow ? r : c]);
      out[r * cols + c] = x > 0 ? x : 0;
    }
}

/** out = q · (h > 0 ? 1 : 0) over n values (in place when out is q): the gradient through relu, masked by relu's output. */
export function mask(q: Float32Array, h: Float32Array, n: number, out: Float32Array): void {
  for (let i = 0; i < n; i++) out[i] = q[i] * (h[i] > 0 ? 1 : 0);
}

/** out[c] = +0 + d[0, c] + d[1, c] + … over [rows, cols], in float32: a bias gradient, summed in the order of tfjs-wasm's ones·d. */
export function colSums(d: Float32Array, rows: number, cols: number, out: Float32Array): void {
  out.fill(0, 0, cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c] = Math.fround(out[c] + d[r * cols + c]);
}
