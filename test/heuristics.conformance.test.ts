import { describe, expect, it } from 'vitest';
import { QinferArgumentError, QinferError } from '../src/errors/QinferError.js';
import { ExpParams, recordSchema, type ExpSchema } from '../src/expparams/ExpParams.js';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import { EnsembleHeuristic } from '../src/heuristics/EnsembleHeuristic.js';
import { ExpSparseHeuristic } from '../src/heuristics/ExpSparseHeuristic.js';
import type { Heuristic } from '../src/heuristics/Heuristic.js';
import { PGH } from '../src/heuristics/PGH.js';
import { SimpleInversionModel } from '../src/models/SimpleInversionModel.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { TwoOutcomeModel } from '../src/models/TwoOutcomeModel.js';
import { UnknownT2Model } from '../src/models/UnknownT2Model.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { Rng } from '../src/rng/Rng.js';
import { SMCUpdater } from '../src/smc/SMCUpdater.js';
import { toRowMajor, type ParticlesLike } from '../src/util/particles.js';
import { expectClose, loadFixture } from './helpers/fixtures.js';

const fx = loadFixture('heuristics.json');

/** SimpleInversionModel that counts `distance` calls (PGH calls it once per draw of two particles). */
class CountingInversionModel extends SimpleInversionModel {
  distanceCalls = 0;
  override distance(a: ParticlesLike, b: ParticlesLike): Float64Array {
    this.distanceCalls++;
    return super.distance(a, b);
  }
}

/** A one-parameter model whose experiments carry PGH's default fields `x_` and `t`. */
class DefaultFieldsModel extends TwoOutcomeModel {
  readonly name = 'DefaultFieldsModel';
  readonly nModelparams = 1;
  readonly expparamsSchema: ExpSchema = recordSchema({ name: 't', type: 'float' }, { name: 'x_', type: 'float' });
  distanceCalls = 0;
  pr0Into(_x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    out.fill(0.5, start * eps.length, end * eps.length);
  }
  areModelsValid(mps: ParticlesLike): Uint8Array {
    return new Uint8Array(toRowMajor(mps, 1).nM).fill(1);
  }
  override distance(a: ParticlesLike, b: ParticlesLike): Float64Array {
    this.distanceCalls++;
    return super.distance(a, b);
  }
}

