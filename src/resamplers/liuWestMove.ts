import type { Rng } from '../rng/Rng.js';
import { ZIGGURAT_X, zigguratFromUniform } from '../rng/normalZiggurat.js';
import type { MultinomialGuide } from './multinomialGuide.js';

/**
 * Scratch of the fused Liu–West passes, owned by the resampler and reused: `rows` (≥ n: particles
 * to finish, ascending), `comps` (≥ n·d: components to finish), `z` (≥ d: one row of normals).
 */
export interface MoveScratch {
  rows: Int32Array;
  comps: Int32Array;
  z: Float64Array;
  /** Rows and components {@link zigguratMove} left to {@link finishZigguratMove}. */
  nRows: number;
  nComps: number;
}

/** A prepared guide table ({@link MultinomialGuide.tables}, or the WebAssembly kernels' copy). */
export interface GuideTables {
  readonly cdf: Float64Array;
  readonly guide: Int32Array;
  readonly g: number;
  readonly last: number;
}

/**
 * The Liu–West move of a one-parameter cloud with its parents drawn from a guide table, in one
 * pass: for each i, `j = guide.draw(u[i])`, the ziggurat's normal `z_i` of the uniform `out[i]`,
 * and `out[i] = a·x_j + c + h·z_i` (`c = (1 − a)μ`). `out` holds the normals' uniforms on entry
 * (`rng.fillUniform(out)`, the block `fillNormalZiggurat` draws). The loop has no data-dependent
 * branch: it takes two steps of the guide's walk and the ziggurat's fast path; the particles
 * that need more (a longer walk, ~3–8 % in the seed's resamplings, or a rejected normal, ~1 %)
 * keep their uniform in `out` and are listed in `rows`, for {@link finishDrawMove1} to finish in
 * index order — so the parents are exactly `guide.draw(u[i])`, the normals exactly
 * `fillNormalZiggurat`'s, and the random stream the same as drawing them separately. Returns the
 * number of listed particles.
 *
 * @example
 * ```ts
 * rng.fillUniform(u, 0, n); rng.fillUniform(out, 0, n);
 * const t = guide.tables(), nf = guideDrawMove1(t, u, parents, x, 0.98, 0.02 * mu, h, out, n, rows);
 * finishDrawMove1(t, u, parents, x, 0.98, 0.02 * mu, h, out, rows, nf, rng);
 * ```
 */
export function guideDrawMove1(
  tables: GuideTables, u: Float64Array, parents: Int32Array, x: Float64Array,
  a: number, c: number, h: number, out: Float64Array, n: number, rows: Int32Array,
): number {
  const { cdf, guide: gt, g, last } = tables;
  const X = ZIGGURAT_X;
  let nf = 0;
  for (let i = 0; i < n; i++) {
    const ui = u[i]!;
    let j = gt[Math.floor(ui * g)]!;
    // Branch-free steps of the walk (`cdf[n] = +∞` ends it): comparisons as 0/1, not branches.
    j += +(cdf[j]! <= ui);
    j += +(cdf[j]! <= ui);
    const more = +(cdf[j]! <= ui);
    j = j < last ? j : last;
    parents[i] = j;
    const U = out[i]!;
    const t = U * 512;
    const b = t | 0, L = b & 255;
    const z = (t - b) * X[L]!;
    const listed = more | +!(z < X[L + 1]!);
    const moved = a * x[j]! + c + h * (z * (1 - 2 * (b >> 8)));
    out[i] = listed === 0 ? moved : U;
    rows[nf] = i;
    nf += listed;
  }
  return nf;
}

/**
 * The second loop of {@link guideDrawMove1}: the `nf` listed particles' walks and normals, in
 * index order (the rejected normals' slow path draws from `rng`). A separate call, not code after
 * the first loop: V8 compiles that loop on stack replacement, and code after it that the
 * interpreter had never reached deoptimised it on every call.
 */
export function finishDrawMove1(
  tables: GuideTables, u: Float64Array, parents: Int32Array, x: Float64Array,
  a: number, c: number, h: number, out: Float64Array, rows: Int32Array, nf: number, rng: Rng,
): void {
  for (let k = 0; k < nf; k++) {
    const i = rows[k]!, j = finishWalk(tables, u, parents, i);
    out[i] = a * x[j]! + c + h * zigguratFromUniform(rng, out[i]!);
  }
}

/** The rest of particle i's walk from `parents[i]` (two steps taken): stores and returns its parent. */
function finishWalk(tables: GuideTables, u: Float64Array, parents: Int32Array, i: number): number {
  const { cdf, last } = tables, ui = u[i]!;
  let j = parents[i]!;
  while (cdf[j]! <= ui) j++;
  j = j < last ? j : last;
  parents[i] = j;
  return j;
}

/**
 * The rows the WebAssembly pass `move<d>` left (their parents found, some normal rejected): for
 * each listed row in index order its d normals from the uniforms in `out` (the rejected ones'
 * slow path drawing from `rng`), then its move as {@link shrinkAndJitter} — so the random stream
 * is that of `finishDrawMove1` / `finishZigguratMove`, whose walks the pass has already taken.
 *
 * @example
 * ```ts
 * finishListedRows(x, parents, mu, 0.98, hS, out, d, rows, nf, rng);
 * ```
 */
