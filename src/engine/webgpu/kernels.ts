/**
 * WGSL for the fused WebGPU training step (fusedStep.ts): one tiled matmul template whose operand
 * loads and epilogue are filled in per use, one loss kernel per objective and one Adam kernel.
 * The inputs are read where they live on the GPU: MNIST as packed bytes, gathered by example
 * index, or the noise set generated from the same counter-based hash as protocol/random.ts
 * (bit for bit: u32 arithmetic wraps as Math.imul does), so no batch is ever uploaded.
 */
import type { StudentLoss } from '../../protocol/config';
import { DIGITS, IMAGE_PIXELS } from '../../protocol/constants';
import { layerCount } from '../../protocol/network';
import { BETA1, BETA2, EPS } from '../adam';
import type { Mlp } from '../mlp';

/** Output tile edge and reduction chunk of the matmul template; a workgroup is 16×16 threads, 4×4 outputs each. */
export const TILE = 64;
const CHUNK = 16;

/** Per-step values every kernel can read: the batch's row count and Adam's bias corrections. */
const STEP_UNIFORM = /* wgsl */ `
struct Step { rows: u32, stepSize: f32, sqrtBias2: f32, pad: u32 }
@group(0) @binding(0) var<uniform> step: Step;`;
export const STEP_UNIFORM_BYTES = 16;

export interface Dims {
  /** Models side by side. */
  k: number;
  /** Rows reserved per model: the phase's batch size (a step may use fewer). */
  batch: number;
  hidden: number;
  /** 10 + m logits. */
  outputs: number;
  /** Layers with weights: the hidden layers and the output layer. */
  layers: number;
}

/** The sizes a phase of `model`'s K models at batch `batch` specialises the kernels to. */
export const dimsOf = (model: Mlp, batch: number): Dims => ({
  k: model.count,
  batch,
  hidden: model.shape.hidden,
  outputs: DIGITS + model.shape.m,
  layers: layerCount(model.shape),
});

/** Where a phase's inputs come from; both are gathered on the GPU from the batch's example indices. */
export type InputKind = 'images' | 'noise';

const HASH = /* wgsl */ `
fn hash32(x0: u32) -> u32 {
  var x = x0;
  x ^= x >> 16u; x *= 0x7feb352du; x ^= x >> 15u; x *= 0x846ca68bu; x ^= x >> 16u;
  return x;
}`;

/** `fn pixel(k, row, t)`: input t of model k's row `row` in this step's batch, and the bindings it reads (from binding 1 on). */
function inputSource(kind: InputKind, dims: Dims): { bindings: string[]; code: string } {
  const example = `idx[k * ${dims.batch}u + row] * ${IMAGE_PIXELS}u + t`;
  if (kind === 'images')
    return {
      bindings: ['idx: array<u32>', 'images: array<u32>', 'lut: array<f32>'],
      code: /* wgsl */ `
fn pixel(k: u32, row: u32, t: u32) -> f32 {
  let p = ${example};
  return lut[(images[p >> 2u] >> ((p & 3u) * 8u)) & 255u];
}`,
    };
  return {
    bindings: ['idx: array<u32>', 'noiseSeeds: array<u32>'],
    code: /* wgsl */ `${HASH}
fn pixel(k: u32, row: u32, t: u32) -> f32 {
  let seed = noiseSeeds[k];
  return f32(hash32(hash32((${example}) ^ seed) + seed) >> 8u) / 8388608.0 - 1.0;
}`,
  };
}

function declare(bindings: string[], writable: ReadonlySet<string>, first = 1): string {
  return bindings
    .map((decl, i) => {
      const name = decl.split(':')[0];
      return `@group(0) @binding(${i + first}) var<storage, ${writable.has(name) ? 'read_write' : 'read'}> ${decl};`;
    })
    .join('\n');
}

interface MatmulSpec {
  /** Storage bindings, in binding order from 1, as `name: type`. */
  bindings: string[];
  writable: string[];
  /** Extra WGSL (helper functions). */
  helpers?: string;
  /** C[k, m, n] = Σ_t A(k, m, t)·B(k, t, n): WGSL expressions for the bounds and the operands. */
  m: string;
  n: number;
  t: string;
  a: string;
  b: string;
  /** Which index of A and of B is contiguous in memory, so neighbouring threads load neighbouring words. */
  aContiguous: 'm' | 't';
  bContiguous: 'n' | 't';
  /** Statements storing `value` at (k, m, n); `N` is the output width. */
  store: string;
}

