import ndarray from 'ndarray';
import { QinferArgumentError } from '../errors/QinferError.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import type { ParticlesLike } from '../util/particles.js';
import type { DifferentiableModel } from './Model.js';

/**
 * The Fisher information of a differentiable model with constant outcomes, computed as QInfer's
 * default `DifferentiableModel.fisher_information` does:
 *
 *   I[p, q, j, k] = Σ_o L[o, j, k] · s[p, o, j, k] · s[q, o, j, k],   o = 0 … nO−1,
 *
 * with `L` the likelihood and `s` the score. Where a score is infinite or NaN (e.g. SimplePrecession
 * at t = 0 or ω = 0) the product is NaN, exactly as numpy's `einsum` gives it.
 *
 * @param model - a model whose number of outcomes does not depend on the experiment
 * @param mps - particles `[nM, nP]`
 * @param eps - experiments
 * @returns `I` of shape `[nP, nP, nM, nE]`
 *
 * @example
 * ```ts
 * import { fisherInformationFromScore, SimplePrecessionModel, ExpParams } from 'qinfer-rx';
 * const I = fisherInformationFromScore(new SimplePrecessionModel(), [[0.3]], ExpParams.scalar([2]));
 * I.get(0, 0, 0, 0); // ≈ 4 (= t²)
 * ```
 */
export function fisherInformationFromScore(model: DifferentiableModel, mps: ParticlesLike, eps: ExpParams): ndarray.NdArray<Float64Array> {
  if (!model.isNOutcomesConstant) {
    throw new QinferArgumentError('ERR_ARGUMENT', `${model.name}: the default Fisher information needs a constant number of outcomes`);
  }
  const nO = model.nOutcomes(eps, 0);
  const outcomes = Int32Array.from({ length: nO }, (_, i) => i);
  const L = model.likelihood(outcomes, mps, eps);
  const S = model.score(outcomes, mps, eps);
  const nP = model.nModelparams, nM = L.shape[1]!, nE = L.shape[2]!, n = nM * nE;
  // A one-parameter model may drop the leading axis of the score (QInfer allows [nO, nM, nE]).
  const want = S.dimension === 3 && nP === 1 ? [nO, nM, nE] : [nP, nO, nM, nE];
  if (S.shape.join() !== want.join() || S.data.length !== nP * nO * n || S.offset !== 0) {
    throw new QinferArgumentError('ERR_SHAPE', `${model.name}.score must return a contiguous array of shape [${want.join(', ')}]`);
  }
  const l = L.data, s = S.data, out = new Float64Array(nP * nP * n);
  for (let p = 0; p < nP; p++) {
    for (let q = 0; q < nP; q++) {
      const base = (p * nP + q) * n;
      for (let m = 0; m < n; m++) {
        let acc = 0;
        for (let o = 0; o < nO; o++) acc += l[o * n + m]! * s[(p * nO + o) * n + m]! * s[(q * nO + o) * n + m]!;
        out[base + m] = acc;
      }
    }
  }
  return ndarray(out, [nP, nP, nM, nE]);
}