export function finishListedRows(
  x: Float64Array, parents: Int32Array, mu: Float64Array, a: number, hS: Float64Array,
  out: Float64Array, d: number, rows: Int32Array, nf: number, rng: Rng,
): void {
  for (let k = 0; k < nf; k++) {
    const row = rows[k]! * d;
    for (let q = 0; q < d; q++) out[row + q] = zigguratFromUniform(rng, out[row + q]!);
  }
  shrinkAndJitter(x, parents, mu, a, hS, out, d, rows, nf, true);
}

/**
 * The Liu–West move from given parents, fused with the ziggurat: `out` holds the n·d normals'
 * uniforms on entry and the new particles `x'_i = a x_{j_i} + (1 − a) μ + hS z_i` on return
 * (`hS` row-major `d × d`), the normals exactly `fillNormalZiggurat`'s: rows with a rejected
 * normal (~1 % of the normals) are listed (`scratch.nRows`, `scratch.nComps`) and finished by
 * {@link finishZigguratMove}, the rejected values in index order by {@link zigguratFromUniform},
 * so the random stream is that of drawing the normals first. Same arithmetic, in the same order,
 * as {@link shrinkAndJitter}.
 *
 * @example
 * ```ts
 * rng.fillUniform(out, 0, n * d);
 * zigguratMove(parents, x, mu, 0.98, hS, out, d, n, scratch);
 * finishZigguratMove(parents, x, mu, 0.98, hS, out, d, scratch, rng);
 * ```
 */
export function zigguratMove(
  parents: Int32Array, x: Float64Array, mu: Float64Array, a: number, hS: Float64Array,
  out: Float64Array, d: number, n: number, scratch: MoveScratch,
): void {
  const X = ZIGGURAT_X, rows = scratch.rows, comps = scratch.comps, z = scratch.z, b1 = 1 - a;
  let nBad = 0, nc = 0;
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let bad = 0;
    for (let q = 0; q < d; q++) {
      const t = out[row + q]! * 512;
      const b = t | 0, L = b & 255;
      const v = (t - b) * X[L]!;
      bad |= +!(v < X[L + 1]!);
      z[q] = v * (1 - 2 * (b >> 8));
    }
    if (bad === 0) {
      const o = parents[i]! * d;
      for (let p = 0; p < d; p++) {
        let s = 0;
        for (let q = 0; q < d; q++) s += hS[p * d + q]! * z[q]!;
        out[row + p] = a * x[o + p]! + b1 * mu[p]! + s;
      }
    } else {
      // Rare: the accepted normals in place; the rejected ones keep their uniform, listed.
      rows[nBad++] = i;
      for (let q = 0; q < d; q++) {
        if (isRejected(out[row + q]!)) comps[nc++] = row + q;
        else out[row + q] = z[q]!;
      }
    }
  }
  scratch.nRows = nBad;
  scratch.nComps = nc;
}

/** The second part of {@link zigguratMove}: the rejected normals in index order (their slow path draws from `rng`), then their rows' move. */
export function finishZigguratMove(
  parents: Int32Array, x: Float64Array, mu: Float64Array, a: number, hS: Float64Array,
  out: Float64Array, d: number, scratch: MoveScratch, rng: Rng,
): void {
  const comps = scratch.comps, nc = scratch.nComps;
  for (let k = 0; k < nc; k++) out[comps[k]!] = zigguratFromUniform(rng, out[comps[k]!]!);
  shrinkAndJitter(x, parents, mu, a, hS, out, d, scratch.rows, scratch.nRows, true);
}

/** Whether the ziggurat's fast path rejects the uniform `U` (as {@link zigguratFromUniform} decides). */
function isRejected(U: number): boolean {
  const t = U * 512;
  const b = t | 0, L = b & 255;
  return !((t - b) * ZIGGURAT_X[L]! < ZIGGURAT_X[L + 1]!);
}

/**
 * In place: `dst[r] ← a x_{j} + (1 − a) μ + hS · dst[r]` for `r < k`, with `j = parents[i]`,
 * `i = rows[r]` (`rows` null: `i = r`), and `dst[r]` holding the normals `z` on entry; with
 * `inPlaceRows`, row `i` of `dst` instead of row `r`.
 *
 * @example
 * ```ts
 * shrinkAndJitter(x, parents, mu, 0.98, hS, z, d, null, n); // z becomes the new cloud
 * ```
 */
export function shrinkAndJitter(
  x: Float64Array, parents: Int32Array, mu: Float64Array, a: number, hS: Float64Array,
  dst: Float64Array, d: number, rows: Int32Array | null, k: number, inPlaceRows = false,
): void {
  const b = 1 - a;
  if (d === 1) {
    const h = hS[0]!, c = b * mu[0]!;
    if (rows === null) for (let r = 0; r < k; r++) dst[r] = a * x[parents[r]!]! + c + h * dst[r]!;
    else if (inPlaceRows) for (let r = 0; r < k; r++) dst[rows[r]!] = a * x[parents[rows[r]!]!]! + c + h * dst[rows[r]!]!;
    else for (let r = 0; r < k; r++) dst[r] = a * x[parents[rows[r]!]!]! + c + h * dst[r]!;
    return;
  }
  const z = new Float64Array(d);
  for (let r = 0; r < k; r++) {
    const i = rows === null ? r : rows[r]!;
    const o = parents[i]! * d, row = (inPlaceRows ? i : r) * d;
    for (let q = 0; q < d; q++) z[q] = dst[row + q]!;
    for (let p = 0; p < d; p++) {
      let s = 0;
      for (let q = 0; q < d; q++) s += hS[p * d + q]! * z[q]!;
      dst[row + p] = a * x[o + p]! + b * mu[p]! + s;
    }
  }
}
