import type { Distribution } from '../distributions/Distribution.js';
import { PostselectedDistribution } from '../distributions/PostselectedDistribution.js';
import { UniformDistribution } from '../distributions/UniformDistribution.js';
import { QinferArgumentError } from '../errors/QinferError.js';
import { ExpParams } from '../expparams/ExpParams.js';
import { BinomialModel } from '../models/BinomialModel.js';
import type { Model } from '../models/Model.js';
import { RandomizedBenchmarkingModel } from '../models/RandomizedBenchmarkingModel.js';
import { rbFidelity } from '../models/rbFidelity.js';
import { SimplePrecessionModel } from '../models/SimplePrecessionModel.js';
import { SMCUpdater, type SMCUpdaterOptions } from '../smc/SMCUpdater.js';
import { countsTable, type CountsData } from './countsData.js';

/** Options shared by the `simpleEst*` estimators. */
export interface SimpleEstOptions {
  /** Particle count (QInfer's defaults: 6000 for precession, 8000 for RB and counts in general). */
  readonly nParticles?: number;
  /** A prior replacing the default one (same number of parameters). */
  readonly prior?: Distribution;
  /** Updater options (seed, resampler, threshold …); default seed 0, QInfer's SMCUpdater defaults. */
  readonly updater?: SMCUpdaterOptions;
}

/** What the `simpleEst*` estimators return (QInfer's `mean, cov, {'updater': …}`). */
export interface SimpleEstimate {
  /** Posterior mean of each parameter. */
  readonly mean: Float64Array;
  /** Posterior covariance, row-major `nP × nP`. */
  readonly covariance: Float64Array;
  /** Posterior standard deviations. */
  readonly sd: Float64Array;
  readonly names: readonly string[];
  /** The updater holding the posterior (QInfer's `return_all=True` extra). */
  readonly updater: SMCUpdater;
  /** The model the data were fitted with: a {@link BinomialModel} of the experiment. */
  readonly model: BinomialModel;
  /** The data as the updater saw them: outcomes (counts) and experiments (fields + `n_meas`). */
  readonly data: { readonly outcomes: Int32Array; readonly experiments: ExpParams };
}

/** RB estimates add the average gate fidelity. */
export interface RbEstimate extends SimpleEstimate {
  /**
   * `F = 1 − (1 − p)(d − 1)/d` of the reference channel (`p`; `p_ref` when interleaved), and for
   * interleaved RB of the interleaved gate (`p̃`): posterior mean and standard deviation (F is
   * linear in p, so these are exact functions of p's).
   */
  readonly fidelity: { readonly dimension: number; readonly reference: { mean: number; sd: number }; readonly gate?: { mean: number; sd: number } };
}

/**
 * Estimates the parameters of a two-outcome experiment from measured counts (the machinery of
 * QInfer's `simple_est_*`): builds `BinomialModel(underlyingModel)`, an `SMCUpdater` with
 * `nParticles` particles (default 8000) over `prior`, feeds it every row — outcome `counts`
 * (the number of "1"s) of an experiment repeated `n_shots` times — by `batchUpdate` with a
 * resampling check after every row (QInfer's `resample_interval=1`), and returns the posterior.
 *
 * The default prior is uniform over `ranges` (one `[lo, hi]` per parameter, default `[0, 1]`),
 * postselected on the model's validity. Rows: see {@link CountsData}; the experiment fields are
 * the underlying model's (`x` for a scalar one, alias `t`).
 *
 * @example
 * ```ts
 * import { simpleEstFromCounts, UnknownT2Model } from 'qinfer-rx';
 * const est = simpleEstFromCounts(new UnknownT2Model(), 'counts,t,n_shots\n40,1,50\n…', { ranges: [[0, 1], [0, 0.1]] });
 * est.mean; // posterior mean of (ω, T₂⁻¹)
 * ```
 */