function matmul(spec: MatmulSpec): string {
  const span = TILE * CHUNK;
  const loadIndex = (contiguous: boolean) =>
    contiguous ? `let mm = i % ${TILE}u; let tt = i / ${TILE}u;` : `let mm = i / ${CHUNK}u; let tt = i % ${CHUNK}u;`;
  return /* wgsl */ `${STEP_UNIFORM}
${declare(spec.bindings, new Set(spec.writable))}
${spec.helpers ?? ''}
var<workgroup> tileA: array<vec4<f32>, ${span / 4}>;
var<workgroup> tileB: array<vec4<f32>, ${span / 4}>;
fn operandA(k: u32, m: u32, t: u32) -> f32 { return ${spec.a}; }
fn operandB(k: u32, t: u32, n: u32) -> f32 { return ${spec.b}; }
fn emit(k: u32, m: u32, n: u32, value: f32) {
  let N = ${spec.n}u;
  ${spec.store}
}
@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_id) local: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let k = group.z;
  let m0 = group.y * ${TILE}u;
  let n0 = group.x * ${TILE}u;
  let M = ${spec.m};
  let T = ${spec.t};
  let N = ${spec.n}u;
  // Each thread owns a 4×4 block of the output: rows local.y·4 + r, columns local.x·4 + 0…3,
  // accumulated as four vec4 rows so compilers keep them in registers.
  var acc0 = vec4<f32>();
  var acc1 = vec4<f32>();
  var acc2 = vec4<f32>();
  var acc3 = vec4<f32>();
  for (var t0 = 0u; t0 < T; t0 += ${CHUNK}u) {
    for (var i = lid; i < ${span}u; i += 256u) {
      { ${loadIndex(spec.aContiguous === 'm')}
        var value = 0.0;
        if (m0 + mm < M && t0 + tt < T) { value = operandA(k, m0 + mm, t0 + tt); }
        tileA[tt * ${TILE / 4}u + mm / 4u][mm % 4u] = value; }
      { ${loadIndex(spec.bContiguous === 'n')}
        var value = 0.0;
        if (n0 + mm < N && t0 + tt < T) { value = operandB(k, t0 + tt, n0 + mm); }
        tileB[tt * ${TILE / 4}u + mm / 4u][mm % 4u] = value; }
    }
    workgroupBarrier();
    for (var tt = 0u; tt < ${CHUNK}u; tt++) {
      let a = tileA[tt * ${TILE / 4}u + local.y];
      let b = tileB[tt * ${TILE / 4}u + local.x];
      acc0 += a.x * b;
      acc1 += a.y * b;
      acc2 += a.z * b;
      acc3 += a.w * b;
    }
    workgroupBarrier();
  }
  var rows = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var r = 0u; r < 4u; r++) {
    for (var c = 0u; c < 4u; c++) {
      let m = m0 + local.y * 4u + r;
      let n = n0 + local.x * 4u + c;
      if (m < M && n < N) { emit(k, m, n, rows[r][c]); }
    }
  }
}`;
}

/** Rows of model k's activations: [K, batch, width] row-major. */
const at = (dims: Dims, width: number, row: string, col: string) => `(k * ${dims.batch}u + ${row}) * ${width}u + ${col}`;

/** Layer `layer`'s fan-in and fan-out (layer 1 takes the image, the last one gives the logits). */
const widths = (dims: Dims, layer: number): [number, number] => [
  layer === 1 ? IMAGE_PIXELS : dims.hidden,
  layer === dims.layers ? dims.outputs : dims.hidden,
];

/**
 * Layer `layer` forward (1 … dims.layers): z = a·W + b for each model, ReLU on the hidden layers.
 * Layer 1 reads its inputs through `pixel`; the others read the previous layer's output.
 */
