import { QinferArgumentError } from '../errors/QinferError.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { hullDistance } from './hullDistance.js';

/** Default membership tolerance: the scaled L1 distance below which a point counts as inside. */
export const HULL_TOLERANCE = 1e-9;

/**
 * The convex hull of a point set in any dimension (QInfer's `region_est_hull`, which assumed
 * three dimensions and failed on flat or degenerate clouds: QInfer issue #83). Built by
 * {@link convexHull}; it holds the hull's vertices and tests membership by linear programming:
 *
 *   x ∈ hull  ⇔  dist(x) = min_{λ ≥ 0, Σλ = 1} Σ_k |x_k − Σ_i λ_i v_ik| / s_k ≤ tol,
 *
 * with `s_k` the spread (max − min) of coordinate k over the points (1 where the points do not
 * spread), so `tol` is relative to the region's size. Points on the boundary are inside (distance
 * 0 up to rounding ≈ 1e-15), points farther than `tol` (relative) outside. Lower-dimensional
 * point sets (all on a plane, a line, one point) are handled: their hull is flat and membership
 * still exact. In one dimension the hull is the interval `[min, max]`; in two the vertices come in
 * counter-clockwise order (ready to draw).
 *
 * @example
 * ```ts
 * import { convexHull } from 'qinfer-rx';
 * const hull = convexHull([[0, 0], [1, 0], [0, 1], [0.2, 0.2]]);
 * hull.vertices.shape;                 // [3, 2]
 * Array.from(hull.contains([[0.5, 0.5], [0.6, 0.6]])); // [1, 0]
 * ```
 */
export class ConvexHullRegion {
  /** Dimension. */
  readonly d: number;
  /** Vertices, row-major `[nVertices, d]`. */
  readonly vertexData: Float64Array;
  readonly nVertices: number;
  /** Per-coordinate scale of the distance. */
  readonly scale: Float64Array;
  /** Membership tolerance (scaled L1 distance). */
  readonly tol: number;

  constructor(vertexData: Float64Array, nVertices: number, d: number, scale: Float64Array, tol: number) {
    this.vertexData = vertexData;
    this.nVertices = nVertices;
    this.d = d;
    this.scale = scale;
    this.tol = tol;
  }

  /** The vertices as `[nVertices, d]` rows. */
  get vertices(): {
    readonly shape: readonly [number, number];
    readonly data: Float64Array;
    /** Vertex `i` (a view of `data`, length `shape[1]`). */
    row(i: number): Float64Array;
  } {
    const d = this.d, data = this.vertexData;
    return { shape: [this.nVertices, d], data, row: (i) => data.subarray(i * d, (i + 1) * d) };
  }

  /** Scaled L1 distance of each point to the hull (0 inside). */
  distance(points: ParticlesLike): Float64Array {
    const { x, nM } = toRowMajor(points, this.d);
    const out = new Float64Array(nM);
    for (let j = 0; j < nM; j++) out[j] = hullDistance(this.vertexData, this.nVertices, this.d, x.subarray(j * this.d, (j + 1) * this.d), this.scale);
    return out;
  }

  /** `1` for each point within `tol` of the hull, else `0`. */
  contains(points: ParticlesLike, tol: number = this.tol): Uint8Array {
    const dist = this.distance(points);
    return Uint8Array.from(dist, (v) => (v <= tol ? 1 : 0));
  }
}

/** Per-coordinate spread of the points (1 where they do not spread, or the largest spread). */
function spreads(x: Float64Array, n: number, d: number): Float64Array {
  const s = new Float64Array(d);
  let top = 0;
  for (let k = 0; k < d; k++) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, x[i * d + k]!);
      hi = Math.max(hi, x[i * d + k]!);
    }
    s[k] = hi - lo;
    top = Math.max(top, hi - lo);
  }
  for (let k = 0; k < d; k++) if (!(s[k]! > 0)) s[k] = top > 0 ? top : 1;
  return s;
}

/**
 * The convex hull of `points` (`[n, d]`, any `d ≥ 1`) as a {@link ConvexHullRegion}.
 *
 * Vertices: exact duplicates are merged; points extreme along the coordinate axes and 256
 * deterministic directions are vertices outright; points inside their hull are not; every other
 * point is dropped when it lies within `tol` of the hull of the remaining candidates (one small
 * linear programme each), and a final
 * pass re-admits any point farther than `tol` from the hull of the kept vertices — so every input
 * point is within `tol` of the reported hull, and every vertex is an input point.
 *
 * Bad input: no points, or non-finite coordinates → `ERR_ARGUMENT`.
 *
 * @param points - the points (e.g. a credible region's particles)
 * @param options - `tol`: membership tolerance (default {@link HULL_TOLERANCE})
 *
 * @example
 * ```ts
 * import { convexHull } from 'qinfer-rx';
 * convexHull([[0], [3], [1]]).vertices.data; // Float64Array [0, 3]
 * ```
 */
