import { describe, expect, it } from 'vitest';
import { importOptionalPeers, isModuleNotFound, missingPeerError } from '../src/errors/optionalPeer.js';
import { formatUnit, modelparamLabel, unicodeName } from '../src/models/modelparamLabel.js';
import { CoinModel, MultiCosModel, SimplePrecessionModel, UniformDistribution, UnknownT2Model, BinomialModel, SMCUpdater, Rng, ParticleDistribution } from '../src/index.js';
import { credibleInterval } from '../src/smc/credibleInterval.js';
import { kdeBandwidth } from '../src/smc/kdeBandwidth.js';
import { formatUncertainty, powerOfTen } from '../src/util/formatUncertainty.js';

describe('parameter names and units for display', () => {
  it('turns LaTeX names into Unicode', () => {
    expect(unicodeName('T_2^{-1}')).toBe('T₂⁻¹');
    expect(unicodeName('\\omega')).toBe('ω');
    expect(unicodeName('x_{12}')).toBe('x₁₂');
    expect(unicodeName('$\\Omega_R$')).toBe('Ω_R'); // no subscript R in Unicode: kept readable
    expect(unicodeName('\\mathrm{Rabi}^{2}')).toBe('Rabi²');
  });

  it('labels model parameters with their units from the model', () => {
    expect(modelparamLabel(new SimplePrecessionModel(), 0)).toBe('ω (rad/[t])');
    expect(modelparamLabel(new UnknownT2Model(), 1)).toBe('T₂⁻¹ ([t]⁻¹)');
    expect(modelparamLabel(new UnknownT2Model(), 1, { timeUnit: 'µs' })).toBe('T₂⁻¹ (µs⁻¹)');
    expect(modelparamLabel(new CoinModel(), 0)).toBe('p'); // dimensionless
    expect(new MultiCosModel().modelparamUnits).toEqual(['rad/[t]', 'rad/[t]']);
    expect(new BinomialModel(new SimplePrecessionModel()).modelparamUnits).toEqual(['rad/[t]']); // derived: the underlying model's
    expect(modelparamLabel({ modelparamNames: ['a'] }, 0)).toBe('a'); // a model without units
    expect(formatUnit('rad/[t]', 'ns')).toBe('rad/ns');
  });
});

describe('formatUncertainty: the digits σ supports', () => {
  it.each([
    [0.42000123, 3.46e-6, '0.4200012(35)'],
    [0.42, 0.25, '0.42(25)'],
    [3.14159, 2.5, '3.1(25)'],
    [420, 35, '420(35)'],
    [0.42, 0.00996, '0.420(10)'], // 9.96 rounds to 10: one digit fewer
    [12345, 120, '1.234(12)e4'],
    [1.2345e-5, 1.2e-9, '1.23450(12)e-5'],
    [-0.5, 0.01, '-0.500(10)'],
    [0.42, 0, '0.42(0)'],
    [0.42, Number.NaN, '0.42 ± NaN'],
  ])('%s ± %s → %s', (v, s, text) => {
    expect(formatUncertainty(v, s)).toBe(text);
  });

  it('writes powers of ten with superscripts', () => {
    expect([powerOfTen(-6), powerOfTen(0), powerOfTen(12)]).toEqual(['10⁻⁶', '10⁰', '10¹²']);
  });
});

describe('credibleInterval and kdeBandwidth', () => {
  it('are the weighted quantiles of the cloud', () => {
    // 100 particles at 0.01 … 1.00, equal weights: the 90 % interval is [0.05, 0.95]
    const d = new ParticleDistribution(Float64Array.from({ length: 100 }, (_, i) => (i + 1) / 100), undefined, { nRvs: 1 });
    expect(credibleInterval(d, 0, 0.9)).toEqual({ lo: 0.05, hi: 0.95 });
    // unequal weights pull the interval towards the heavy particle
    const w = new Float64Array(100).fill(0.5 / 99);
    w[10] = 0.5;
    const heavy = new ParticleDistribution(d.locations, w, { nRvs: 1 });
    expect(credibleInterval(heavy, 0, 0.5).lo).toBe(0.11);
    expect(() => credibleInterval(d, 1)).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
    expect(() => credibleInterval(d, 0, 1)).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
  });

  it('covers about 95 % of a sampled posterior, and the bandwidth shrinks as n_ess^(-1/5)', () => {
    const up = new SMCUpdater(new SimplePrecessionModel(), 4000, new UniformDistribution([0, 1]), { rng: new Rng(3) });
    const { lo, hi } = credibleInterval(up, 0, 0.95);
    expect(lo).toBeGreaterThan(0);
    expect(hi).toBeLessThan(1);
    expect(hi - lo).toBeGreaterThan(0.9);
    expect(kdeBandwidth(0.1, 32) / kdeBandwidth(0.1, 1)).toBeCloseTo(0.5, 12);
    expect(kdeBandwidth(0, 100)).toBe(0);
    expect(kdeBandwidth(Number.NaN, 100)).toBe(0);
  });
});

describe('optional peers', () => {
  it('turns a missing package into ERR_MISSING_PEER naming the install command', async () => {
    const e = await importOptionalPeers('qinfer-rx/test', ['qinfer-rx-no-such-peer'], () => import('qinfer-rx-no-such-peer' as string)).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'ERR_MISSING_PEER', details: { packages: ['qinfer-rx-no-such-peer'] } });
    expect((e as Error).message).toBe('qinfer-rx/test needs the optional peer dependency qinfer-rx-no-such-peer, which is not installed: npm i qinfer-rx-no-such-peer');
    expect(missingPeerError('qinfer-rx/cluster', ['bullmq', 'ioredis']).message).toContain('dependencies bullmq and ioredis, which are not installed: npm i bullmq ioredis');
  });

  it('lets other failures through', async () => {
    const boom = new Error('inside the peer');
    await expect(importOptionalPeers('x', ['vega'], () => Promise.reject(boom))).rejects.toBe(boom);
    expect(isModuleNotFound(Object.assign(new Error("Cannot find package 'other'"), { code: 'ERR_MODULE_NOT_FOUND' }), ['vega'])).toBe(false);
  });
});