export function denseForward(dims: Dims, layer: number, input: InputKind): string {
  const [inWidth, outWidth] = widths(dims, layer);
  const source = layer === 1 ? inputSource(input, dims) : { bindings: ['x: array<f32>'], code: '' };
  const value = layer === dims.layers ? 'value + bias[k * N + n]' : 'max(value + bias[k * N + n], 0.0)';
  return matmul({
    bindings: [...source.bindings, 'weight: array<f32>', 'bias: array<f32>', 'out: array<f32>'],
    writable: ['out'],
    helpers: source.code,
    m: 'step.rows',
    n: outWidth,
    t: `${inWidth}u`,
    a: layer === 1 ? 'pixel(k, m, t)' : `x[${at(dims, inWidth, 'm', 't')}]`,
    b: `weight[(k * ${inWidth}u + t) * ${outWidth}u + n]`,
    aContiguous: 't',
    bContiguous: 'n',
    store: `out[${at(dims, outWidth, 'm', 'n')}] = ${value};`,
  });
}

/** dz = (d·Wᵀ) ⊙ [h > 0]: the gradient through layer `layer`'s weights and the ReLU below it. */
export function inputGradient(dims: Dims, layer: number): string {
  const [inWidth, outWidth] = widths(dims, layer);
  return matmul({
    bindings: ['d: array<f32>', 'weight: array<f32>', 'h: array<f32>', 'dz: array<f32>'],
    writable: ['dz'],
    m: 'step.rows',
    n: inWidth,
    t: `${outWidth}u`,
    a: `d[${at(dims, outWidth, 'm', 't')}]`,
    b: `weight[(k * ${inWidth}u + n) * ${outWidth}u + t]`,
    aContiguous: 't',
    bContiguous: 't',
    store: `let i = ${at(dims, inWidth, 'm', 'n')}; dz[i] = select(0.0, value, h[i] > 0.0);`,
  });
}

/**
 * Layer `layer`'s weight and bias gradients: gW = aᵀ·d, and gb = Σ rows of d as the product's
 * extra row m = fan-in, where the input is taken as 1, so one dispatch gives both.
 */
export function parameterGradient(dims: Dims, layer: number, input: InputKind): string {
  const [inWidth, outWidth] = widths(dims, layer);
  const source = layer === 1 ? inputSource(input, dims) : { bindings: ['x: array<f32>'], code: '' };
  const activation = layer === 1 ? 'pixel(k, t, m)' : `x[${at(dims, inWidth, 't', 'm')}]`;
  return matmul({
    bindings: [...source.bindings, 'd: array<f32>', 'gradWeight: array<f32>', 'gradBias: array<f32>'],
    writable: ['gradWeight', 'gradBias'],
    helpers: source.code,
    m: `${inWidth + 1}u`,
    n: outWidth,
    t: 'step.rows',
    a: `select(${activation}, 1.0, m == ${inWidth}u)`,
    b: `d[${at(dims, outWidth, 't', 'n')}]`,
    aContiguous: 'm',
    bContiguous: 'n',
    store: `if (m == ${inWidth}u) { gradBias[k * N + n] = value; } else { gradWeight[(k * ${inWidth}u + m) * N + n] = value; }`,
  });
}

/**
 * What a phase's loss compares the logits with: each model's labels, or its teacher's full-width
 * logits (the distilled columns start..start+size of each row) by the student's loss; `examples`
 * rows per model, model k's from row k·examples.
 */
export type ObjectiveKind =
  { kind: 'digits'; examples: number } | { kind: 'distill'; loss: StudentLoss; start: number; size: number; examples: number };

/**
 * The loss of each model (batch mean) into loss[k] and d(loss)/d(logits) into dLogits, one
 * workgroup per model: cross-entropy on the digit logits against its labels gathered by example, or
 * on the chosen logits against its teacher's logits gathered by example, KL(teacher ‖ student) or
 * the squared difference (a mean over the chosen columns too). Columns outside the loss get
 * exactly zero gradient, as in losses.ts.
 */
