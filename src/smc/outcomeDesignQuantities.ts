import { QinferArgumentError, QinferError } from '../errors/QinferError.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import type { Model } from '../models/Model.js';
import type { Rng } from '../rng/Rng.js';
import { checkCount } from '../util/checkCount.js';
import { neumaierError } from '../util/compensatedSum.js';
import { matrix } from '../util/particles.js';
import { EPS } from './constants.js';

/** Posterior variance `V(d)` and information gain `KL(d)` after outcome `d`, with its predictive probability `N(d)`. */
interface OutcomeTerms {
  readonly N: number;
  readonly V: number;
  readonly KL: number;
}

/**
 * For one experiment and outcome: `L_i = Pr(d | x_i; e)`, `N = Σ w_i L_i`, `w'_i = w_i L_i / N`,
 * `V = Σ w'_i Σ_k Q_k (x_ik − μ'_k)²`, `KL = Σ w'_i ln(w'_i / w_i) = Σ w'_i ln(L_i / N)`.
 */
function outcomeTerms(model: Model, x: Float64Array, w: Float64Array, nM: number, d: number, e: ExpParams, L: Float64Array, mu: Float64Array): OutcomeTerms {
  model.likelihood([d], matrix(x, nM, model.nModelparams), e, L);
  const nP = model.nModelparams, Q = model.Q;
  let N = 0;
  for (let i = 0; i < nM; i++) {
    const l = L[i]!;
    if (!(l >= 0 && l <= 1 + 1e-12)) {
      throw new QinferError('ERR_INVALID_LIKELIHOOD', `likelihood of particle ${i} is ${l} (outcome ${d})`, { details: { particle: i, value: l, outcome: d } });
    }
    N += w[i]! * l;
  }
  if (!(N > EPS * EPS)) return { N, V: 0, KL: 0 }; // (numerically) impossible outcome: no weight
  mu.fill(0);
  for (let i = 0; i < nM; i++) {
    const wi = (w[i]! * L[i]!) / N;
    for (let p = 0; p < nP; p++) mu[p] += wi * x[i * nP + p]!;
  }
  let V = 0, KL = 0;
  for (let i = 0; i < nM; i++) {
    const wi = (w[i]! * L[i]!) / N;
    if (wi === 0) continue;
    let q = 0;
    for (let p = 0; p < nP; p++) q += Q[p]! * (x[i * nP + p]! - mu[p]!) ** 2;
    V += wi * q;
    KL += wi * Math.log(L[i]! / N);
  }
  return { N, V, KL };
}

/** Result of {@link designByOutcomeSampling}: estimates and their standard errors, one per experiment. */
export interface SampledDesign {
  readonly bayesRisk: Float64Array;
  readonly bayesRiskError: Float64Array;
  readonly informationGain: Float64Array;
  readonly informationGainError: Float64Array;
  /** Distinct outcomes met per experiment (each costs one likelihood pass over the particles). */
  readonly distinctOutcomes: Int32Array;
}

/** Options of {@link designByOutcomeSampling}. */
export interface OutcomeSamplingOptions {
  /** Outcomes drawn per experiment, default 1000. */
  readonly nSamples?: number;
  /** The generator of the draws (required: estimates are reproducible from the seed). */
  readonly rng: Rng;
}

/**
 * Bayes risk and expected information gain of each candidate experiment, estimated by sampling
 * outcomes — for models whose outcome space is too large to enumerate (a multinomial over many
 * shots) or unbounded (photon counts, {@link PoissonCountModel}). For experiment `e`, draw
 * `S = nSamples` outcomes from the predictive distribution `p(d | e) = Σ_i w_i L(d | x_i; e)`
 * (a particle `i ~ w`, then `d ~ L(· | x_i; e)` by the model's own simulation), and average
 *
 *   r̂(e) = (1/S) Σ_s V(d_s),   ĝ(e) = (1/S) Σ_s KL(d_s),
 *
 * where `V(d)` is the posterior Q-weighted variance and `KL(d) = Σ_i w_i(d) ln(w_i(d)/w_i)` the
 * information gain after outcome `d` — unbiased estimators of QInfer's
 * `bayes_risk = Σ_d N(d) V(d)` and `expected_information_gain = Σ_d N(d) KL(d)`. Their standard
 * errors are the sample standard deviations over √S, `se = √(Σ_s (V(d_s) − r̂)² / (S (S − 1)))`,
 * so a 95 % interval is `r̂ ± 1.96 se`; the error falls as `1/√S`. Each distinct outcome costs one
 * likelihood pass over the particles (repeats are cached). Particles and outcomes are drawn from
 * `rng` in order: reproducible from its seed.
 *
 * @example
 * ```ts
 * import { designByOutcomeSampling, Rng } from 'qinfer-rx';
 * const d = designByOutcomeSampling(model, up.locations, up.particleWeights, up.nParticles, eps, { nSamples: 2000, rng: new Rng(1) });
 * d.bayesRisk[0]; // ± d.bayesRiskError[0]
 * ```
 */
