import { QinferArgumentError, QinferError } from '../errors/QinferError.js';
import type { Distribution } from '../distributions/Distribution.js';
import { checkCount } from '../util/checkCount.js';
import { checkMemory, checkMemoryLimit, DEFAULT_MEMORY_LIMIT, particleCloudBytes } from '../util/memoryBudget.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import type { Model } from '../models/Model.js';
import { modelError } from '../models/modelError.js';
import { LiuWestResampler } from '../resamplers/LiuWestResampler.js';
import type { Resampler } from '../resamplers/Resampler.js';
import { toRng, type Rng } from '../rng/Rng.js';
import { heapFloat64 } from '../util/allocate.js';
import { matrix, toRowMajor, type ParticlesLike } from '../util/particles.js';
import { EPS } from './constants.js';
import { laneSum, scaleWeights, UPDATE_SUMS, WEIGH_CLIPPED, weighLikelihood } from './likelihoodWeights.js';
import { SMCDesignQuantities } from './SMCDesignQuantities.js';
import type { SMCUpdaterOptions } from './SMCUpdaterOptions.js';
import { FusedCloud } from './fusedCloud.js';
import type { HostUpdater, ResampleRequest, UpdateResult } from './Updater.js';
import {
  checkDatum, checkResampleThresh, logTotalLikelihood, needsResample, resolveUpdatePolicy, warnClippedLikelihood, warnIfSmallNEss,
  warnResampleWithoutData, zeroWeightAction, type ZeroWeightPolicy,
} from './updatePolicy.js';

export type { ZeroWeightPolicy } from './updatePolicy.js';
export type { SMCUpdaterOptions } from './SMCUpdaterOptions.js';

// The three outcomes of an update, shared (frozen) so that an update allocates nothing.
const RESAMPLED: UpdateResult = Object.freeze({ accepted: true, resampled: true });
const ACCEPTED: UpdateResult = Object.freeze({ accepted: true, resampled: false });
const SKIPPED: UpdateResult = Object.freeze({ accepted: false, resampled: false });

/**
 * The sequential Monte Carlo updater (QInfer's `SMCUpdater`, `qinfer/smc.py`): a particle approximation
 * of the posterior over model parameters, updated by Bayes' rule for each datum,
 *
 *   w_i ← w_i L_i / N,   L_i = Pr(d | x_i; e),   N = Σ_j w_j L_j,
 *
 * and resampled (Liu–West by default) when the effective sample size `1/Σw²` drops below
 * `resampleThresh · n` (strict).
 *
 * `update` follows QInfer's exact order; it is also available in the two stages the reactive
 * pipeline uses: {@link applyLikelihood} (given `L`, computed anywhere) and {@link maybeResample}.
 * It implements the updater contract ({@link HostUpdater}, synchronously): the operators,
 * `estimate()` and the performance trials take it or the GPU-resident `GpuUpdater`. Option
 * checks, zero-weight policies, the resampling decision and the warnings are those of
 * `updatePolicy.ts`, shared with every updater.
 * Per-update work allocates nothing proportional to the particle count except when resampling.
 *
 * Decisions on QInfer's quirks: the normalisation record holds numbers, not length-1
 * arrays; `eps` of `update` must hold exactly one experiment; the `'reset'` zero-weight policy
 * keeps the fresh uniform weights of the prior draw (QInfer overwrote them with the all-zero
 * update); a likelihood that is NaN, below −1e-12 or above 1 + 1e-12 is an error
 * (`ERR_INVALID_LIKELIHOOD`), tiny negative rounding is clipped to 0 with a warning.
 *
 * @example
 * ```ts
 * import { SMCUpdater, SimplePrecessionModel, UniformDistribution, ExpParams } from 'qinfer-rx';
 * const up = new SMCUpdater(new SimplePrecessionModel(), 2000, new UniformDistribution([0, 1]), { rng: 7 });
 * up.update(0, ExpParams.scalar([3.5]));
 * up.estMean(); // posterior mean of ω
 * ```
 */
