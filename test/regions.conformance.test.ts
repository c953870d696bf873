import { describe, expect, it } from 'vitest';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import { chiSquareCdf, chiSquareQuantile } from '../src/regions/chiSquareQuantile.js';
import { convexHull } from '../src/regions/ConvexHullRegion.js';
import { inCredibleRegion, regionEstEllipsoid, regionEstHull } from '../src/regions/credibleRegions.js';
import { EllipsoidRegion, inEllipsoid, minimumVolumeEllipsoid } from '../src/regions/EllipsoidRegion.js';
import { hullDistance } from '../src/regions/hullDistance.js';
import { mvee } from '../src/regions/mvee.js';
import { Rng } from '../src/rng/Rng.js';
import { ParticleDistribution } from '../src/smc/ParticleDistribution.js';
import { codeOf } from './helpers/codeOf.js';
import { expectClose, flat, loadFixture } from './helpers/fixtures.js';

const fx = loadFixture('parity_regions.json');
const rows = (v: { values: number[][] }): number[][] => v.values;
const sortRows = (r: number[][]): string[] => r.map((x) => x.map((v) => v.toPrecision(12)).join(',')).sort();

/** A random rotation (QR of a Gaussian matrix by Gram–Schmidt), row-major d × d. */
function rotation(d: number, rng: Rng): Float64Array {
  const R = new Float64Array(d * d);
  for (let c = 0; c < d; c++) {
    const v = Array.from({ length: d }, () => rng.normal());
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let a = 0; a < d; a++) dot += v[a]! * R[a * d + p]!;
      for (let a = 0; a < d; a++) v[a]! -= dot * R[a * d + p]!;
    }
    const nrm = Math.hypot(...v);
    for (let a = 0; a < d; a++) R[a * d + c] = v[a]! / nrm;
  }
  return R;
}