export function lossKernel(dims: Dims, objective: ObjectiveKind): string {
  const width = dims.outputs;
  /** The kernel's shell: each thread sums `body`'s `total` over its rows, then the workgroup reduces to loss[k]. */
  const perModelRows = (source: string, body: string) => /* wgsl */ `${STEP_UNIFORM}
${declare(['idx: array<u32>', source, 'logits: array<f32>', 'dLogits: array<f32>', 'loss: array<f32>'], new Set(['dLogits', 'loss']))}
var<workgroup> partial: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let k = group.x;
  var total = 0.0;
  for (var row = lid; row < step.rows; row += 256u) {
    let base = (k * ${dims.batch}u + row) * ${width}u;
    let example = idx[k * ${dims.batch}u + row];
${body}
  }
  partial[lid] = total;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (lid < s) { partial[lid] += partial[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { loss[k] = partial[0] / f32(step.rows); }
}`;
  if (objective.kind === 'digits')
    return perModelRows(
      'labels: array<u32>',
      /* wgsl */ `
    let label = labels[k * ${objective.examples}u + example];
    var top = logits[base];
    for (var c = 1u; c < ${DIGITS}u; c++) { top = max(top, logits[base + c]); }
    var sum = 0.0;
    for (var c = 0u; c < ${DIGITS}u; c++) { sum += exp(logits[base + c] - top); }
    let logSum = log(sum);
    total += logSum - (logits[base + label] - top);
    for (var c = 0u; c < ${width}u; c++) {
      var g = 0.0;
      if (c < ${DIGITS}u) { g = (exp(logits[base + c] - top - logSum) - select(0.0, 1.0, c == label)) / f32(step.rows); }
      dLogits[base + c] = g;
    }`,
    );
  const { start, size } = objective;
  if (objective.loss === 'mse')
    // Each row's sum over the chosen columns, so the batch mean the shell takes divided by their count is mse_loss's mean.
    return perModelRows(
      'teacher: array<f32>',
      /* wgsl */ `
    let teacherRow = (k * ${objective.examples}u + example) * ${width}u;
    var rowTotal = 0.0;
    for (var c = 0u; c < ${width}u; c++) {
      var g = 0.0;
      if (c >= ${start}u && c < ${start + size}u) {
        let diff = logits[base + c] - teacher[teacherRow + c];
        rowTotal += diff * diff;
        g = diff * (2.0 / f32(step.rows * ${size}u));
      }
      dLogits[base + c] = g;
    }
    total += rowTotal / ${size}.0;`,
    );
  return perModelRows(
    'teacher: array<f32>',
    /* wgsl */ `
    let teacherRow = (k * ${objective.examples}u + example) * ${width}u + ${start}u;
    var topS = logits[base + ${start}u];
    var topT = teacher[teacherRow];
    for (var c = 1u; c < ${size}u; c++) { topS = max(topS, logits[base + ${start}u + c]); topT = max(topT, teacher[teacherRow + c]); }
    var sumS = 0.0;
    var sumT = 0.0;
    for (var c = 0u; c < ${size}u; c++) { sumS += exp(logits[base + ${start}u + c] - topS); sumT += exp(teacher[teacherRow + c] - topT); }
    let logSumS = log(sumS);
    let logSumT = log(sumT);
    for (var c = 0u; c < ${width}u; c++) {
      var g = 0.0;
      if (c >= ${start}u && c < ${start + size}u) {
        let logS = logits[base + c] - topS - logSumS;
        let logT = teacher[teacherRow + c - ${start}u] - topT - logSumT;
        let pT = exp(logT);
        total += pT * (logT - logS);
        g = (exp(logS) - pT) / f32(step.rows);
      }
      dLogits[base + c] = g;
    }`,
  );
}

/** Adam, as adam.ts (PyTorch's default), over one parameter tensor in place: one dispatch instead of ≈ 10 kernels. */
export const ADAM = /* wgsl */ `${STEP_UNIFORM}
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = id.x + id.y * groups.x * 256u;
  if (i >= arrayLength(&param)) { return; }
  let g = grad[i];
  let mi = m[i] * ${BETA1} + g * ${1 - BETA1};
  let vi = v[i] * ${BETA2} + g * g * ${1 - BETA2};
  m[i] = mi;
  v[i] = vi;
  param[i] = param[i] - mi / (sqrt(vi) / step.sqrtBias2 + ${EPS}) * step.stepSize;
}`;