export class SMCUpdater extends SMCDesignQuantities implements HostUpdater {
  readonly residence = 'host' as const;
  readonly model: Model;
  readonly prior: Distribution;
  readonly rng: Rng;
  readonly resampler: Resampler;
  readonly resampleThresh: number;
  readonly zeroWeightPolicy: ZeroWeightPolicy;
  readonly zeroWeightThresh: number;
  readonly canonicalizeParticles: boolean;
  /** Outcomes seen so far (QInfer records outcomes only, not experiments). */
  readonly dataRecord: number[] = [];
  /** `N` of every accepted datum. */
  readonly normalizationRecord: number[] = [];
  resampleCount = 0;
  justResampled = false;
  minNEss: number;
  /** Bytes this updater may allocate (see {@link SMCUpdaterOptions.memoryLimit}). */
  readonly memoryLimit: number;
  private lbuf: Float64Array = new Float64Array(0);
  /** nEss right after the last accepted datum (saves a pass when `update` checks for resampling). */
  private lastNEss = NaN;
  private outcomeBuf = new Int32Array(1);
  /** The fused WebAssembly update (undefined: not for this model; null: not decided yet). */
  private fused: FusedCloud | undefined | null = null;
  /** `Σ w x` of the current state when {@link meanValid} (from the update's lane sums). */
  private readonly cachedMean = new Float64Array(1);
  private meanValid = false;
  /** {@link lastNEss} is the current state's nEss (no weight changed since the update computed it). */
  private nEssValid = false;
  /** The JavaScript path's lane sums (see weighLikelihood). */
  private readonly sums = new Float64Array(UPDATE_SUMS);

  constructor(model: Model, nParticles: number, prior: Distribution, options: SMCUpdaterOptions = {}) {
    checkCount(nParticles, 'nParticles');
    if (prior.nRvs !== model.nModelparams) {
      throw new QinferArgumentError('ERR_SHAPE', `prior has ${prior.nRvs} random variables, the model ${model.nModelparams} parameters`);
    }
    const memoryLimit = checkMemoryLimit(options.memoryLimit ?? DEFAULT_MEMORY_LIMIT);
    super(undefined, undefined, { nRvs: model.nModelparams, onWarning: options.onWarning, ...(options.allocate === undefined ? {} : { allocate: options.allocate }) });
    this.memoryLimit = memoryLimit;
    if (options.resampler !== undefined && options.resampleA !== undefined) {
      throw new QinferArgumentError('ERR_ARGUMENT', 'give either resampler or resampleA, not both');
    }
    const policy = resolveUpdatePolicy(options);
    this.model = model;
    this.prior = prior;
    this.rng = toRng(options.rng ?? 0);
    this.resampler =
      options.resampler ?? new LiuWestResampler({ a: options.resampleA, onWarning: options.onWarning });
    this.resampleThresh = policy.resampleThresh;
    this.zeroWeightPolicy = policy.zeroWeightPolicy;
    this.zeroWeightThresh = policy.zeroWeightThresh;
    this.canonicalizeParticles = options.canonicalize ?? true;
    this.minNEss = nParticles;
    this.reset({ nParticles });
  }

