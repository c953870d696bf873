import { QinferArgumentError } from '../errors/QinferError.js';
import type { Rng } from '../rng/Rng.js';
import { matrix, toRowMajor, type Matrix } from '../util/particles.js';
import { checkCount } from '../util/checkCount.js';
import type { Distribution, DistributionSpec } from './Distribution.js';
import { requireSpec } from './requireSpec.js';

/** Options of {@link MixtureDistribution}. */
export interface MixtureOptions {
  /**
   * True (default): sample `i` comes from a component drawn independently for it. False: the
   * samples come grouped by component (all of component 0 first), as QInfer's `shuffle=False`.
   */
  readonly shuffle?: boolean;
}

const WEIGHT_TOLERANCE = 1e-9;

/**
 * A finite mixture (QInfer's `MixtureDistribution`): with probability `w_k` a sample comes from
 * component `D_k`,
 *
 *   π(x) = Σ_k w_k π_k(x),   Σ_k w_k = 1.
 *
 * Sampling draws a component for each of the `n` samples (one uniform each, inverse CDF over the
 * weights: the component counts are Multinomial(n, w) as QInfer's `np.random.multinomial`), then
 * draws each component's samples in one `sample(n_k, rng)` call, in component order, and puts
 * them where that component was drawn — so the order is random without QInfer's extra shuffle.
 * QInfer's other form (a distribution class plus per-component argument arrays) is covered by
 * passing the built components.
 *
 * Bad input: no components, a length mismatch, a negative or non-finite weight, weights not
 * summing to 1 within 1e-9, or components of different `nRvs` → `ERR_ARGUMENT` / `ERR_SHAPE`.
 *
 * @example
 * ```ts
 * import { MixtureDistribution, NormalDistribution, Rng } from 'qinfer-rx';
 * const bimodal = new MixtureDistribution([0.3, 0.7], [new NormalDistribution(-1, 0.01), new NormalDistribution(1, 0.01)]);
 * bimodal.sample(1000, new Rng(5)).shape; // [1000, 1]; about 30 % near −1
 * ```
 */
export class MixtureDistribution implements Distribution {
  readonly nRvs: number;
  readonly weights: Float64Array;
  readonly components: readonly Distribution[];
  readonly shuffle: boolean;
  private readonly cdf: Float64Array;

  constructor(weights: ArrayLike<number>, components: readonly Distribution[], options: MixtureOptions = {}) {
    const k = components?.length ?? 0;
    if (k === 0) throw new QinferArgumentError('ERR_ARGUMENT', 'MixtureDistribution needs at least one component');
    if (weights?.length !== k) throw new QinferArgumentError('ERR_SHAPE', `${weights?.length ?? 0} weights for ${k} components`);
    const w = Float64Array.from(weights);
    let s = 0;
    for (let i = 0; i < k; i++) {
      if (!(w[i]! >= 0) || !Number.isFinite(w[i]!)) throw new QinferArgumentError('ERR_ARGUMENT', `mixture weight ${i} is ${w[i]}`);
      s += w[i]!;
    }
    if (!(Math.abs(s - 1) <= WEIGHT_TOLERANCE)) throw new QinferArgumentError('ERR_ARGUMENT', `mixture weights sum to ${s}, not 1`);
    const d = components[0]!.nRvs;
    components.forEach((c, i) => {
      if (typeof c?.sample !== 'function') throw new QinferArgumentError('ERR_ARGUMENT', `component ${i} is not a distribution`);
      if (c.nRvs !== d) throw new QinferArgumentError('ERR_SHAPE', `component ${i} has ${c.nRvs} random variables, component 0 has ${d}`);
    });
    this.weights = w.map((x) => x / s);
    this.components = components;
    this.nRvs = d;
    this.shuffle = options.shuffle ?? true;
    this.cdf = new Float64Array(k);
    let c = 0;
    for (let i = 0; i < k; i++) this.cdf[i] = c += this.weights[i]!;
  }

  sample(n: number, rng: Rng): Matrix {
    checkCount(n, 'sample count', true);
    const k = this.components.length, d = this.nRvs;
    const which = new Int32Array(n), counts = new Int32Array(k);
    let last = k - 1;
    while (last > 0 && !(this.weights[last]! > 0)) last--;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      let j = 0;
      while (j < last && this.cdf[j]! <= u) j++;
      which[i] = j;
      counts[j] = counts[j]! + 1;
    }
    // One draw per component, in component order, then scattered to where it was chosen.
    const xs: Float64Array[] = [];
    for (let j = 0; j < k; j++) {
      const nj = counts[j]!;
      const x = nj === 0 ? new Float64Array(0) : toRowMajor(this.components[j]!.sample(nj, rng), d).x;
      if (x.length !== nj * d) throw new QinferArgumentError('ERR_SHAPE', `component ${j} returned ${x.length / d} samples, ${nj} requested`);
      xs.push(x);
    }
    const out = new Float64Array(n * d);
    if (!this.shuffle) {
      let at = 0;
      for (const x of xs) {
        out.set(x, at);
        at += x.length;
      }
      return matrix(out, n, d);
    }
    const cursor = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const j = which[i]!, r = cursor[j]!;
      cursor[j] = r + 1;
      out.set(xs[j]!.subarray(r * d, (r + 1) * d), i * d);
    }
    return matrix(out, n, d);
  }

  spec(): DistributionSpec {
    return {
      name: 'MixtureDistribution',
      params: { weights: Array.from(this.weights), components: this.components.map((c, i) => requireSpec(c, `mixture component ${i}`)), shuffle: this.shuffle },
    };
  }
}