export function designByOutcomeSampling(model: Model, x: Float64Array, w: Float64Array, nM: number, eps: ExpParams, options: OutcomeSamplingOptions): SampledDesign {
  const S = options.nSamples ?? 1000;
  checkCount(S, 'nSamples');
  if (S < 2) throw new QinferArgumentError('ERR_ARGUMENT', 'nSamples must be at least 2 (the standard error needs two samples)');
  const rng = options.rng;
  if (rng === undefined || typeof rng.uniform !== 'function') throw new QinferArgumentError('ERR_ARGUMENT', 'designByOutcomeSampling needs an rng');
  if (eps.length === 0) throw new QinferArgumentError('ERR_SHAPE', 'no candidate experiments');
  const nP = model.nModelparams, nE = eps.length;
  const cdf = new Float64Array(nM);
  let c = 0;
  for (let i = 0; i < nM; i++) cdf[i] = c += w[i]!;
  let last = nM - 1;
  while (last > 0 && !(w[last]! > 0)) last--;
  const out: SampledDesign = {
    bayesRisk: new Float64Array(nE),
    bayesRiskError: new Float64Array(nE),
    informationGain: new Float64Array(nE),
    informationGainError: new Float64Array(nE),
    distinctOutcomes: new Int32Array(nE),
  };
  const L = new Float64Array(nM), mu = new Float64Array(nP);
  for (let k = 0; k < nE; k++) {
    const e = eps.at(k), cache = new Map<number, OutcomeTerms>();
    let sV = 0, sV2 = 0, sK = 0, sK2 = 0;
    for (let s = 0; s < S; s++) {
      const u = rng.uniform() * c;
      let lo = 0, hi = nM;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cdf[mid]! <= u) lo = mid + 1;
        else hi = mid;
      }
      const i = Math.min(lo, last);
      const d = model.simulateExperiment(x.subarray(i * nP, (i + 1) * nP), e, rng).data[0]!;
      let t = cache.get(d);
      if (t === undefined) cache.set(d, (t = outcomeTerms(model, x, w, nM, d, e, L, mu)));
      sV += t.V;
      sV2 += t.V * t.V;
      sK += t.KL;
      sK2 += t.KL * t.KL;
    }
    const mV = sV / S, mK = sK / S;
    out.bayesRisk[k] = mV;
    out.informationGain[k] = mK;
    out.bayesRiskError[k] = Math.sqrt(Math.max(0, sV2 - S * mV * mV) / (S * (S - 1)));
    out.informationGainError[k] = Math.sqrt(Math.max(0, sK2 - S * mK * mK) / (S * (S - 1)));
    out.distinctOutcomes[k] = cache.size;
  }
  return out;
}

/** Result of {@link designByOutcomeEnumeration}, one entry per experiment. */
export interface EnumeratedDesign {
  readonly bayesRisk: Float64Array;
  readonly informationGain: Float64Array;
  /** `1 − Σ_{d ≤ D} N(d)`: the predictive probability of the outcomes not enumerated. */
  readonly neglectedMass: Float64Array;
  /** A bound on the Bayes risk those outcomes could add: `neglectedMass · Σ_k Q_k (max x_k − min x_k)²`. */
  readonly bayesRiskBound: Float64Array;
  /** Number of outcomes summed. */
  readonly nOutcomes: Int32Array;
}