export function simpleEstFromCounts(
  underlyingModel: Model,
  data: CountsData,
  options: SimpleEstOptions & { readonly ranges?: readonly (readonly [number, number])[] } = {},
): SimpleEstimate {
  const model = new BinomialModel(underlyingModel);
  const schema = model.expparamsSchema;
  if (schema.kind !== 'record') throw new QinferArgumentError('ERR_ARGUMENT', 'a BinomialModel has record experiments');
  const fields = schema.fields.map((f) => f.name).filter((f) => f !== 'n_meas');
  const table = countsTable(data, fields, { x: ['t'] });
  const experiments = ExpParams.fromColumns(schema, { ...table.fields, n_meas: table.shots }, table.length);
  model.checkExpparams(experiments);
  const nP = model.nModelparams;
  const ranges = options.ranges ?? Array.from({ length: nP }, () => [0, 1] as const);
  if (ranges.length !== nP) throw new QinferArgumentError('ERR_RANGE', `${nP} parameters need ${nP} prior ranges, got ${ranges.length}`);
  const prior = options.prior ?? new PostselectedDistribution(new UniformDistribution(ranges.map((r) => [...r])), model);
  const updater = new SMCUpdater(model, options.nParticles ?? 8000, prior, options.updater ?? {});
  updater.batchUpdate(table.counts, experiments, 1);
  const mean = updater.estMean(), covariance = updater.estCovarianceMtx().data;
  const sd = Float64Array.from({ length: nP }, (_, p) => Math.sqrt(Math.max(0, covariance[p * nP + p]!)));
  return { mean, covariance, sd, names: model.modelparamNames, updater, model, data: { outcomes: table.counts, experiments } };
}

/**
 * Estimates a precession frequency from counts (QInfer's `simple_est_prec`): `BinomialModel` of
 * {@link SimplePrecessionModel}`(freqMin)`, prior uniform on `[0, freqMax]` (QInfer's, not
 * postselected), 6000 particles. Rows: `counts, t, n_shots` (the number of outcome-1 results at
 * evolution time `t` out of `n_shots`).
 *
 * @example
 * ```ts
 * import { simpleEstPrec } from 'qinfer-rx';
 * const est = simpleEstPrec([[12, 1, 50], [41, 4, 50], [3, 9, 50]]);
 * est.mean[0]; // ω
 * ```
 */
export function simpleEstPrec(data: CountsData, options: SimpleEstOptions & { readonly freqMin?: number; readonly freqMax?: number } = {}): SimpleEstimate {
  const freqMax = options.freqMax ?? 1;
  const prior = options.prior ?? new UniformDistribution([0, freqMax]);
  return simpleEstFromCounts(new SimplePrecessionModel({ minFreq: options.freqMin ?? 0 }), data, { ...options, prior, nParticles: options.nParticles ?? 6000 });
}

/**
 * Estimates randomized-benchmarking parameters from survival counts (QInfer's `simple_est_rb`):
 * `BinomialModel` of {@link RandomizedBenchmarkingModel}, 8000 particles, prior uniform on
 * `p ∈ [pMin, pMax]` (and `p̃` too when interleaved), `A, B ∈ [0, 1]`, postselected on the
 * model's validity (`A + B ≤ 1`, …), as QInfer. Rows: `counts, m, n_shots[, reference]` —
 * the number of the `n_shots` sequences of length `m` that survived (and, interleaved, whether
 * they were reference sequences). Also returns the average gate fidelity for dimension
 * `dimension` (default 2, one qubit).
 *
 * @example
 * ```ts
 * import { simpleEstRb } from 'qinfer-rx';
 * import { readFileSync } from 'node:fs';
 * const est = simpleEstRb(readFileSync('examples/rb-counts.csv', 'utf8'));
 * est.fidelity.reference; // { mean: 0.997…, sd: … }
 * ```
 */
export function simpleEstRb(
  data: CountsData,
  options: SimpleEstOptions & { readonly interleaved?: boolean; readonly pMin?: number; readonly pMax?: number; readonly dimension?: number } = {},
): RbEstimate {
  const interleaved = options.interleaved ?? false, pMin = options.pMin ?? 0, pMax = options.pMax ?? 1, d = options.dimension ?? 2;
  const p: [number, number] = [pMin, pMax];
  const ranges: [number, number][] = interleaved ? [p, p, [0, 1], [0, 1]] : [p, [0, 1], [0, 1]];
  const est = simpleEstFromCounts(new RandomizedBenchmarkingModel({ interleaved }), data, { ...options, ranges, nParticles: options.nParticles ?? 8000 });
  const slope = (d - 1) / d, F = (i: number) => ({ mean: rbFidelity(est.mean[i]!, d), sd: slope * est.sd[i]! });
  return { ...est, fidelity: interleaved ? { dimension: d, reference: F(1), gate: F(0) } : { dimension: d, reference: F(0) } };
}