  /**
   * Redraws the particles from the prior with uniform weights (or only the columns
   * `onlyParams`, keeping the others and the weights unless `resetWeights`), then canonicalises.
   * The count is `nParticles`, else the current one (as QInfer). Giving both `nParticles` and
   * `onlyParams` → `ERR_ARGUMENT`; a column outside `[0, nModelparams)` → `ERR_ARGUMENT`.
   */
  reset(options: { nParticles?: number; onlyParams?: readonly number[]; resetWeights?: boolean } = {}): void {
    const { nParticles, onlyParams, resetWeights = true } = options;
    if (nParticles !== undefined && onlyParams !== undefined) {
      throw new QinferArgumentError('ERR_ARGUMENT', 'cannot give both nParticles and onlyParams');
    }
    const n = nParticles ?? this._n;
    checkCount(n, 'nParticles');
    checkMemory(particleCloudBytes(n, this.nRvs), this.memoryLimit, `an SMCUpdater of ${n} particles × ${this.nRvs} parameters (${this.model.name})`, { nParticles: n, nModelparams: this.nRvs });
    const d = this.nRvs;
    if (onlyParams !== undefined) {
      for (const p of onlyParams) {
        if (!(Number.isInteger(p) && p >= 0 && p < d)) throw new QinferArgumentError('ERR_ARGUMENT', `onlyParams index ${p} outside [0, ${d})`);
      }
    }
    this.meanValid = this.nEssValid = false;
    const want = onlyParams === undefined ? n : this._n;
    const draw = this.prior.sample(want, this.rng);
    if (draw.dimension !== 2 || draw.shape[0] !== want || draw.shape[1] !== d) {
      throw new QinferArgumentError('ERR_SHAPE', `prior samples have shape [${draw.shape.join(', ')}], expected [${want}, ${d}]`);
    }
    if (onlyParams === undefined) {
      // A copy in row-major order, whatever the strides of the prior's ndarray.
      const { x } = toRowMajor(draw, d);
      this._x = x.buffer === draw.data.buffer && this.allocate === heapFloat64 ? x.slice() : this.adopt(x);
      this._n = n;
      this._w = this.allocate(n).fill(1 / n);
    } else {
      for (const p of onlyParams) for (let j = 0; j < this._n; j++) this._x[j * d + p] = draw.get(j, p);
      if (resetWeights) this._w.fill(1 / this._n);
    }
    if (this.canonicalizeParticles) this.model.canonicalize(this._x, this._n);
  }

  /**
   * `Σ w_i x_i`. Right after a fused update this is the mean that update's last pass computed
   * (the same value, no extra pass); write weights or locations through {@link setWeights} /
   * {@link setParticles}, not into the views, or the cached mean goes stale.
   */
  override estMean(): Float64Array {
    if (this.meanValid) return Float64Array.of(this.cachedMean[0]!);
    const fc = this.fusedHolding();
    if (fc === undefined) return super.estMean();
    // The fused cloud (after a resampling): the same sum in WebAssembly, ~3× faster, kept.
    this.cachedMean[0] = fc.weightedMean();
    this.meanValid = !this.model.hasDynamics;
    return Float64Array.of(this.cachedMean[0]);
  }

  /** The fused cloud when it holds this updater's particles and weights. */
  private fusedHolding(): FusedCloud | undefined {
    const fc = this.fused;
    return fc !== null && fc !== undefined && this._x === fc.x && this._w === fc.w ? fc : undefined;
  }

  /**
   * `1 / Σ w_i²`. Right after an update this is the value that update computed from its sums,
   * `N² / Σ v_i²` as `1 / ((S·r)·r)` with `r = 1/N` (what decided the resampling); else
   * computed from the weights.
   */
  override get nEss(): number {
    return this.nEssValid ? this.lastNEss : super.nEss;
  }

  override setWeights(weights: ArrayLike<number>): void {
    this.meanValid = this.nEssValid = false;
    super.setWeights(weights);
  }

  override setParticles(locations: ParticlesLike, weights?: ArrayLike<number>): void {
    this.meanValid = this.nEssValid = false;
    super.setParticles(locations, weights);
  }

  /** `Σ ln N_k` over the normalisation record: the log evidence of the data so far. */
  get logTotalLikelihood(): number {
    return logTotalLikelihood(this.normalizationRecord);
  }

  /** Throws unless `eps` holds one experiment and `outcome` is one of its outcomes (`ERR_SHAPE`, `ERR_OUTCOME`). */
  checkDatum(outcome: number, eps: ExpParams): void {
    checkDatum(this.model, outcome, eps);
  }

