import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { QinferArgumentError, QinferError } from '../src/errors/QinferError.js';
import { ConstantDistribution } from '../src/distributions/ConstantDistribution.js';
import type { Distribution } from '../src/distributions/Distribution.js';
import { MultivariateNormalDistribution } from '../src/distributions/MultivariateNormalDistribution.js';
import { NormalDistribution } from '../src/distributions/NormalDistribution.js';
import { PostselectedDistribution } from '../src/distributions/PostselectedDistribution.js';
import { ProductDistribution } from '../src/distributions/ProductDistribution.js';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { Rng } from '../src/rng/Rng.js';
import type { Matrix } from '../src/util/particles.js';

function codeOf(f: () => unknown): { cls: unknown; code: string | undefined } {
  try {
    f();
  } catch (e) {
    return { cls: (e as object).constructor, code: (e as { code?: string }).code };
  }
  return { cls: undefined, code: undefined };
}

function column(m: Matrix, p: number): number[] {
  return Array.from({ length: m.shape[0]! }, (_, i) => m.get(i, p));
}

/** Counts how many times `sample` is called on the wrapped distribution (no spec: code, not data). */
function counting(inner: Distribution): Distribution & { calls: number } {
  const d = {
    nRvs: inner.nRvs,
    calls: 0,
    sample(n: number, rng: Rng) {
      d.calls += 1;
      return inner.sample(n, rng);
    },
  };
  return d;
}

describe('ConstantDistribution', () => {
  it('repeats its row', () => {
    const x = new ConstantDistribution([1.5, -2]).sample(3, new Rng(0));
    expect(x.shape).toEqual([3, 2]);
    expect(Array.from(x.data)).toEqual([1.5, -2, 1.5, -2, 1.5, -2]);
    expect(new ConstantDistribution(7).sample(0, new Rng(0)).shape).toEqual([0, 1]);
  });
  it('rejects an empty row and bad counts', () => {
    expect(codeOf(() => new ConstantDistribution([]))).toEqual({ cls: QinferArgumentError, code: 'ERR_SHAPE' });
    expect(codeOf(() => new ConstantDistribution([1, Infinity]))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new ConstantDistribution([1]).sample(-1, new Rng(0)))).toEqual({ cls: QinferArgumentError, code: 'ERR_PARTICLE_COUNT' });
  });
});

describe('ProductDistribution', () => {
  it('column-stacks the factors in order, each drawing from the shared generator in turn', () => {
    const u = new UniformDistribution([[10, 11], [20, 21]]);
    const c = new ConstantDistribution([-1]);
    const nd = new NormalDistribution(0, 1);
    const prod = new ProductDistribution(u, c, nd);
    expect(prod.nRvs).toBe(4);
    const x = prod.sample(5, new Rng(8));
    expect(x.shape).toEqual([5, 4]);
    // The same draws as sampling the factors one after the other from one generator.
    const rng = new Rng(8);
    const ux = u.sample(5, rng), nx = nd.sample(5, rng);
    expect(column(x, 0)).toEqual(column(ux, 0));
    expect(column(x, 1)).toEqual(column(ux, 1));
    expect(column(x, 2)).toEqual([-1, -1, -1, -1, -1]);
    expect(column(x, 3)).toEqual(column(nx, 0));
  });

  it('accepts strided (non-contiguous) factor samples', () => {
    // Column-major data seen through a transposed view: shape [n, 2], strides [1, n].
    const transposedFactor: Distribution = {
      nRvs: 2,
      sample: (n) => ndarray(Float64Array.from({ length: 2 * n }, (_, k) => (k < n ? k : 5 + k)), [2, n]).transpose(1, 0),
    };
    const x = new ProductDistribution(transposedFactor, new ConstantDistribution([3])).sample(4, new Rng(1));
    expect(Array.from(x.data)).toEqual([0, 9, 3, 1, 10, 3, 2, 11, 3, 3, 12, 3]);
  });

  it('rejects no factors, and a spec when a factor cannot be described as data', () => {
    expect(codeOf(() => new ProductDistribution())).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    const p = new ProductDistribution(counting(new ConstantDistribution([1])));
    expect(codeOf(() => p.spec())).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
  });
});