function updaterWith(model: SimpleInversionModel | SimplePrecessionModel | DefaultFieldsModel, particles: number[][]): SMCUpdater {
  const up = new SMCUpdater(model, particles.length, new UniformDistribution([0, 1]), { rng: 2 });
  up.setParticles(particles);
  return up;
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('ExpSparseHeuristic (heuristics.json)', () => {
  it('scalar form: t = scale · base^n after n data, for the defaults and scale 0.5, base 1.5', () => {
    const up = new SMCUpdater(new SimplePrecessionModel(), 5, new UniformDistribution([0, 1]), { rng: 1 });
    const dflt = new ExpSparseHeuristic(up);
    const other = new ExpSparseHeuristic(up, { scale: 0.5, base: 1.5 });
    expect([dflt.scale, dflt.base]).toEqual([1, 9 / 8]);
    for (const row of fx.data.exp_sparse_scalar) {
      expect(up.dataRecord.length).toBe(row.n_data);
      const e = dflt.next();
      expect(e.isScalar).toBe(true);
      expect(e.length).toBe(row.shape[0]);
      expectClose(e.values(), row.default);
      expectClose(other.next().values(), row['scale0.5_base1.5']);
      up.update(0, ExpParams.scalar([0.0]));
    }
  });

  it('record form: other fields set, then t_field = t (SimpleInversionModel)', () => {
    const model = new SimpleInversionModel();
    const up = updaterWith(model, [[0.1], [0.4], [0.7]]);
    const h = new ExpSparseHeuristic(up, { scale: 2.0, base: 9 / 8, tField: 't', otherFields: { w_: 0.25 } });
    for (const row of fx.data.exp_sparse_record_fields) {
      const e = h.next();
      expect(e.fieldNames).toEqual(row.dtype.map((f: [string]) => f[0]));
      expect(e.length).toBe(row.shape[0]);
      expect(e.toRecords()).toEqual(row.records);
      up.update(0, ExpParams.records(model.expparamsSchema, [{ t: 0, w_: 0 }]));
    }
  });

  it('rejects a record model without tField, tField without otherFields, and non-finite parameters', () => {
    const up = updaterWith(new SimpleInversionModel(), [[0.5]]);
    const codes = [
      thrown(() => new ExpSparseHeuristic(up)),
      thrown(() => new ExpSparseHeuristic(up, { tField: 't' })),
      thrown(() => new ExpSparseHeuristic(up, { scale: NaN, tField: 't', otherFields: {} })),
    ].map((e) => [e instanceof QinferArgumentError, (e as QinferArgumentError).code]);
    expect(codes).toEqual([
      [true, 'ERR_EXPPARAMS_FIELD'],
      [true, 'ERR_ARGUMENT'],
      [true, 'ERR_ARGUMENT'],
    ]);
  });

  it('rebuilt from the registry, it gives the same experiments', () => {
    const up = new SMCUpdater(new SimplePrecessionModel(), 5, new UniformDistribution([0, 1]), { rng: 1 });
    up.update(0, ExpParams.scalar([0]));
    const h = builtInRegistry().createHeuristic({ name: 'ExpSparseHeuristic', params: { scale: 0.5, base: 1.5 } }, up, new Rng(0));
    expect(Array.from(h.next().values())).toEqual([0.75]);
  });
});

describe('PGH (heuristics.json)', () => {
  it('experimentFor the injected pairs: t = 1/‖x − x′‖₁, w_ = x', () => {
    const model = new SimpleInversionModel();
    const pgh = new PGH(updaterWith(model, [[0.5], [0.6]]), new Rng(0), { invField: 'w_', tField: 't' });
    for (const c of fx.data.pgh) {
      expectClose(model.distance([c.x], [c.xp]), c.distance);
      const e = pgh.experimentFor(Float64Array.from(c.x), Float64Array.from(c.xp));
      expect(e.fieldNames).toEqual(c.expparams.dtype.map((f: [string]) => f[0]));
      expect(e.length).toBe(1);
      const r = e.record(0), want = c.expparams.records[0];
      expectClose([r['t'] as number, r['w_'] as number], [want.t, want.w_]);
    }
  });

  it('defaults: invField x_, tField t, identity functions, maxiters 10', () => {
    const d = fx.data.pgh_defaults;
    const model = new DefaultFieldsModel();
    const pgh = new PGH(updaterWith(model, [[0.5], [0.5]]), new Rng(0));
    const r = pgh.experimentFor(Float64Array.of(0.3), Float64Array.of(0.8)).record(0);
    expect(Object.keys(r).sort()).toEqual([d.inv_field, d.t_field].sort());
    expect(r[d.inv_field]).toBe(0.3); // identity inv_func
    expect(r[d.t_field]).toBe(1 / 0.5); // identity t_func
    model.distanceCalls = 0;
    expect(() => pgh.next()).toThrow(QinferError);
    expect(model.distanceCalls).toBe(d.maxiters);
  });

  it('identical particles: QinferError ERR_HEURISTIC after maxiters draws', () => {
    const model = new CountingInversionModel();
    for (const maxiters of [undefined, 3]) {
      model.distanceCalls = 0;
      const pgh = new PGH(updaterWith(model, [[0.4], [0.4]]), new Rng(1), { invField: 'w_', maxiters });
      const e = thrown(() => pgh.next());
      expect(e).toBeInstanceOf(QinferError);
      expect((e as QinferError).code).toBe('ERR_HEURISTIC');
      expect(fx.data.pgh_identical_particles_error.type).toBe('RuntimeError');
      expect(model.distanceCalls).toBe(maxiters ?? 10);
    }
  });

  it('next() draws two distinct particles from the posterior', () => {
    const pgh = new PGH(updaterWith(new SimpleInversionModel(), [[0.2], [0.7]]), new Rng(5), { invField: 'w_' });
    for (let k = 0; k < 20; k++) {
      const r = pgh.next().record(0);
      expect(r['t']).toBeCloseTo(2, 12);
      expect([0.2, 0.7]).toContain(r['w_']);
    }
    // A scalar-experiment model gets t alone.
    const scalar = new PGH(updaterWith(new SimplePrecessionModel(), [[0.2], [0.7]]), new Rng(5)).next();
    expect(scalar.isScalar).toBe(true);
    expect(scalar.values()[0]).toBeCloseTo(2, 12);
  });

  it('model distance: UnknownT2Model on the fixture inputs (row-wise L1 of Q (a − b))', () => {
    expectClose(new UnknownT2Model().distance(fx.produced_by.args.distance_a, fx.produced_by.args.distance_b), fx.data.distance_unknown_t2);
  });
});

describe('EnsembleHeuristic', () => {
  /** A heuristic that always returns the scalar experiment [k]. */
  const constant = (k: number): Heuristic => ({ next: () => ExpParams.scalar([k]) });

  it('picks each heuristic with its (normalised) probability (within 4 sd over 30000 picks)', () => {
    const ps = [2, 0, 5, 3];
    const ens = new EnsembleHeuristic(ps.map((p, k) => [constant(k), p] as const), new Rng(13));
    const m = 30000, counts = [0, 0, 0, 0];
    for (let i = 0; i < m; i++) counts[ens.next().values()[0]!]!++;
    expect(counts[1]).toBe(0);
    for (const k of [0, 2, 3]) {
      const p = ps[k]! / 10;
      expect(Math.abs(counts[k]! - m * p), `heuristic ${k}`).toBeLessThan(4 * Math.sqrt(m * p * (1 - p)));
    }
  });

  it('never picks a zero-probability heuristic, even past the rounded cumulative sum', () => {
    // These probabilities normalise to a cumulative sum of 1 − 2⁻⁵²; u = 1 − 2⁻⁵³ lies beyond it.
    const ps = [0.909, 0.063, 0.261, 0.332, 0.498, 0.289, 0];
    const ens = new EnsembleHeuristic(ps.map((p, k) => [constant(k), p] as const), { uniform: () => 1 - 2 ** -53 } as unknown as Rng);
    expect(ens.next().values()[0]).toBe(5);
  });

  it('rejects no heuristics, negative or non-finite probabilities, and all-zero probabilities', () => {
    const rng = new Rng(0);
    for (const bad of [[], [[constant(0), -1]], [[constant(0), NaN]], [[constant(0), 0], [constant(1), 0]]] as Array<Array<[Heuristic, number]>>) {
      const e = thrown(() => new EnsembleHeuristic(bad, rng));
      expect(e).toBeInstanceOf(QinferArgumentError);
      expect((e as QinferArgumentError).code).toBe('ERR_ARGUMENT');
    }
  });
});

describe('EnsembleHeuristic from the registry', () => {
  it('builds its members by name and picks with the given probabilities', () => {
    const up = new SMCUpdater(new SimplePrecessionModel(), 5, new UniformDistribution([0, 1]), { rng: 1 });
    const spec = {
      name: 'EnsembleHeuristic',
      params: {
        ensemble: [
          { heuristic: { name: 'ExpSparseHeuristic', params: { scale: 2 } }, p: 0.25 },
          { heuristic: { name: 'ExpSparseHeuristic', params: { scale: 3 } }, p: 0.75 },
        ],
      },
    };
    const h = builtInRegistry().createHeuristic(JSON.parse(JSON.stringify(spec)), up, new Rng(3));
    const m = 4000;
    let twos = 0;
    for (let i = 0; i < m; i++) {
      const v = h.next().values()[0]!;
      expect([2, 3]).toContain(v);
      if (v === 2) twos++;
    }
    expect(Math.abs(twos - m / 4)).toBeLessThan(4 * Math.sqrt((m * 3) / 16));
    const bad = thrown(() => builtInRegistry().createHeuristic({ name: 'EnsembleHeuristic', params: {} }, up, new Rng(0)));
    expect((bad as QinferArgumentError).code).toBe('ERR_ARGUMENT');
  });
});
