/**
 * The arithmetic of a CPU training step that is not a matrix product, on the host in plain JS:
 * the two losses with their gradients, and Adam. On tfjs-wasm each tfjs kernel launch costs tens
 * of microseconds and each elementwise kernel is a separate pass over memory; Adam alone was ≈ 80
 * launches and 13 passes over every parameter, a third of a classroom step. Here each is one pass.
 * The arithmetic is float64, rounded to float32 when stored. Adam runs as its WebAssembly twin
 * (hostWasm.ts) where it can, bit for bit the same; this loop is the reference and the fallback.
 */
import { DIGITS } from '../protocol/constants';
import { BETA1, BETA2, EPS } from './adam';

/** A batch's loss on the host: each model's labels, or its teacher's log-probabilities over the distilled columns. */
export type HostObjective =
  | { kind: 'digits'; labels: readonly Uint8Array[] }
  | {
      kind: 'distill';
      /** log softmax of each model's teacher logits over the distilled columns, [count, size] per model. */
      teacherLogProbs: readonly Float32Array[];
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

/**
 * One model's batch loss (mean over its rows) and, into `dLogits` ([rows, width], every entry
 * written), its gradient with respect to the logits: cross-entropy on the 10 digit logits, or
 * KL(teacher ‖ student) on the distilled ones, "batchmean", temperature 1. Columns outside the loss
 * get exactly zero. As losses.ts, which the tfjs-kernel step uses.
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
      const teacher = objective.teacherLogProbs[model];
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