describe('credible regions against QInfer (parity_regions.json)', () => {
  it('mvee reproduces QInfer’s Khachiyan iteration (A, c to 1e-9) and reports what QInfer gets wrong', () => {
    for (const m of fx.data.mvee) {
      const r = mvee(rows(m.points), { tol: m.tol });
      expectClose(r.A, m.A, 1e-9, 1e-12);
      expectClose(r.c, m.c, 1e-9, 1e-12);
      expect(r.maxForm).toBeCloseTo(m.max_form, 8);
      expect(r.maxForm).toBeGreaterThan(1); // QInfer's ellipsoid leaves some of its own points out …
      // … and in_ellipsoid(points, A, c) with mvee's A (issue #155) inverts the convention
      const wrong = flat(m.in_ellipsoid_with_A_qinfer_issue155), right = flat(m.in_ellipsoid_with_inv_A);
      expect(Array.from(inEllipsoid(rows(m.points), Float64Array.from(flat(m.A)), r.c))).toEqual(wrong);
      const inv = minimumVolumeEllipsoid(rows(m.points)).shape; // not QInfer's, but ours contains all
      expect(Array.from(inEllipsoid(rows(m.points), inv.map((v) => v * (1 + 1e-9)), minimumVolumeEllipsoid(rows(m.points)).center)).every((v) => v === 1)).toBe(true);
      expect(right.some((v) => v === 0)).toBe(true);
    }
  });

  it('HPD hull vertices equal Qhull’s (as a set); in_credible_region pce / hpd-hull equal QInfer’s, hpd-mvee contains what QInfer’s contains', () => {
    for (const c of fx.data.credible) {
      const pd = new ParticleDistribution(rows(c.locations), flat(c.weights));
      expect(sortRows(rows({ values: Array.from({ length: pd.estCredibleRegion(c.level).shape[0]! }, (_, i) => Array.from(pd.estCredibleRegion(c.level).data.subarray(i * c.d, (i + 1) * c.d))) }))).toEqual(sortRows(rows(c.credible_points)));
      const hull = regionEstHull(pd, { level: c.level });
      const verts = Array.from({ length: hull.nVertices }, (_, i) => Array.from(hull.vertices.row(i)));
      expect(sortRows(verts)).toEqual(sortRows(rows(c.hull_vertices)));
      const test = rows(c.test_points);
      expect(Array.from(inCredibleRegion(pd, test, { level: c.level, method: 'pce' }))).toEqual(flat(c.in_pce));
      expect(Array.from(inCredibleRegion(pd, test, { level: c.level, method: 'hpd-hull' }))).toEqual(flat(c.in_hull));
      const mine = inCredibleRegion(pd, test, { level: c.level, method: 'hpd-mvee' }), theirs = flat(c.in_mvee);
      theirs.forEach((v, i) => v === 1 && expect(mine[i]).toBe(1)); // ours is enlarged to contain every HPD particle
      const e = regionEstEllipsoid(pd, { level: c.level });
      expect(Array.from(e.contains(rows(c.credible_points))).every((v) => v === 1)).toBe(true);
    }
  });

  it('QInfer’s failure cases run here: a flat 5-D cloud (#83), 7 points in 8-D (#155), collinear points in 3-D', () => {
    const f = fx.data.failures;
    expect(f.issue83_flat_5d.region_est_hull.type).toBe('QhullError');
    const flatPd = new ParticleDistribution(rows(f.issue83_flat_5d.locations));
    const hull = regionEstHull(flatPd, { level: 0.9 });
    const cred = flatPd.estCredibleRegion(0.9);
    expect(Array.from(hull.contains(cred)).every((v) => v === 1)).toBe(true);
    const e = regionEstEllipsoid(flatPd, { level: 0.9 });
    expect(e.rank).toBe(4);
    expect(Array.from(e.contains(cred)).every((v) => v === 1)).toBe(true);
    expect(Array.from(inCredibleRegion(flatPd, rows(f.issue83_flat_5d.locations).slice(0, 3), { level: 0.9 })).length).toBe(3);

    const r155 = f.issue155_7_points_8d.mvee.result;
    expect(flat(r155.in_ellipsoid_with_A).every((v) => v === 0)).toBe(true); // QInfer: none of its 7 points inside
    const pts = rows(f.issue155_7_points_8d.points);
    const e8 = minimumVolumeEllipsoid(pts);
    expect(e8.rank).toBe(6);
    expect(Array.from(e8.contains(pts))).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(codeOf(() => mvee(pts))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });

    const line = new ParticleDistribution(rows(f.collinear_3d.locations));
    expect(f.collinear_3d.region_est_hull.type).toBe('QhullError');
    expect(regionEstHull(line, { level: 0.9 }).nVertices).toBe(2);
    expect(regionEstEllipsoid(line, { level: 0.9 }).rank).toBe(1);
  });

  it('chi2 quantiles (1e-12)', () => {
    for (const r of fx.data.chi2_ppf) {
      expectClose([chiSquareQuantile(r.level, r.d)], [r.ppf], 1e-12);
      expect(chiSquareCdf(r.ppf, r.d)).toBeCloseTo(r.level, 13);
    }
  });
});

