import { QinferArgumentError, QinferError } from '../errors/QinferError.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import type { Model } from '../models/Model.js';
import { toOutcomes } from '../models/FiniteOutcomeModel.js';
import { matrix } from '../util/particles.js';
import { EPS, LIKELIHOOD_TOLERANCE } from './constants.js';

/** Result of a hypothetical update: arrays are row-major `[nO, nE, nM]` and `[nO, nE]`. */
export interface HypotheticalUpdate {
  readonly nOutcomes: number;
  readonly nExperiments: number;
  readonly nParticles: number;
  /** Posterior weights `w[o, e, i]`. */
  readonly weights: Float64Array;
  /** Likelihood transposed to `L[o, e, i]`. */
  readonly likelihood: Float64Array;
  /** Raw normalisation `N[o, e]` (not guarded against zero). */
  readonly normalization: Float64Array;
}

/**
 * QInfer's `SMCUpdater.hypothetical_update` (`qinfer/smc.py`): for each outcome `o` and experiment `e`,
 * `u = w · L[o, :, e]`, `N = Σ_i u_i`, weights `u / N` — where `|N| < eps` the division uses 1,
 * so an impossible outcome gives all-zero weights rather than NaN; `N` itself is returned raw.
 * A likelihood that is NaN or outside `[−1e-12, 1 + 1e-12]` throws `ERR_INVALID_LIKELIHOOD` (so
 * Bayes risk and information gain are never silently NaN).
 */
export function hypotheticalUpdate(
  model: Model,
  x: Float64Array,
  w: Float64Array,
  nM: number,
  outcomes: ArrayLike<number> | number,
  eps: ExpParams,
): HypotheticalUpdate {
  const os = toOutcomes(outcomes);
  const nO = os.length, nE = eps.length;
  const L = model.likelihood(os, matrix(x, nM, model.nModelparams), eps).data; // [nO, nM, nE]
  const Lt = new Float64Array(nO * nE * nM), W = new Float64Array(nO * nE * nM), N = new Float64Array(nO * nE);
  for (let o = 0; o < nO; o++) {
    for (let e = 0; e < nE; e++) {
      const base = (o * nE + e) * nM;
      let s = 0;
      for (let i = 0; i < nM; i++) {
        const l = L[o * nM * nE + i * nE + e]!;
        if (!(l >= -LIKELIHOOD_TOLERANCE && l <= 1 + LIKELIHOOD_TOLERANCE)) {
          throw new QinferError('ERR_INVALID_LIKELIHOOD', `likelihood of particle ${i} is ${l} (outcome ${os[o]}, experiment ${e})`, {
            details: { particle: i, value: l, outcome: os[o], experiment: e },
          });
        }
        Lt[base + i] = l;
        const u = w[i]! * l;
        W[base + i] = u;
        s += u;
      }
      N[o * nE + e] = s;
      const div = Math.abs(s) < EPS ? 1 : s;
      for (let i = 0; i < nM; i++) W[base + i]! /= div;
    }
  }
  return { nOutcomes: nO, nExperiments: nE, nParticles: nM, weights: W, likelihood: Lt, normalization: N };
}

/**
 * Posterior weights for every outcome of each experiment, QInfer-style (`SMCUpdater.bayes_risk`, `qinfer/smc.py`): a
 * hypothetical update for all outcomes but the last, whose unnormalised weights are
 * `(1 − Σ_o L_o) w` (this assumes the likelihoods sum to one; an impossible last outcome gets zero
 * weights instead of QInfer's 0/0). Returns `[nO, nE, nM]` weights and
 * `[nO, nE]` normalisations. Models whose outcome count varies are handled one experiment at a
 * time by the callers.
 */