export function convexHull(points: ParticlesLike, options: { readonly tol?: number; readonly d?: number } = {}): ConvexHullRegion {
  const d = options.d ?? inferD(points);
  const tol = options.tol ?? HULL_TOLERANCE;
  if (!(tol >= 0)) throw new QinferArgumentError('ERR_ARGUMENT', `tol must be ≥ 0, got ${tol}`);
  const { x: raw, nM } = toRowMajor(points, d);
  if (nM === 0) throw new QinferArgumentError('ERR_ARGUMENT', 'the convex hull of no points is empty');
  if (!raw.every(Number.isFinite)) throw new QinferArgumentError('ERR_ARGUMENT', 'points must be finite');
  // merge exact duplicates
  const seen = new Map<string, number>(), uniq: number[] = [];
  for (let i = 0; i < nM; i++) {
    const key = Array.from(raw.subarray(i * d, (i + 1) * d)).join(',');
    if (!seen.has(key)) {
      seen.set(key, i);
      uniq.push(i);
    }
  }
  const n = uniq.length, x = new Float64Array(n * d);
  uniq.forEach((i, r) => x.set(raw.subarray(i * d, (i + 1) * d), r * d));
  const scale = spreads(x, n, d);
  if (d === 1) {
    let lo = 0, hi = 0;
    for (let i = 1; i < n; i++) {
      if (x[i]! < x[lo]!) lo = i;
      if (x[i]! > x[hi]!) hi = i;
    }
    const v = lo === hi ? Float64Array.of(x[lo]!) : Float64Array.of(x[lo]!, x[hi]!);
    return new ConvexHullRegion(v, v.length, 1, scale, tol);
  }
  // extreme points along ± axes and fixed pseudo-random directions: certainly vertices
  const isVertex = new Uint8Array(n), dir = new Float64Array(d);
  let seed = 0x9e3779b9;
  const nextUnit = (): number => {
    seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return seed / 4294967296 - 0.5;
  };
  for (let t = 0; t < 2 * d + 256; t++) {
    if (t < 2 * d) {
      dir.fill(0);
      dir[t >> 1] = t & 1 ? -1 : 1;
    } else for (let k = 0; k < d; k++) dir[k] = nextUnit();
    let best = 0, bestV = -Infinity;
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let k = 0; k < d; k++) v += (dir[k]! * x[i * d + k]!) / scale[k]!;
      if (v > bestV) {
        bestV = v;
        best = i;
      }
    }
    isVertex[best] = 1;
  }
  // points inside the hull of those certain vertices are not vertices; the others are candidates
  const base = Int32Array.from(Array.from({ length: n }, (_, i) => i).filter((i) => isVertex[i]));
  const alive = new Uint8Array(n);
  for (let i = 0; i < n; i++) alive[i] = isVertex[i] || hullDistance(x, n, d, x.subarray(i * d, (i + 1) * d), scale, base) > tol ? 1 : 0;
  const aliveList = (skip: number): Int32Array => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) if (alive[i] && i !== skip) out.push(i);
    return Int32Array.from(out);
  };
  // a candidate within tol of the hull of the other live points is dropped (conv(all) = conv(live))
  const dropped: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!alive[i] || isVertex[i]) continue;
    if (hullDistance(x, n, d, x.subarray(i * d, (i + 1) * d), scale, aliveList(i)) <= tol) {
      alive[i] = 0;
      dropped.push(i);
    }
  }
  // every dropped candidate within tol of the kept hull (re-admit any that is not; the rest are
  // inside the hull of the certain vertices, which are all kept)
  let keep = aliveList(-1);
  for (let pass = 0; pass < n; pass++) {
    let added = false;
    for (const i of dropped) {
      if (alive[i]) continue;
      if (hullDistance(x, n, d, x.subarray(i * d, (i + 1) * d), scale, keep) > tol) {
        alive[i] = 1;
        added = true;
      }
    }
    if (!added) break;
    keep = aliveList(-1);
  }
  let order = Array.from(keep);
  if (d === 2) {
    let cx = 0, cy = 0;
    for (const i of order) {
      cx += x[2 * i]!;
      cy += x[2 * i + 1]!;
    }
    cx /= order.length;
    cy /= order.length;
    order = order.sort((a, b) => Math.atan2(x[2 * a + 1]! - cy, x[2 * a]! - cx) - Math.atan2(x[2 * b + 1]! - cy, x[2 * b]! - cx));
  }
  const v = new Float64Array(order.length * d);
  order.forEach((i, r) => v.set(x.subarray(i * d, (i + 1) * d), r * d));
  return new ConvexHullRegion(v, order.length, d, scale, tol);
}

function inferD(points: ParticlesLike): number {
  if (points instanceof Float64Array) throw new QinferArgumentError('ERR_ARGUMENT', 'flat points need options.d');
  if (Array.isArray(points)) return (points[0] as readonly number[] | undefined)?.length ?? 1;
  const m = points as { dimension: number; shape: number[] };
  return m.dimension === 1 ? 1 : m.shape[1]!;
}