describe('convex hulls against exact geometry in 1–6 dimensions', () => {
  for (let d = 1; d <= 6; d++) {
    it(`d = ${d}: the unit cube — vertices are its 2^d corners, face points inside, points 1e-6 beyond a face outside`, () => {
      const rng = new Rng(100 + d), pts: number[][] = [];
      for (let c = 0; c < 1 << d; c++) pts.push(Array.from({ length: d }, (_, k) => (c >> k) & 1));
      for (let i = 0; i < 200; i++) pts.push(Array.from({ length: d }, () => rng.uniform()));
      // points on the faces (one coordinate at 0 or 1)
      const face = Array.from({ length: 100 }, () => {
        const p = Array.from({ length: d }, () => rng.uniform());
        p[rng.integer(d)] = rng.uniform() < 0.5 ? 0 : 1;
        return p;
      });
      const hull = convexHull([...pts, ...face]);
      expect(hull.nVertices).toBe(1 << d);
      const verts = Array.from({ length: hull.nVertices }, (_, i) => Array.from(hull.vertices.row(i)));
      expect(sortRows(verts)).toEqual(sortRows(pts.slice(0, 1 << d)));
      expect(Array.from(hull.contains(verts)).every((v) => v === 1)).toBe(true);
      expect(Array.from(hull.contains(face)).every((v) => v === 1)).toBe(true);
      expect(Math.max(...hull.distance(face))).toBeLessThan(1e-12);
      const outside = face.map((p) => p.map((v) => (v === 0 ? -1e-6 : v === 1 ? 1 + 1e-6 : v)));
      expect(Array.from(hull.contains(outside)).every((v) => v === 0)).toBe(true);
      expect(Array.from(hull.contains(pts.slice(1 << d))).every((v) => v === 1)).toBe(true);
    });
    it(`d = ${d}: a rotated Gaussian cloud — every point inside its hull, every vertex an input point, scaled vertices outside`, () => {
      const rng = new Rng(200 + d), R = rotation(d, rng), n = 150;
      const pts = Array.from({ length: n }, () => {
        const z = Array.from({ length: d }, (_, k) => rng.normal() * (k + 1));
        return Array.from({ length: d }, (_, a) => z.reduce((s, zk, k) => s + R[a * d + k]! * zk, 0) + 3);
      });
      const hull = convexHull(pts);
      expect(Array.from(hull.contains(pts)).every((v) => v === 1)).toBe(true);
      const keys = new Set(sortRows(pts));
      const verts = Array.from({ length: hull.nVertices }, (_, i) => Array.from(hull.vertices.row(i)));
      for (const k of sortRows(verts)) expect(keys.has(k)).toBe(true);
      const centroid = Array.from({ length: d }, (_, a) => pts.reduce((s, p) => s + p[a]!, 0) / n);
      const beyond = verts.map((v) => v.map((x, a) => centroid[a]! + 1.001 * (x - centroid[a]!)));
      expect(Array.from(hull.contains(beyond)).every((v) => v === 0)).toBe(true);
      const within = verts.map((v) => v.map((x, a) => centroid[a]! + 0.999 * (x - centroid[a]!)));
      expect(Array.from(hull.contains(within)).every((v) => v === 1)).toBe(true);
    });
  }
  it('degenerate sets: a plane in 4-D, one point, duplicates', () => {
    const rng = new Rng(5);
    const plane = Array.from({ length: 40 }, () => [rng.uniform(), rng.uniform(), 0.5, 0.25]);
    const hull = convexHull(plane);
    expect(Array.from(hull.contains(plane)).every((v) => v === 1)).toBe(true);
    expect(Array.from(hull.contains([[0.5, 0.5, 0.5 + 1e-6, 0.25]]))).toEqual([0]);
    const one = convexHull([[1, 2, 3], [1, 2, 3]]);
    expect(one.nVertices).toBe(1);
    expect(Array.from(one.contains([[1, 2, 3], [1, 2, 3.001]]))).toEqual([1, 0]);
    expect(hullDistance(Float64Array.of(0, 0, 1, 0, 0, 1), 3, 2, Float64Array.of(1, 1))).toBeCloseTo(1, 12);
    expect(codeOf(() => convexHull([]))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => convexHull([[0, NaN]]))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
  });
});