  /**
   * Computes `L_i = Pr(outcome | x_i; eps)` for the current particles into a reused buffer
   * (no allocation after the first call) and returns it. The buffer is filled with NaN first,
   * so that a kernel which leaves rows unwritten is caught by the update's check
   * (`ERR_INVALID_LIKELIHOOD`) instead of reusing the previous datum's values; a model that
   * throws anything untyped becomes `ERR_MODEL` (see `modelError`).
   */
  likelihoodOf(outcome: number, eps: ExpParams): Float64Array {
    this.checkDatum(outcome, eps);
    this.outcomeBuf[0] = outcome;
    const L = this.likelihoodBuffer();
    L.fill(NaN);
    try {
      this.model.likelihood(this.outcomeBuf, matrix(this._x, this._n, this.nRvs), eps, L);
    } catch (e) {
      throw modelError(this.model.name, 'likelihood', e);
    }
    return L;
  }

  /**
   * The buffer of `n` likelihood values that {@link likelihoodOf} writes into and a backend may
   * write into (the `parallel` operator and `TrialRun.nextOn` hand it over as `out`), from the
   * updater's storage: with `allocate: sharedFloat64` a pool writes its result there in place.
   * Reused across data (reallocated only when the particle count changes).
   */
  likelihoodBuffer(): Float64Array {
    if (this.lbuf.length !== this._n) this.lbuf = this.allocate(this._n);
    return this.lbuf;
  }

  /** Bayes update for one datum, in QInfer's order (`SMCUpdater.update`); resamples when needed. */
  update(outcome: number, eps: ExpParams, checkForResample = true): UpdateResult {
    // A skipped datum ends the update, as in QInfer (no n_ess warning, no resampling).
    const accepted = this.fusedUpdate(outcome, eps) ?? this.applyLikelihood(outcome, eps, this.likelihoodOf(outcome, eps));
    const resampled = accepted && checkForResample && this.resampleIfNeeded(this.lastNEss, this.resampler, this.resampleThresh);
    return resampled ? RESAMPLED : accepted ? ACCEPTED : SKIPPED;
  }

  /**
   * {@link applyLikelihood} for a model with a {@link Model.cosSquaredForm}, in two passes of the
   * WebAssembly kernels over the cloud kept in their memory (see {@link FusedCloud}); the same
   * numbers, checks, policies and warnings. Undefined when it does not apply (the caller takes
   * the JavaScript path); a datum the kernel cannot take (|t(ω − ω₋)/2| ≥ 1.3e10, a likelihood out
   * of range) is redone in JavaScript without counting the model's calls twice.
   */
  private fusedUpdate(outcome: number, eps: ExpParams): boolean | undefined {
    // The kernels keep the cloud in their own memory: an updater whose storage is elsewhere
    // (shared memory for a pool) stays on the JavaScript path, its arrays where it put them.
    if (this.allocate !== heapFloat64) return undefined;
    if (this.fused === null) this.fused = FusedCloud.create(this.model, this.nRvs);
    const fc = this.fused;
    if (fc === undefined) return undefined;
    this.checkDatum(outcome, eps);
    const form = this.model.cosSquaredForm!(outcome, eps, this._n);
    if (form === undefined) return undefined;
    if (fc.adopt(this._x, this._w, this._n)) {
      this._x = fc.x;
      this._w = fc.w;
    }
    this.meanValid = this.nEssValid = false;
    if (!fc.weigh(form, outcome)) {
      const L = this.likelihoodBuffer();
      this.outcomeBuf[0] = outcome;
      this.model.likelihoodInto(this.outcomeBuf, this._x, this._n, eps, L, 0, this._n);
      return this.applyLikelihood(outcome, eps, L);
    }
    this.dataRecord.push(outcome);
    this.justResampled = false;
    const sums = fc.sums, N = laneSum(sums[0]!, sums[1]!, sums[2]!, sums[3]!);
    const stop = this.afterSum(N, fc.clipped, outcome, eps);
    if (stop !== undefined) return stop;
    const r = 1 / (Math.abs(N) < EPS ? 1 : N);
    fc.scale(r);
    this.afterUpdate(N, r, sums, eps);
    return true;
  }

