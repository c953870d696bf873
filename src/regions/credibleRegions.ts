import { QinferArgumentError } from '../errors/QinferError.js';
import type { ParticleDistribution } from '../smc/ParticleDistribution.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { chiSquareQuantile } from './chiSquareQuantile.js';
import { convexHull, type ConvexHullRegion } from './ConvexHullRegion.js';
import { EllipsoidRegion, minimumVolumeEllipsoid } from './EllipsoidRegion.js';

/** Options shared by the credible-region estimators. */
export interface CredibleRegionOptions {
  /** Credibility level, default 0.95. */
  readonly level?: number;
  /** Model parameters to keep (QInfer's `modelparam_slice`), default all. */
  readonly params?: readonly number[];
}

/** The highest-posterior-density particles of `dist` at `level`, restricted to `params`: `[k, |params|]` row-major. */
function hpdPoints(dist: ParticleDistribution, options: CredibleRegionOptions): { x: Float64Array; n: number; d: number } {
  const all = dist.estCredibleRegion(options.level ?? 0.95);
  const D = dist.nRvs, params = options.params ?? Array.from({ length: D }, (_, i) => i);
  for (const p of params) if (!(Number.isInteger(p) && p >= 0 && p < D)) throw new QinferArgumentError('ERR_ARGUMENT', `parameter index ${p} outside 0..${D - 1}`);
  if (params.length === 0) throw new QinferArgumentError('ERR_ARGUMENT', 'no parameters selected');
  const { x: src, nM } = toRowMajor(all, D), d = params.length, x = new Float64Array(nM * d);
  for (let i = 0; i < nM; i++) params.forEach((p, c) => (x[i * d + c] = src[i * D + p]!));
  return { x, n: nM, d };
}

/**
 * The convex hull of the highest-posterior-density particles (QInfer's `region_est_hull`) in any
 * dimension, as a {@link ConvexHullRegion} (vertices and membership).
 *
 * @example
 * ```ts
 * import { regionEstHull } from 'qinfer-rx';
 * const hull = regionEstHull(updater, { level: 0.9 });
 * hull.vertices.shape; // [nVertices, nModelparams]
 * ```
 */
export function regionEstHull(dist: ParticleDistribution, options: CredibleRegionOptions & { readonly tol?: number } = {}): ConvexHullRegion {
  const { x, d } = hpdPoints(dist, options);
  return convexHull(x, { d, ...(options.tol === undefined ? {} : { tol: options.tol }) });
}

/**
 * The minimum-volume enclosing ellipsoid of the highest-posterior-density particles (QInfer's
 * `region_est_ellipsoid`), robust to flat regions and guaranteed to contain every one of those
 * particles ({@link minimumVolumeEllipsoid}; `tol` is its certified optimality gap ε, default
 * 1e-6 — QInfer's `tol` bounded the last step of its iteration instead).
 *
 * @example
 * ```ts
 * import { regionEstEllipsoid } from 'qinfer-rx';
 * const e = regionEstEllipsoid(updater); // e.center, e.shape (covariance form), e.contains(points)
 * ```
 */
export function regionEstEllipsoid(dist: ParticleDistribution, options: CredibleRegionOptions & { readonly tol?: number } = {}): EllipsoidRegion {
  const { x, d } = hpdPoints(dist, options);
  return minimumVolumeEllipsoid(x, { d, ...(options.tol === undefined ? {} : { tol: options.tol }) });
}

/** Which credible region {@link inCredibleRegion} tests against. */
export type CredibleRegionMethod = 'pce' | 'hpd-hull' | 'hpd-mvee';

/**
 * Whether each point lies in a credible region of `dist` (QInfer's `in_credible_region`):
 *
 * - `'pce'` (posterior covariance ellipsoid): `(x − μ)ᵀ (k Σ)⁻¹ (x − μ) ≤ 1` with the posterior
 *   mean `μ`, covariance `Σ` and `k = χ²_d⁻¹(level)` ({@link chiSquareQuantile});
 * - `'hpd-hull'` (default): inside the convex hull of the HPD particles ({@link regionEstHull});
 * - `'hpd-mvee'`: inside their minimum-volume enclosing ellipsoid ({@link regionEstEllipsoid}).
 *
 * `tol` is the ellipsoid's optimality gap for `'hpd-mvee'` (default 1e-6). Points are
 * `[n, |params|]`. Returns 1/0 per point.
 *
 * @example
 * ```ts
 * import { inCredibleRegion } from 'qinfer-rx';
 * inCredibleRegion(updater, [[0.42]], { method: 'pce', level: 0.95 }); // Uint8Array [1]
 * ```
 */
export function inCredibleRegion(
  dist: ParticleDistribution,
  points: ParticlesLike,
  options: CredibleRegionOptions & { readonly method?: CredibleRegionMethod; readonly tol?: number } = {},
): Uint8Array {
  const method = options.method ?? 'hpd-hull';
  if (method === 'hpd-hull') return regionEstHull(dist, { ...options, tol: undefined }).contains(points);
  if (method === 'hpd-mvee') return regionEstEllipsoid(dist, options).contains(points);
  if (method !== 'pce') throw new QinferArgumentError('ERR_ARGUMENT', `unknown credible-region method '${String(method)}' (pce, hpd-hull, hpd-mvee)`);
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new QinferArgumentError('ERR_ARGUMENT', `level must be in (0, 1), got ${level}`);
  const D = dist.nRvs, params = options.params ?? Array.from({ length: D }, (_, i) => i), d = params.length;
  const mu = dist.estMean(), C = dist.estCovarianceMtx().data;
  const c = Float64Array.from(params, (p) => mu[p]!), S = new Float64Array(d * d);
  params.forEach((p, a) => params.forEach((q, b) => (S[a * d + b] = C[p * D + q]!)));
  return EllipsoidRegion.fromCovariance(c, S, chiSquareQuantile(level, d)).contains(points, 0);
}
