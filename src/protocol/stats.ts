/**
 * Summary statistics over seeds: mean and the 95% interval of the mean with Student's t,
 * t(0.975, n − 1)·sd/√n. (The paper's authors used the normal approximation 1.96·sd/√n, which is
 * too narrow for few seeds: 3 seeds need 4.30, not 1.96.)
 */

export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); null for a single value. */
  sd: number | null;
  /** Half-width of the 95% interval, t(0.975, n − 1)·sd/√n; null for a single value, where no interval exists. */
  ci95: number | null;
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) throw new Error('summarize: no values');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, mean, sd: null, ci95: null };
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  const sd = Math.sqrt(variance);
  return { n, mean, sd, ci95: (t975(n - 1) * sd) / Math.sqrt(n) };
}

/** t(0.975, df), kept per df: the store summarises every evaluated step of a run with the same few. */
const t975Cache = new Map<number, number>();
function t975(df: number): number {
  let t = t975Cache.get(df);
  if (t === undefined) t975Cache.set(df, (t = tQuantile(0.975, df)));
  return t;
}

/** The p-quantile of Student's t with df degrees of freedom: the t CDF inverted by bisection, to the last bit. */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) throw new Error(`tQuantile: needs 0 < p < 1 and df > 0 (got p = ${p}, df = ${df})`);
  if (p < 0.5) return -tQuantile(1 - p, df);
  const tail = 1 - p;
  let [lo, hi] = [0, 1];
  while (tUpperTail(hi, df) > tail) [lo, hi] = [hi, 2 * hi];
  for (;;) {
    const mid = (lo + hi) / 2;
    if (mid <= lo || mid >= hi) return mid;
    if (tUpperTail(mid, df) > tail) lo = mid;
    else hi = mid;
  }
}

/** P(T > t) for t ≥ 0: ½·I_x(df/2, ½) with x = df/(df + t²). */
function tUpperTail(t: number, df: number): number {
  return incompleteBeta(df / (df + t * t), df / 2, 0.5) / 2;
}

/** The regularized incomplete beta function I_x(a, b), from its continued fraction on the side where that converges fast. */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(x, a, b)) / a : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** The continued fraction of I_x(a, b), evaluated by the modified Lentz method. */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const clamp = (v: number) => (Math.abs(v) < tiny ? tiny : v);
  let c = 1;
  let d = 1 / clamp(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 / clamp(1 + even * d);
    c = clamp(1 + even / c);
    h *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 / clamp(1 + odd * d);
    c = clamp(1 + odd / c);
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-16) return h;
  }
  throw new Error(`incompleteBeta: no convergence at x = ${x}, a = ${a}, b = ${b}`);
}

/** ln Γ(x) for x > 0, by Lanczos' approximation (g = 7, nine terms: about 15 significant digits). */
function logGamma(x: number): number {
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = coefficients[0];
  for (let i = 1; i < coefficients.length; i++) sum += coefficients[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
