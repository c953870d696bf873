import { QinferArgumentError } from '../errors/QinferError.js';

/** Options of {@link posteriorMarginal}. */
export interface PosteriorMarginalOptions {
  /** Parameter index (default 0). */
  idx?: number;
  /** Number of grid points (default 100). */
  res?: number;
  /** Standard deviation of the Gaussian smoothing kernel, in the units of the parameter (default 0: none; see `kdeBandwidth`). */
  smoothing?: number;
  /** Grid start (default: smallest particle). */
  rangeMin?: number;
  /** Grid end (default: largest particle). */
  rangeMax?: number;
}

/**
 * The marginal posterior density of one parameter (QInfer's `posterior_marginal`): particles
 * sorted on the parameter give the weight CDF (with an extra point `r_max + |r_max − r_min|` of
 * CDF 1), linearly interpolated at `res` evenly spaced points of `[r_min, r_max]` (0 outside),
 * differentiated by central differences (one-sided at the ends, numpy's `gradient`), and
 * optionally smoothed by a Gaussian of standard deviation `smoothing` (parameter units), i.e.
 * `res · smoothing / |r_max − r_min|` grid points.
 * Where QInfer would divide by zero we do not: an empty grid (`r_max ≤ r_min`, e.g. all particles
 * at one point) throws `ERR_RANGE`, and particles sharing the lowest grid point count as a jump.
 *
 * @example
 * ```ts
 * const { ps, pr } = updater.posteriorMarginal({ res: 200 });
 * ```
 */
export function posteriorMarginal(
  x: Float64Array,
  w: Float64Array,
  nM: number,
  d: number,
  options: PosteriorMarginalOptions = {},
): { ps: Float64Array; pr: Float64Array } {
  const { idx = 0, res = 100, smoothing = 0 } = options;
  if (!(Number.isInteger(idx) && idx >= 0 && idx < d)) throw new QinferArgumentError('ERR_ARGUMENT', `parameter index ${idx} outside [0, ${d})`);
  if (!(Number.isInteger(res) && res >= 2)) throw new QinferArgumentError('ERR_ARGUMENT', `res must be an integer ≥ 2, got ${res}`);
  const order = Array.from({ length: nM }, (_, i) => i).sort((a, b) => x[a * d + idx]! - x[b * d + idx]! || a - b);
  const xs = new Float64Array(nM + 1), cdf = new Float64Array(nM + 1);
  let s = 0;
  order.forEach((i, r) => {
    xs[r] = x[i * d + idx]!;
    cdf[r] = s += w[i]!;
  });
  const rMin = options.rangeMin ?? xs[0]!;
  const rMax = options.rangeMax ?? xs[nM - 1]!;
  if (!(rMax > rMin)) {
    throw new QinferArgumentError('ERR_RANGE', `the grid [${rMin}, ${rMax}] is empty (all particles at one point?): give rangeMin < rangeMax`, {
      details: { rangeMin: rMin, rangeMax: rMax },
    });
  }
  xs[nM] = rMax + Math.abs(rMax - rMin);
  cdf[nM] = 1;
  // numpy.linspace
  const ps = new Float64Array(res), step = (rMax - rMin) / (res - 1);
  for (let k = 0; k < res; k++) ps[k] = k * step + rMin;
  ps[res - 1] = rMax;
  // scipy interp1d(kind='linear', bounds_error=False, fill_value=0)
  const f = new Float64Array(res);
  for (let k = 0; k < res; k++) {
    const p = ps[k]!;
    if (p < xs[0]! || p > xs[nM]!) continue;
    let lo = 0, hi = nM + 1; // searchsorted left
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (xs[mid]! < p) lo = mid + 1;
      else hi = mid;
    }
    const j = Math.min(Math.max(lo, 1), nM);
    const x0 = xs[j - 1]!, x1 = xs[j]!, y0 = cdf[j - 1]!, y1 = cdf[j]!;
    if (x1 > x0) f[k] = ((y1 - y0) / (x1 - x0)) * (p - x0) + y0;
    else {
      // Particles at one location (p at the lowest of them) make a jump: take its top, not 0/0.
      let r = j;
      while (r < nM && xs[r + 1] === x0) r++;
      f[k] = cdf[r]!;
    }
  }
  // numpy.gradient with spacing ps[1] - ps[0]
  const h = ps[1]! - ps[0]!, pr = new Float64Array(res);
  pr[0] = (f[1]! - f[0]!) / h;
  pr[res - 1] = (f[res - 1]! - f[res - 2]!) / h;
  for (let k = 1; k < res - 1; k++) pr[k] = (f[k + 1]! - f[k - 1]!) / (2 * h);
  if (smoothing > 0) return { ps, pr: gaussianFilter1d(pr, (res * smoothing) / Math.abs(rMax - rMin)) };
  return { ps, pr };
}

/** scipy's `gaussian_filter1d` (truncate 4, mode 'reflect'). */
export function gaussianFilter1d(a: Float64Array, sigma: number): Float64Array {
  const radius = Math.floor(4 * sigma + 0.5);
  const k = new Float64Array(2 * radius + 1);
  let s = 0;
  for (let i = -radius; i <= radius; i++) s += k[i + radius] = Math.exp((-0.5 * i * i) / (sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i]! /= s;
  const n = a.length, out = new Float64Array(n);
  const at = (i: number): number => {
    const period = 2 * n;
    let j = ((i % period) + period) % period;
    if (j >= n) j = period - 1 - j;
    return a[j]!;
  };
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let t = -radius; t <= radius; t++) v += k[t + radius]! * at(i + t);
    out[i] = v;
  }
  return out;
}
