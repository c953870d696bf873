import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Distribution } from '../src/distributions/Distribution.js';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import { countsTable } from '../src/estimation/countsData.js';
import { simpleEstFromCounts, simpleEstPrec, simpleEstRb } from '../src/estimation/simpleEst.js';
import { UnknownT2Model } from '../src/models/UnknownT2Model.js';
import { rbFidelity } from '../src/models/rbFidelity.js';
import type { Rng } from '../src/rng/Rng.js';
import { matrix } from '../src/util/particles.js';
import { codeOf } from './helpers/codeOf.js';
import { fixtureExpParams } from './helpers/fixtureRecords.js';
import { expectClose, flat, loadFixture } from './helpers/fixtures.js';

const fx = loadFixture('parity_simple_est.json');
const csv = (name: string): string => readFileSync(fileURLToPath(new URL(`../examples/${name}`, import.meta.url)), 'utf8');

/** A prior whose samples are a fixed cloud (QInfer's FixedCloud in the generator). */
function fixedCloud(rows: number[][]): Distribution {
  const d = rows[0]!.length, x = Float64Array.from(rows.flat());
  return { nRvs: d, sample: (n: number, _rng: Rng) => (expect(n).toBe(rows.length), matrix(x.slice(), n, d)) };
}

const run = {
  prec: (data: number[][] | string, opts: object) => simpleEstPrec(data, opts),
  rb: (data: number[][] | string, opts: object) => simpleEstRb(data, opts),
  irb: (data: number[][] | string, opts: object) => simpleEstRb(data, { interleaved: true, ...opts }),
};

for (const key of ['prec', 'rb', 'irb'] as const) {
  describe(`simple_est (${key}) against QInfer (parity_simple_est.json)`, () => {
    const c = fx.data[key];
    const rows = c.rows.values as number[][];
    it('reads the rows (positional, as QInfer) and the example CSV (with a header) into QInfer’s outcomes and experiments', () => {
      for (const data of [rows, csv(c.csv)]) {
        const est = run[key](data, { nParticles: 50, updater: { zeroWeightPolicy: 'skip' } });
        expect(Array.from(est.data.outcomes)).toEqual(flat(c.outcomes));
        const want = fixtureExpParams(est.model.expparamsSchema, c.expparams);
        for (const f of want.fieldNames) expect(Array.from(est.data.experiments.field(f))).toEqual(Array.from(want.field(f)));
      }
    });
    it('updates from QInfer’s fixed cloud with resampling off: weights, means after each datum, normalisations, covariance (1e-12)', () => {
      const used = c.rows_used_with_fixed_cloud as number;
      const cloud = c.fixed_cloud.values as number[][];
      const est = run[key](rows.slice(0, used), { nParticles: cloud.length, prior: fixedCloud(cloud), updater: { resampleThresh: 0 } });
      expectClose(est.updater.particleWeights, c.weights, 1e-10, 1e-15);
      expectClose(est.mean, c.mean);
      expectClose(est.covariance, c.covariance, 1e-10, 1e-15);
      expectClose(est.updater.normalizationRecord, c.normalization_record);
      expect(est.updater.nEss).toBeCloseTo(c.n_ess, 8);
    });
  });
}

describe('the full estimators on the example data', () => {
  it('simple_est_prec: 6000 particles, ω within a posterior standard deviation of QInfer’s estimate and of the truth', () => {
    const est = simpleEstPrec(csv('precession-counts.csv'));
    const q = fx.data.prec.qinfer_simple_est;
    expect(est.updater.nParticles).toBe(6000);
    expect(Math.abs(est.mean[0]! - flat(q.mean)[0]!)).toBeLessThan(est.sd[0]!);
    expect(Math.abs(est.mean[0]! - 0.37)).toBeLessThan(2 * est.sd[0]!);
  });
  it('simple_est_rb: 8000 particles; p, A, B near the exact posterior (grid) within 3 standard deviations; the fidelity is F(p)', () => {
    const est = simpleEstRb(csv('rb-counts.csv'));
    const mean = flat(fx.data.rb.exact_posterior.mean), sd = flat(fx.data.rb.exact_posterior.sd);
    expect(est.updater.nParticles).toBe(8000);
    for (let p = 0; p < 3; p++) expect(Math.abs(est.mean[p]! - mean[p]!)).toBeLessThan(3 * Math.max(est.sd[p]!, sd[p]!));
    expect(est.fidelity.reference.mean).toBeCloseTo(rbFidelity(est.mean[0]!), 14);
    expect(est.fidelity.reference.sd).toBeCloseTo(est.sd[0]! / 2, 14);
    expect(est.names).toEqual(['p', 'A', 'B']);
  });
  it('interleaved: reports the gate fidelity F(p̃) and the reference F(p_ref)', () => {
    const est = simpleEstRb(csv('irb-counts.csv'), { interleaved: true, dimension: 2 });
    expect(est.fidelity.gate!.mean).toBeCloseTo(rbFidelity(est.mean[0]!), 14);
    expect(est.fidelity.reference.mean).toBeCloseTo(rbFidelity(est.mean[1]!), 14);
    const mean = flat(fx.data.irb.exact_posterior.mean), sd = flat(fx.data.irb.exact_posterior.sd);
    expect(Math.abs(est.mean[1]! - mean[1]!)).toBeLessThan(4 * Math.max(est.sd[1]!, sd[1]!));
  });
});

describe('counts data: forms and errors', () => {
  it('accepts records and CSV with named columns in any order, aliases, comments and booleans', () => {
    const a = countsTable([{ counts: 3, t: 1.5, n_shots: 10 }, { counts: 7, t: 3, n_shots: 10 }], ['x'], { x: ['t'] });
    expect(Array.from(a.fields['x']!)).toEqual([1.5, 3]);
    const b = countsTable('# a comment\nshots,reference,m,counts\n100,true,4,97\n100,false,4,90\n', ['m', 'reference']);
    expect(Array.from(b.counts)).toEqual([97, 90]);
    expect(Array.from(b.fields['reference']!)).toEqual([1, 0]);
    const t2 = simpleEstFromCounts(new UnknownT2Model(), [[20, 1, 40], [25, 3, 40]], { nParticles: 200, ranges: [[0, 1], [0, 0.5]] });
    expect(t2.mean.length).toBe(2);
  });
  it('rejects counts above n_shots, missing columns, non-numbers, empty data, wrong prior ranges', () => {
    expect(codeOf(() => simpleEstRb([[120, 4, 100]], { nParticles: 10 }))).toEqual({ cls: QinferArgumentError, code: 'ERR_OUTCOME' });
    expect(codeOf(() => simpleEstRb('counts,n_shots\n3,10\n', { nParticles: 10 }))).toEqual({ cls: QinferArgumentError, code: 'ERR_SHAPE' });
    expect(codeOf(() => simpleEstRb('counts,m,n_shots\n3,x,10\n', { nParticles: 10 }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => simpleEstRb([[3, 4]], { nParticles: 10 }))).toEqual({ cls: QinferArgumentError, code: 'ERR_SHAPE' });
    expect(codeOf(() => simpleEstRb('', { nParticles: 10 }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => simpleEstRb([[3, 2.5, 10]], { nParticles: 10 }))).toEqual({ cls: QinferArgumentError, code: 'ERR_EXPPARAMS_FIELD' });
    expect(codeOf(() => simpleEstFromCounts(new UnknownT2Model(), [[1, 1, 2]], { ranges: [[0, 1]] }))).toEqual({ cls: QinferArgumentError, code: 'ERR_RANGE' });
  });
});