describe('minimum-volume ellipsoids against exact geometry in 1–6 dimensions', () => {
  for (let d = 1; d <= 6; d++) {
    it(`d = ${d}: the MVEE of ±semi-axes of a rotated ellipsoid is that ellipsoid; it contains all its points, boundary points inside, 1.001× outside`, () => {
      const rng = new Rng(300 + d), R = rotation(d, rng), axes = Array.from({ length: d }, (_, k) => 0.5 + k), c = Array.from({ length: d }, () => rng.normal());
      const pts: number[][] = [];
      for (let k = 0; k < d; k++) for (const s of [1, -1]) pts.push(Array.from({ length: d }, (_, a) => c[a]! + s * axes[k]! * R[a * d + k]!));
      const e = minimumVolumeEllipsoid(pts, { tol: 1e-10 });
      expect(e.rank).toBe(d);
      expectClose(e.center, c, 1e-8, 1e-9);
      // exact shape Σ = R diag(axes²) Rᵀ
      const exact = new Float64Array(d * d);
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) for (let k = 0; k < d; k++) exact[a * d + b] += R[a * d + k]! * axes[k]! ** 2 * R[b * d + k]!;
      expectClose(e.shape, Array.from(exact), 1e-6, 1e-8);
      expect(Array.from(e.contains(pts)).every((v) => v === 1)).toBe(true);
      // random points on the exact boundary are inside (within the tolerance), 1.001× outside
      const bnd = Array.from({ length: 50 }, () => {
        const z = Array.from({ length: d }, () => rng.normal()), nz = Math.hypot(...z);
        return Array.from({ length: d }, (_, a) => c[a]! + z.reduce((s, zk, k) => s + R[a * d + k]! * axes[k]! * (zk / nz), 0));
      });
      expect(Array.from(e.contains(bnd, 1e-5)).every((v) => v === 1)).toBe(true);
      const out = bnd.map((p) => p.map((x, a) => c[a]! + 1.001 * (x - c[a]!)));
      expect(Array.from(e.contains(out)).every((v) => v === 0)).toBe(true);
      const ball = [1, 2, Math.PI, (4 / 3) * Math.PI, Math.PI ** 2 / 2, (8 / 15) * Math.PI ** 2, Math.PI ** 3 / 6][d]!;
      expect(e.volume / (ball * axes.reduce((s, v) => s * v, 1))).toBeCloseTo(1, 5);
    });
    it(`d = ${d}: a random cloud — every point inside (QInfer's own test failed this), volume within 1 % of a tighter solve`, () => {
      const rng = new Rng(400 + d), pts = Array.from({ length: 60 }, () => Array.from({ length: d }, (_, k) => rng.normal() * (1 + k) + k));
      const e = minimumVolumeEllipsoid(pts);
      expect(Array.from(e.contains(pts, 0)).every((v) => v === 1)).toBe(true);
      const tight = minimumVolumeEllipsoid(pts, { tol: 1e-9 });
      expect(e.volume / tight.volume).toBeGreaterThanOrEqual(1 - 1e-9);
      expect(e.volume / tight.volume).toBeLessThan(1.01);
    });
  }
  it('flat ellipsoids: a triangle in 3-D, one point; the covariance form and QInfer’s in_ellipsoid convention', () => {
    const tri = minimumVolumeEllipsoid([[0, 0, 0], [1, 0, 0], [0, 1, 0]]);
    expect(tri.rank).toBe(2);
    expect(Array.from(tri.contains([[0, 0, 0], [1, 0, 0], [0, 1, 0], [1 / 3, 1 / 3, 0], [1 / 3, 1 / 3, 1e-3]]))).toEqual([1, 1, 1, 1, 0]);
    expect(codeOf(() => tri.A)).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    const pt = minimumVolumeEllipsoid([[2, 2]]);
    expect(Array.from(pt.contains([[2, 2], [2, 2.1]]))).toEqual([1, 0]);
    const e = EllipsoidRegion.fromCovariance([0, 0], [1, 0, 0, 4]);
    expect(Array.from(e.contains([[0, 1.99], [1.01, 0]]))).toEqual([1, 0]);
    expect(Array.from(inEllipsoid([[0, 1.99], [1.01, 0]], [1, 0, 0, 4], [0, 0]))).toEqual([1, 0]);
  });
});