  /**
   * After the new weights `w = v · r` of an update whose lane sums are `sums`: the normalisation
   * record, the time step, `nEss = 1 / ((S·r)·r)` (`S = Σ v²`) and, for one parameter and no
   * dynamics, the mean `M · r` (`M = Σ v x`), both kept until the weights change.
   */
  private afterUpdate(N: number, r: number, sums: Float64Array, eps: ExpParams): void {
    this.normalizationRecord.push(N);
    this.afterWeights(eps, 1 / (laneSum(sums[4]!, sums[5]!, sums[6]!, sums[7]!) * r * r));
    this.nEssValid = true;
    if (this.nRvs === 1 && !this.model.hasDynamics) {
      this.cachedMean[0] = (sums[8]! + sums[9]!) * r;
      this.meanValid = true;
    }
  }

  /**
   * The Bayes update given the likelihood `L[i] = Pr(outcome | x_i; eps)` of the current
   * particles (computed by any backend): steps 1 and 3–7 of QInfer's `update`, without the
   * resampling check. Returns false when the `'skip'` policy skipped the datum.
   */
  applyLikelihood(outcome: number, eps: ExpParams, L: Float64Array): boolean {
    this.checkDatum(outcome, eps);
    this.meanValid = this.nEssValid = false;
    const n = this._n, w = this._w;
    if (L.length < n) throw new QinferArgumentError('ERR_SHAPE', `likelihood has ${L.length} values for ${n} particles`);
    this.dataRecord.push(outcome);
    this.justResampled = false;
    // One pass: the check and the lane sums of N, Σv², Σvx (as the WebAssembly kernel).
    const sums = this.sums, got = weighLikelihood(L, w, this.nRvs === 1 ? this._x : undefined, n, sums);
    if (got >= 0) {
      this.dataRecord.pop();
      const l = L[got]!, why = Number.isNaN(l) ? ': the model computed NaN or left the value unwritten' : '';
      throw new QinferError('ERR_INVALID_LIKELIHOOD', `likelihood of particle ${got} is ${l} (outcome ${outcome}, model ${this.model.name})${why}`, {
        details: { particle: got, value: l, outcome, model: this.model.name },
      });
    }
    const N = laneSum(sums[0]!, sums[1]!, sums[2]!, sums[3]!);
    const stop = this.afterSum(N, got === WEIGH_CLIPPED, outcome, eps);
    if (stop !== undefined) return stop;
    const r = 1 / (Math.abs(N) < EPS ? 1 : N);
    scaleWeights(L, w, n, r);
    this.afterUpdate(N, r, sums, eps);
    return true;
  }

  /**
   * Between the sum and the normalisation: the clipping warning and the zero-weight policy.
   * Returns false (datum skipped) or true (cloud reset and the datum accepted) when the update
   * ends here, undefined when the weights are to be normalised.
   */
  private afterSum(N: number, clipped: boolean, outcome: number, eps: ExpParams): boolean | undefined {
    if (clipped) warnClippedLikelihood(this.onWarning);
    if (N > this.zeroWeightThresh) return undefined; // the common case, without building the details
    let action: ReturnType<typeof zeroWeightAction>;
    try {
      action = zeroWeightAction(N, this, this.onWarning, { outcome, step: this.dataRecord.length - 1 });
    } catch (e) {
      this.dataRecord.pop(); // a rejected datum is not data (ExpSparse's next time counts the record)
      throw e;
    }
    if (action === 'skip') return false;
    if (action === 'reset') {
      this.reset();
      this.normalizationRecord.push(N);
      this.afterWeights(eps);
      return true;
    }
    return undefined;
  }