/** Options of {@link designByOutcomeEnumeration}. */
export interface OutcomeEnumerationOptions {
  /**
   * Stop once the predictive mass not yet enumerated is ≤ this; default 1e-12. Values below
   * `8 · 2⁻⁵² ≈ 1.8e-15` are raised to it: the sums themselves are only that accurate.
   */
  readonly massTolerance?: number;
  /** Give up (`ERR_ARGUMENT`) after this many outcomes; default 1e5. */
  readonly maxOutcomes?: number;
}

/**
 * Bayes risk and expected information gain by summing outcomes `d = 0, 1, 2, …` in order until
 * the predictive probability left, `1 − Σ_d N(d)`, is at most `massTolerance` (or the model's
 * outcomes are exhausted): QInfer's sums `Σ_d N(d) V(d)` and `Σ_d N(d) KL(d)` made finite for an
 * unbounded outcome space such as photon counts. The result is exact up to the neglected terms,
 * which are reported (`neglectedMass`, and for the risk the bound
 * `neglectedMass · Σ_k Q_k (max_i x_ik − min_i x_ik)²`, since no posterior variance exceeds the
 * squared spread of the particles). Cost: one likelihood pass over the particles per outcome.
 *
 * @example
 * ```ts
 * import { designByOutcomeEnumeration } from 'qinfer-rx';
 * const d = designByOutcomeEnumeration(nvModel, up.locations, up.particleWeights, up.nParticles, eps);
 * d.bayesRisk[0]; // exact to ≤ d.bayesRiskBound[0]
 * ```
 */
export function designByOutcomeEnumeration(model: Model, x: Float64Array, w: Float64Array, nM: number, eps: ExpParams, options: OutcomeEnumerationOptions = {}): EnumeratedDesign {
  const tolGiven = options.massTolerance ?? 1e-12, maxO = options.maxOutcomes ?? 1e5;
  if (!(tolGiven >= 0 && tolGiven < 1)) throw new QinferArgumentError('ERR_ARGUMENT', `massTolerance must be in [0, 1), got ${tolGiven}`);
  const tol = Math.max(tolGiven, 8 * EPS);
  checkCount(maxO, 'maxOutcomes');
  if (eps.length === 0) throw new QinferArgumentError('ERR_SHAPE', 'no candidate experiments');
  const nP = model.nModelparams, nE = eps.length, Q = model.Q;
  let spread = 0;
  for (let p = 0; p < nP; p++) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < nM; i++) {
      lo = Math.min(lo, x[i * nP + p]!);
      hi = Math.max(hi, x[i * nP + p]!);
    }
    spread += Q[p]! * (hi - lo) ** 2;
  }
  let total = 0, tc = 0;
  for (let i = 0; i < nM; i++) {
    const t = total + w[i]!;
    tc += neumaierError(total, w[i]!, t);
    total = t;
  }
  total += tc;
  const out: EnumeratedDesign = {
    bayesRisk: new Float64Array(nE),
    informationGain: new Float64Array(nE),
    neglectedMass: new Float64Array(nE),
    bayesRiskBound: new Float64Array(nE),
    nOutcomes: new Int32Array(nE),
  };
  const L = new Float64Array(nM), mu = new Float64Array(nP);
  for (let k = 0; k < nE; k++) {
    const e = eps.at(k), nO = model.nOutcomes(e, 0);
    let mass = 0, comp = 0, r = 0, g = 0, d = 0; // mass by Neumaier's compensated sum
    for (; d < nO && total - (mass + comp) > tol; d++) {
      if (d >= maxO) throw new QinferArgumentError('ERR_ARGUMENT', `more than ${maxO} outcomes needed to reach a neglected mass of ${tol} (left: ${total - mass - comp})`, { details: { experiment: k } });
      const t = outcomeTerms(model, x, w, nM, d, e, L, mu);
      const sum = mass + t.N;
      comp += neumaierError(mass, t.N, sum);
      mass = sum;
      r += t.N * t.V;
      g += t.N * t.KL;
    }
    out.bayesRisk[k] = r;
    out.informationGain[k] = g;
    out.neglectedMass[k] = Math.max(0, total - mass - comp);
    out.bayesRiskBound[k] = out.neglectedMass[k]! * spread;
    out.nOutcomes[k] = d;
  }
  return out;
}