function allOutcomeWeights(model: Model, x: Float64Array, w: Float64Array, nM: number, eps: ExpParams) {
  const nO = model.nOutcomes(eps, 0);
  if (!Number.isFinite(nO)) {
    throw new QinferArgumentError('ERR_ARGUMENT', `${model.name} has unbounded outcomes: use designByOutcomeEnumeration or designByOutcomeSampling`, { details: { model: model.name } });
  }
  const nE = eps.length;
  const hyp = hypotheticalUpdate(model, x, w, nM, Array.from({ length: nO - 1 }, (_, o) => o), eps);
  const W = new Float64Array(nO * nE * nM), N = new Float64Array(nO * nE);
  W.set(hyp.weights);
  N.set(hyp.normalization);
  for (let e = 0; e < nE; e++) {
    const base = ((nO - 1) * nE + e) * nM;
    let s = 0;
    for (let i = 0; i < nM; i++) {
      let lsum = 0;
      for (let o = 0; o < nO - 1; o++) lsum += hyp.likelihood[(o * nE + e) * nM + i]!;
      const u = (1 - lsum) * w[i]!;
      W[base + i] = u;
      s += u;
    }
    N[(nO - 1) * nE + e] = s;
    // An impossible last outcome (s = 0, e.g. t = 0) gives zero weights, as hypotheticalUpdate does
    // (QInfer divides by 0 here and returns a NaN risk).
    const div = Math.abs(s) < EPS ? 1 : s;
    for (let i = 0; i < nM; i++) W[base + i]! /= div;
  }
  return { W, N, nO, nE };
}

/** Runs `f` per experiment when the outcome count varies, else once. */
function perExperiment(model: Model, eps: ExpParams, f: (eps: ExpParams) => Float64Array): Float64Array {
  if (eps.length === 0) throw new QinferArgumentError('ERR_SHAPE', 'no candidate experiments');
  if (model.isNOutcomesConstant || eps.length === 1) return f(eps);
  const out = new Float64Array(eps.length);
  for (let k = 0; k < eps.length; k++) out[k] = f(eps.at(k))[0]!;
  return out;
}

/**
 * Bayes risk of each candidate experiment (QInfer's `bayes_risk`):
 *
 *   r(e) = Σ_d N(d, e) Σ_i w_i(d, e) Σ_k Q_k (x_ik − μ_k(d, e))²,   μ(d, e) = Σ_i w_i(d, e) x_i,
 *
 * the expected posterior Q-weighted variance.
 *
 * @example
 * ```ts
 * const risks = bayesRisk(model, up.locations, up.particleWeights, up.nParticles, ExpParams.scalar([1, 2, 4]));
 * ```
 */
export function bayesRisk(model: Model, x: Float64Array, w: Float64Array, nM: number, eps: ExpParams): Float64Array {
  return perExperiment(model, eps, (E) => {
    const { W, N, nO, nE } = allOutcomeWeights(model, x, w, nM, E);
    const d = model.nModelparams, Q = model.Q, out = new Float64Array(nE), mu = new Float64Array(d);
    for (let o = 0; o < nO; o++) {
      for (let e = 0; e < nE; e++) {
        const base = (o * nE + e) * nM;
        mu.fill(0);
        for (let i = 0; i < nM; i++) for (let p = 0; p < d; p++) mu[p] += W[base + i]! * x[i * d + p]!;
        let v = 0;
        for (let i = 0; i < nM; i++) {
          let q = 0;
          for (let p = 0; p < d; p++) q += Q[p]! * (x[i * d + p]! - mu[p]!) ** 2;
          v += W[base + i]! * q;
        }
        out[e] += N[o * nE + e]! * v;
      }
    }
    return out;
  });
}

/**
 * Expected information gain of each candidate experiment (QInfer's
 * `expected_information_gain`):
 *
 *   g(e) = Σ_d N(d, e) Σ_i w_i(d, e) ln(w_i(d, e) / w_i).
 *
 * Decision: terms with `w_i(d, e) = 0` contribute 0 (the limit of `w ln w`); QInfer leaves the
 * `0 · ln 0` NaN unguarded.
 */
export function expectedInformationGain(model: Model, x: Float64Array, w: Float64Array, nM: number, eps: ExpParams): Float64Array {
  return perExperiment(model, eps, (E) => {
    const { W, N, nO, nE } = allOutcomeWeights(model, x, w, nM, E);
    const out = new Float64Array(nE);
    for (let o = 0; o < nO; o++) {
      for (let e = 0; e < nE; e++) {
        const base = (o * nE + e) * nM;
        let kl = 0;
        for (let i = 0; i < nM; i++) {
          const wi = W[base + i]!;
          if (wi > 0) kl += wi * Math.log(wi / w[i]!);
        }
        out[e] += N[o * nE + e]! * kl;
      }
    }
    return out;
  });
}
