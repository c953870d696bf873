import { SCALAR_SCHEMA, type ExpParams, type ExpSchema } from '../expparams/ExpParams.js';
import { QinferArgumentError } from '../errors/QinferError.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { TwoOutcomeModel } from './TwoOutcomeModel.js';
import { cosSquared } from '../util/cosSquared.js';

/** Options of {@link CostlyModel}. */
export interface CostlyModelOptions {
  /** Number of cosine terms per (particle, experiment): the cost knob. Default 16. */
  k?: number;
}

/**
 * A two-outcome precession model whose cost per particle is adjustable — for benchmarking
 * parallel backends, where a model must carry enough work per particle to amortise dispatch.
 * One parameter ω, a scalar experiment t (or records with a `t` field), and
 *
 *   Pr(0 | ω; t) = (1/k) Σ_{m=1..k} cos²(m ω t / 2),
 *
 * a mean of `k` precession signals at the harmonics of ω (k = 1 is SimplePrecessionModel). Each
 * term lies in [0, 1], so Pr(0) does too. Valid iff ω > 0. Cost ∝ k per (particle, experiment).
 *
 * @example
 * ```ts
 * import { CostlyModel, ExpParams } from 'qinfer-rx';
 * const m = new CostlyModel({ k: 2 });
 * m.likelihood(0, [[1]], ExpParams.scalar([1])).get(0, 0, 0); // (cos²(0.5) + cos²(1)) / 2 ≈ 0.531
 * ```
 */
export class CostlyModel extends TwoOutcomeModel {
  readonly name: string = 'CostlyModel';
  readonly nModelparams = 1;
  readonly expparamsSchema: ExpSchema = SCALAR_SCHEMA;
  readonly k: number;

  constructor(options: CostlyModelOptions = {}) {
    super();
    this.k = options.k ?? 16;
    if (!Number.isSafeInteger(this.k) || this.k < 1) throw new QinferArgumentError('ERR_ARGUMENT', `CostlyModel needs an integer k >= 1, got ${String(options.k)}`);
  }

  override get params(): Readonly<Record<string, unknown>> {
    return { k: this.k };
  }

  override get modelparamNames(): readonly string[] {
    return ['\\omega'];
  }

  /** ω is an angular frequency in radians per unit of the experiment time t. */
  override get modelparamUnits(): readonly string[] {
    return ['rad/[t]'];
  }

  private times(eps: ExpParams): Float64Array {
    return eps.isScalar ? eps.values() : eps.field('t');
  }

  override checkExpparams(eps: ExpParams): void {
    this.times(eps);
  }

  pr0Into(x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    const t = this.times(eps), nE = t.length, k = this.k, inv = 1 / k;
    for (let j = start; j < end; j++) {
      const w = x[j]!, row = j * nE;
      for (let e = 0; e < nE; e++) {
        const h = (w * t[e]!) / 2;
        let s = 0;
        for (let m = 1; m <= k; m++) {
          s += cosSquared(m * h);
        }
        out[row + e] = s * inv;
      }
    }
  }

  areModelsValid(mps: ParticlesLike): Uint8Array {
    const { x, nM } = toRowMajor(mps, 1);
    const v = new Uint8Array(nM);
    for (let j = 0; j < nM; j++) v[j] = x[j]! > 0 ? 1 : 0;
    return v;
  }
}