  /** Steps 6–7: the time step and the minimum effective sample size (`ness` when already known). */
  private afterWeights(eps: ExpParams, ness: number = this.nEss): void {
    if (this.model.hasDynamics) {
      let moved: ReturnType<Model['updateTimestep']>;
      try {
        moved = this.model.updateTimestep(matrix(this._x, this._n, this.nRvs), eps, this.rng);
      } catch (e) {
        throw modelError(this.model.name, 'updateTimestep', e);
      }
      const d = this.nRvs, nE = moved.shape[2]!;
      for (let j = 0; j < this._n; j++) for (let p = 0; p < d; p++) this._x[j * d + p] = moved.data[(j * d + p) * nE]!;
    }
    this.lastNEss = ness;
    if (ness <= this.minNEss) this.minNEss = ness;
  }

  /** True when `nEss < n · resampleThresh` (strict). */
  get needsResample(): boolean {
    return needsResample(this.nEss, this._n, this.resampleThresh);
  }

  /**
   * QInfer's `_maybe_resample`: warns when `nEss ≤ 10`, resamples when `nEss < threshold · n`
   * (strict) — with the updater's resampler and `resampleThresh` unless `request` names others.
   * Returns whether it resampled.
   */
  maybeResample(request: ResampleRequest = {}): boolean {
    const threshold = request.threshold === undefined ? this.resampleThresh : checkResampleThresh(request.threshold, 'resample threshold');
    return this.resampleIfNeeded(this.nEss, request.resampler ?? this.resampler, threshold);
  }

  private resampleIfNeeded(ness: number, resampler: Resampler, threshold: number): boolean {
    warnIfSmallNEss(ness, this.onWarning);
    if (needsResample(ness, this._n, threshold)) {
      this.resample(resampler);
      return true;
    }
    return false;
  }

  /** Resamples now (QInfer's `SMCUpdater.resample`), with the updater's resampler or the one given. */
  resample(resampler: Resampler = this.resampler): void {
    if (this.justResampled) warnResampleWithoutData(this.onWarning);
    this.justResampled = true;
    this.resampleCount += 1;
    // On the fused path the new cloud is written straight into the kernels' memory, and the mean
    // of the last update is the resampler's μ (the same value, one pass saved). Otherwise it is
    // allocated in the updater's storage (`allocate`: the heap, or shared memory).
    const fc = this.fusedHolding();
    const into = fc?.resampleTargets();
    const cloud = resampler.resample(this.model, this, this.rng, { precomputedMean: this.meanValid ? this.cachedMean : undefined, into, allocate: this.allocate });
    this.meanValid = this.nEssValid = false;
    if (fc !== undefined && fc.commitResampled(cloud.locations, cloud.weights, cloud.nParticles)) {
      this._x = fc.x;
      this._w = fc.w;
    } else {
      this._x = cloud.locations;
      this._w = cloud.weights;
    }
    this._n = cloud.nParticles;
    if (this.canonicalizeParticles) this.model.canonicalize(this._x, this._n);
    try {
      this.model.clearCache();
    } catch (e) {
      this.onWarning({ category: 'approximation', message: `Exception raised when clearing model cache: ${String(e)}. Ignoring.` });
    }
  }

  /**
   * QInfer's `batch_update`: each pair is an update without the resampling check; the check
   * runs after every `resampleInterval`-th datum. Lengths differ → `ERR_SHAPE`; an interval that
   * is not a positive integer → `ERR_ARGUMENT`.
   */
  batchUpdate(outcomes: ArrayLike<number>, eps: ExpParams, resampleInterval = 5): void {
    if (outcomes.length !== eps.length) throw new QinferArgumentError('ERR_SHAPE', `${outcomes.length} outcomes for ${eps.length} experiments`);
    if (!(Number.isInteger(resampleInterval) && resampleInterval >= 1)) {
      throw new QinferArgumentError('ERR_ARGUMENT', `resampleInterval must be a positive integer, got ${resampleInterval}`);
    }
    for (let k = 0; k < outcomes.length; k++) {
      this.update(outcomes[k]!, eps.at(k), false);
      if ((k + 1) % resampleInterval === 0) this.maybeResample();
    }
  }
}