describe('PostselectedDistribution', () => {
  it('redraws invalid rows until every row is valid for the model', () => {
    // ω ~ N(0.05, 0.01): about 31% of the raw draws have ω ≤ 0, invalid for SimplePrecessionModel.
    const model = new SimplePrecessionModel();
    const inner = counting(new NormalDistribution(0.05, 0.01));
    const x = new PostselectedDistribution(inner, model).sample(2000, new Rng(6));
    expect(x.shape).toEqual([2000, 1]);
    expect(Array.from(model.areModelsValid(x)).every((v) => v === 1)).toBe(true);
    expect(inner.calls).toBeGreaterThan(1);
    // Valid draws are not distorted: the mean is that of N(0.05, 0.01) truncated to ω > 0
    // (scipy.stats.truncnorm: mean 0.1009160, sd 0.0697263), within 4 sd.
    const mean = x.data.reduce((s, v) => s + v, 0) / 2000;
    expect(Math.abs(mean - 0.100916)).toBeLessThan((4 * 0.0697263) / Math.sqrt(2000));
  });

  it('throws ERR_POSTSELECTION after maxiters rounds of redrawing', () => {
    const inner = counting(new NormalDistribution(-10, 1)); // never valid (ω > 0 needed)
    let err: unknown;
    try {
      new PostselectedDistribution(inner, new SimplePrecessionModel(), 7).sample(10, new Rng(0));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QinferError);
    expect((err as QinferError).code).toBe('ERR_POSTSELECTION');
    expect(inner.calls).toBe(1 + 7); // the first draw, then maxiters redraws
  });

  it('rejects a dimension mismatch and a bad maxiters', () => {
    const m = new SimplePrecessionModel();
    expect(codeOf(() => new PostselectedDistribution(new UniformDistribution([[0, 1], [0, 1]]), m))).toEqual({ cls: QinferArgumentError, code: 'ERR_SHAPE' });
    expect(codeOf(() => new PostselectedDistribution(new UniformDistribution([0, 1]), m, -1))).toEqual({ cls: QinferArgumentError, code: 'ERR_PARTICLE_COUNT' });
  });
});

describe('distribution specs and the registry', () => {
  const model = new SimplePrecessionModel({ minFreq: 0.1 });
  const all: Array<[string, Distribution]> = [
    ['uniform', new UniformDistribution([[0, 1], [2, 5]])],
    ['normal', new NormalDistribution(1, 2)],
    ['truncated normal, one side open', new NormalDistribution(0, 1, [0.5, null])],
    ['multivariate normal', new MultivariateNormalDistribution([0, 1], [[1, 0.3], [0.3, 2]])],
    ['constant', new ConstantDistribution([4, 5, 6])],
    ['product', new ProductDistribution(new UniformDistribution([0, 1]), new NormalDistribution(3, 1, [2, 4]), new ConstantDistribution([9]))],
    ['postselected', new PostselectedDistribution(new NormalDistribution(0.2, 0.04), model, 50)],
    ['product of postselected', new ProductDistribution(new PostselectedDistribution(new UniformDistribution([0, 1]), model), new ConstantDistribution([1]))],
  ];
  for (const [label, dist] of all) {
    it(`${label}: spec survives JSON and rebuilds an identical sampler`, () => {
      const spec = JSON.parse(JSON.stringify(dist.spec!()));
      expect(spec).toEqual(dist.spec!());
      const rebuilt = builtInRegistry().createDistribution(spec);
      expect(rebuilt.nRvs).toBe(dist.nRvs);
      expect(rebuilt.constructor).toBe(dist.constructor);
      const a = dist.sample(64, new Rng(31)), b = rebuilt.sample(64, new Rng(31));
      expect(b.shape).toEqual([64, dist.nRvs]);
      expect(Array.from(b.data)).toEqual(Array.from(a.data));
    });
  }

  it('is deterministic for a seed', () => {
    for (const [, dist] of all) {
      expect(Array.from(dist.sample(10, new Rng(77)).data)).toEqual(Array.from(dist.sample(10, new Rng(77)).data));
    }
  });

  it('rebuilding checks the params like the constructors do', () => {
    const reg = builtInRegistry();
    expect(codeOf(() => reg.createDistribution({ name: 'NoSuchDistribution' }))).toEqual({ cls: QinferArgumentError, code: 'ERR_UNKNOWN_NAME' });
    expect(codeOf(() => reg.createDistribution({ name: 'UniformDistribution', params: { ranges: [[1, 0]] } }))).toEqual({ cls: QinferArgumentError, code: 'ERR_RANGE' });
    expect(codeOf(() => reg.createDistribution({ name: 'NormalDistribution', params: { mean: 0, var: -1 } }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => reg.createDistribution({ name: 'ProductDistribution', params: {} }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(
      codeOf(() =>
        reg.createDistribution({ name: 'PostselectedDistribution', params: { dist: { name: 'ConstantDistribution', params: { values: [1] } }, model: { name: 'Nope' } } }),
      ),
    ).toEqual({ cls: QinferArgumentError, code: 'ERR_UNKNOWN_MODEL' });
  });
});
