import { QinferArgumentError, QinferError, isQinferError } from '../errors/QinferError.js';
import { ignoreWarnings, type WarningSink } from '../errors/warn.js';
import type { Distribution } from '../distributions/Distribution.js';
import { checkCount } from '../util/checkCount.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import type { Model } from '../models/Model.js';
import { toRng, type Rng, type RngLike } from '../rng/Rng.js';
import { liuWestKernelWidth, liuWestParameters, type LiuWestOptions } from '../resamplers/LiuWestResampler.js';
import type { ResampleRequest, Updater } from '../smc/Updater.js';
import type { UpdaterFactory } from '../smc/updaterFactory.js';
import {
  checkDatum, checkResampleThresh, logTotalLikelihood, needsResample, resolveUpdatePolicy, warnIfSmallNEss, warnResampleWithoutData,
  zeroWeightAction, type UpdatePolicyOptions, type ZeroWeightPolicy,
} from '../smc/updatePolicy.js';
import { GpuHost, type GpuHostOptions } from './GpuHost.js';
import type { GpuModel, GpuModelFactory } from './GpuModel.js';
import { gpuModelFor } from './builtinGpuModels.js';
import { callReference, deviceModel, offsetsFrom, packHostValues } from './deviceModel.js';
import type { CloudMoments, CloudResampleArgs, CloudStepArgs, CloudStepResult } from './hostProtocol.js';
import { MAX_RESIDENT_PARAMS } from './residentShader.js';
import { wireModel } from './wireModel.js';

/** Options of {@link GpuUpdater} (those of `SMCUpdater` that apply, plus the GPU host's). */
export interface GpuUpdaterOptions extends GpuHostOptions, UpdatePolicyOptions, Pick<LiuWestOptions, 'a' | 'h' | 'maxiter' | 'postselect' | 'zeroCovComp'> {
  /** Run on this host (shared); it is then closed by its creator, not by the updater. */
  host?: GpuHost;
  /** Prior draw, resampling offsets and device seeds come from this generator. Default seed 0. */
  rng?: RngLike;
  onWarning?: WarningSink;
  /** GPU versions of user models, keyed by model name. */
  gpuModels?: Readonly<Record<string, GpuModelFactory>>;
}

/** What one datum did (the contract's `UpdateResult` and the device's scalars). */
export interface GpuUpdateResult {
  /** The Bayes normalisation `N = Σ_i w_i L_i` (float32 on the device). */
  readonly normalization: number;
  /** `1 / Σ w²` after the update. */
  readonly nEss: number;
  /** False when the `'skip'` policy skipped the datum. */
  readonly accepted: boolean;
  readonly resampled: boolean;
}

let nextCloudId = 1;

/**
 * The SMC update with the particle cloud resident on a GPU (WebGPU through the GPU host
 * process): particles and weights stay on the device across updates, so a datum costs one
 * submission and a 32-byte readback instead of moving `n` particles —
 *
 *   u_i ← u_i · (n / S) · Pr(d | x_i; e)   (fused kernel, workgroup partial sums)
 *   S = Σ u_i, Σ u_i², N = S / n, n_ess = S² / Σ u_i², resample iff n_ess < thresh · n
 *
 * all computed on the device by pairwise tree reductions in float32 (`w_i = u_i / S`). Only
 * those scalars come back per datum; estimates are read back on demand (`estMean`,
 * `estCovarianceMtx`: weighted, the covariance centred on the device), the whole cloud with
 * `particles()`. Resampling is Liu–West on the device
 *
 *   x'_i = a x_{j_i} + (1 − a) μ + h S z_i,   S = sqrtm(C),   z_i ~ N(0, I),   w'_i = 1/n,
 *
 * with invalid particles redrawn up to `maxiter` times; it costs one extra round trip only when
 * it happens: the device returns the per-block (256 particles) weight sums with μ and C, the host
 * computes `h·sqrtm(C)` and the children of each block (systematic over blocks from one
 * `rng.uniform()`), and the device draws the parents within each block (multinomial) and the
 * kernel noise from a counter-based hash seeded by two `rng` words. Every parent keeps its
 * expected number of children `n·w_j`, as in the CPU's multinomial draw, but the random streams
 * differ from `SMCUpdater`'s.
 *
 * **Phase-exact** (docs/gpu.md): the device holds each particle as a float32 offset `d` from a
 * float64 reference `r` kept here — on upload `r` is chosen so that `|x − r| ≤ |x|`, and every
 * resampling moves it to the posterior mean (Liu–West is affine, so it runs on the offsets
 * unchanged: `d' = a (d_parent − μ) + h S z` around `r' = r + μ`). Each datum's reference phase
 * (e.g. `r t/2 mod π`) is reduced here in float64 exactly; the device adds the offset phase
 * `d·t/2` in float32. The error of a likelihood is then `≤ 2⁻²¹·(1 + |d|·t/2)`, whatever `r·t`:
 * the offsets are of the posterior's width, which shrinks like 1/t — long ExpSparse runs
 * (t = (9/8)^k up to 2e15) keep float64's accuracy. Estimates are `r + μ_d` in float64.
 *
 * Agreement with the float64 `SMCUpdater` on the same data and the same initial cloud (measured
 * in test/gpu-updater.test.ts): without resampling, posterior means within 1e-5 relative and
 * normalisations within 1e-4 relative over 30 data; with resampling, the same posterior within
 * Monte Carlo error. Supports two-outcome models with up to 4 parameters and no dynamics, whose
 * `canonicalize` is the identity (it is not applied on the device).
 *
 * It implements the updater contract (`Updater`, asynchronously, `residence: 'device'`): the
 * operators, `estimate({ updater })` and the performance trials take it like `SMCUpdater`, with
 * the same option checks, zero-weight policies, resampling decision and warnings
 * (`updatePolicy.ts`). One difference is kept: a datum is recorded only once accepted (a
 * skipped or failed datum leaves `dataRecord` as it was).
 *
 * @example
 * ```ts
 * import { SimplePrecessionModel, UniformDistribution, ExpParams } from 'qinfer-rx';
 * import { GpuUpdater } from 'qinfer-rx/gpu';
 * const up = await GpuUpdater.create(new SimplePrecessionModel(), 1_000_000, new UniformDistribution([0, 1]), { rng: 7 });
 * await up.update(0, ExpParams.scalar([3.5]));
 * console.log(await up.estMean(), up.nEss);
 * await up.close();
 * ```
 */
export class GpuUpdater implements Updater {
  readonly residence = 'device' as const;
  readonly model: Model;
  readonly nParticles: number;
  readonly host: GpuHost;
  readonly rng: Rng;
  readonly resampleThresh: number;
  readonly a: number;
  readonly h: number;
  readonly maxiter: number;
  readonly postselect: boolean;
  readonly zeroCovComp: number;
  readonly zeroWeightPolicy: ZeroWeightPolicy;
  readonly zeroWeightThresh: number;
  /** Outcomes seen so far. */
  readonly dataRecord: number[] = [];
  /** `N` of every accepted datum. */
  readonly normalizationRecord: number[] = [];
  resampleCount = 0;
  justResampled = false;
  minNEss: number;
  /** `n_ess` after the last datum or resampling (as the device computed it). */
  nEss: number;
  private readonly gm: GpuModel;
  private readonly prior: Distribution | undefined;
  private readonly ownHost: boolean;
  private readonly onWarning: WarningSink;
  private readonly cloud = nextCloudId++;
  private generation = 0;
  private broken: Error | undefined;
  private closed = false;
  /** Host values of the current experiment (`NH` float32). */
  private readonly h32: Float32Array;
  /**
   * The float64 reference point: the device holds the particles as float32 offsets from it
   * (phase-exact, docs/gpu.md). Set on upload, moved to the posterior mean at every resampling.
   */
  private ref: Float64Array;
  /** The offsets' mean as of the last step or resampling (each returns it): `estimates({ covariance: false })` needs no round trip. */
  private cachedMean: readonly number[] | undefined;

  private constructor(model: Model, nParticles: number, prior: Distribution | undefined, options: GpuUpdaterOptions) {
    checkCount(nParticles, 'nParticles');
    this.gm = gpuModelFor(model, options.gpuModels);
    if (model.nModelparams > MAX_RESIDENT_PARAMS) {
      throw new QinferArgumentError('ERR_ARGUMENT', `GpuUpdater supports models with up to ${MAX_RESIDENT_PARAMS} parameters, got ${model.nModelparams}`);
    }
    if (model.hasDynamics) throw new QinferArgumentError('ERR_ARGUMENT', `GpuUpdater does not move particles by model dynamics ('${model.name}' has them); use SMCUpdater`);
    const policy = resolveUpdatePolicy(options);
    ({ a: this.a, h: this.h, maxiter: this.maxiter, postselect: this.postselect, zeroCovComp: this.zeroCovComp } = liuWestParameters(options));
    this.model = model;
    this.nParticles = nParticles;
    this.prior = prior;
    this.rng = toRng(options.rng ?? 0);
    this.resampleThresh = policy.resampleThresh;
    this.zeroWeightPolicy = policy.zeroWeightPolicy;
    if (this.zeroWeightPolicy === 'reset' && prior === undefined) throw new QinferArgumentError('ERR_ARGUMENT', "zeroWeightPolicy 'reset' needs a prior");
    this.zeroWeightThresh = policy.zeroWeightThresh;
    this.onWarning = options.onWarning ?? ignoreWarnings;
    this.ownHost = options.host === undefined;
    this.host = options.host ?? new GpuHost(options);
    this.minNEss = nParticles;
    this.nEss = nParticles;
    this.h32 = new Float32Array(Math.max(1, deviceModel(this.gm).nHostValues));
    this.ref = new Float64Array(model.nModelparams);
  }

  /**
   * An updater whose `nParticles` particles are drawn from `prior` with `rng`, exactly as
   * `SMCUpdater` draws them (same seed, same initial cloud), uniform weights, on the device.
   */
  static async create(model: Model, nParticles: number, prior: Distribution, options: GpuUpdaterOptions = {}): Promise<GpuUpdater> {
    if (prior.nRvs !== model.nModelparams) {
      throw new QinferArgumentError('ERR_SHAPE', `prior has ${prior.nRvs} random variables, the model ${model.nModelparams} parameters`);
    }
    const up = new GpuUpdater(model, nParticles, prior, options);
    try {
      await up.upload(up.drawPrior(), undefined, 'cloudCreate');
    } catch (e) {
      await up.close().catch(() => undefined); // e.g. no adapter: end the host it started
      throw e;
    }
    return up;
  }

  /**
   * An `UpdaterFactory` of GPU-resident updaters, for performance trials (`TrialRun.create`,
   * `runTrialAsync`, `updaterTrialApply`) and the CLI: {@link create} with the run's model,
   * particle count, prior, generator, policy and Liu–West parameters (the run's where it sets
   * them, else `options`'), plus the rest of `options` (e.g. a shared `host`, which then
   * outlives each updater).
   *
   * @example
   * ```ts
   * const r = await runTrialAsync(spec, builtInRegistry(), GpuUpdater.factory());
   * ```
   */
  static factory(options: GpuUpdaterOptions = {}): UpdaterFactory<GpuUpdater> {
    return (args) =>
      GpuUpdater.create(args.model, args.nParticles, args.prior, {
        ...options,
        ...args.liuWest,
        rng: args.rng,
        resampleThresh: args.policy.resampleThresh ?? options.resampleThresh,
        zeroWeightPolicy: args.policy.zeroWeightPolicy ?? options.zeroWeightPolicy,
        zeroWeightThresh: args.policy.zeroWeightThresh ?? options.zeroWeightThresh,
        onWarning: args.onWarning ?? options.onWarning,
      });
  }

  /** An updater starting from the given cloud (`locations` row-major `[n, nP]`, weights default uniform). */
  static async fromParticles(model: Model, locations: Float64Array, weights: Float64Array | undefined, options: GpuUpdaterOptions = {}): Promise<GpuUpdater> {
    const nP = model.nModelparams;
    if (locations.length % nP !== 0 || locations.length === 0) throw new QinferArgumentError('ERR_SHAPE', `${locations.length} values are not [n, ${nP}] particles`);
    const n = locations.length / nP;
    if (weights !== undefined && weights.length !== n) throw new QinferArgumentError('ERR_SHAPE', `${weights.length} weights for ${n} particles`);
    const up = new GpuUpdater(model, n, undefined, options);
    await up.upload(locations, weights, 'cloudCreate');
    return up;
  }

  private drawPrior(): Float64Array {
    const n = this.nParticles, d = this.model.nModelparams;
    const draw = this.prior!.sample(n, this.rng);
    const x = Float64Array.from(draw.data.subarray(draw.offset, draw.offset + n * d));
    this.model.canonicalize(x, n);
    return x;
  }

  private async upload(locations: Float64Array, weights: Float64Array | undefined, op: 'cloudCreate' | 'cloudUpload'): Promise<void> {
    // offsets from a reference with |x − r| ≤ |x| for every particle (callReference); the first
    // resampling moves it to the posterior mean
    const ref = callReference(this.gm, locations, this.nParticles);
    const x32 = new Float32Array(locations.length);
    offsetsFrom(locations, this.nParticles, ref, x32);
    let u32: Float32Array | undefined;
    if (weights !== undefined) {
      let s = 0;
      for (let i = 0; i < weights.length; i++) {
        if (!(weights[i]! >= 0) || !Number.isFinite(weights[i]!)) throw new QinferArgumentError('ERR_ARGUMENT', `weight ${i} is ${weights[i]}`);
        s += weights[i]!;
      }
      if (s === 0) throw new QinferArgumentError('ERR_ARGUMENT', 'weights sum to zero');
      u32 = new Float32Array(weights.length);
      for (let i = 0; i < weights.length; i++) u32[i] = (weights[i]! * weights.length) / s;
    }
    const inputs = u32 === undefined ? [x32] : [x32, u32];
    if (op === 'cloudCreate') {
      await this.host.call('cloudCreate', { cloud: this.cloud, model: wireModel(this.gm), n: this.nParticles, resampleThresh: this.resampleThresh }, inputs);
      this.generation = this.host.generation;
    } else await this.call('cloudUpload', { cloud: this.cloud }, inputs);
    this.ref = ref;
    this.cachedMean = undefined;
    let s2 = 0;
    if (u32 === undefined) s2 = 1 / this.nParticles;
    else for (let i = 0; i < u32.length; i++) s2 += (u32[i]! / this.nParticles) ** 2;
    this.nEss = 1 / s2;
  }

  /** Throws `ERR_CLOSED` after close(), `ERR_GPU` once the device state is lost. */
  private checkUsable(): void {
    if (this.closed) throw new QinferError('ERR_CLOSED', 'GpuUpdater used after close()');
    if (this.broken) throw new QinferError('ERR_GPU', `the GPU-resident cloud is lost (${this.broken.message})`, { cause: this.broken });
  }

  /** A host call that fails for good once the device state is lost. */
  private async call<R>(op: string, args: unknown, inputs: readonly ArrayBufferView[] = []): Promise<{ result: R; output: Uint8Array | undefined }> {
    this.checkUsable();
    try {
      const r = await this.host.call<R>(op, args, inputs);
      if (this.host.generation !== this.generation) throw new QinferError('ERR_GPU', 'the GPU host restarted; the resident cloud is lost');
      return r;
    } catch (e) {
      if (isQinferError(e, 'ERR_GPU') || isQinferError(e, 'ERR_GPU_UNAVAILABLE')) this.broken = e as Error;
      throw e;
    }
  }

  /** `Σ ln N` over the normalisation record. */
  get logTotalLikelihood(): number {
    return logTotalLikelihood(this.normalizationRecord);
  }

  /** Throws `ERR_SHAPE`/`ERR_OUTCOME` unless `eps` is one experiment and `outcome` one of its outcomes. */
  checkDatum(outcome: number, eps: ExpParams): void {
    checkDatum(this.model, outcome, eps);
  }

  /**
   * Bayes update for one datum on the device (QInfer's order: weights, normalisation, zero-weight
   * policy, n_ess, then the resampling check). Rejects with `ERR_OUTCOME`/`ERR_SHAPE` for bad
   * input, `ERR_INVALID_LIKELIHOOD`, `ERR_ZERO_WEIGHTS` (policy `'error'`) or `ERR_GPU`.
   */
  async update(outcome: number, eps: ExpParams, checkForResample = true): Promise<GpuUpdateResult> {
    this.checkDatum(outcome, eps);
    packHostValues(this.gm, this.ref, eps, this.h32);
    const acceptZero = this.zeroWeightPolicy !== 'error' && this.zeroWeightPolicy !== 'skip';
    const args: CloudStepArgs = {
      cloud: this.cloud, outcome, h: Array.from(this.h32), acceptZero, zeroThresh: this.zeroWeightThresh,
      prepare: checkForResample && this.zeroWeightPolicy !== 'reset',
    };
    const { result: r, output } = await this.call<CloudStepResult>('cloudStep', args);
    if (r.accepted) this.cachedMean = r.mean;
    const N = r.S / this.nParticles;
    if (r.invalid > 0) {
      throw new QinferError('ERR_INVALID_LIKELIHOOD', `${r.invalid} likelihood values were NaN or outside [0, 1] (outcome ${outcome})`, { details: { outcome, invalid: r.invalid } });
    }
    this.justResampled = false;
    const action = zeroWeightAction(N, this, this.onWarning, { outcome, step: this.dataRecord.length });
    if (action === 'skip') return { normalization: N, nEss: this.nEss, accepted: false, resampled: false };
    if (action === 'reset') {
      await this.upload(this.drawPrior(), undefined, 'cloudUpload');
      this.dataRecord.push(outcome);
      this.normalizationRecord.push(N);
      this.minNEss = Math.min(this.minNEss, this.nEss);
      return { normalization: N, nEss: this.nEss, accepted: true, resampled: false };
    }
    this.dataRecord.push(outcome);
    this.normalizationRecord.push(N);
    this.nEss = r.nEss;
    if (this.nEss <= this.minNEss) this.minNEss = this.nEss;
    let resampled = false;
    if (checkForResample) {
      warnIfSmallNEss(this.nEss, this.onWarning);
      if (r.resampleFlag) {
        await this.resampleWith(r.prepared, r.prepared === undefined ? undefined : output);
        resampled = true;
      }
    }
    return { normalization: N, nEss: this.nEss, accepted: true, resampled };
  }

  /** Liu–West resampling now (on the device; one extra round trip). */
  async resample(): Promise<void> {
    await this.resampleWith(undefined, undefined);
  }

  /**
   * The contract's resampling check on the host: warns when `nEss ≤ 10`, resamples on the
   * device when `nEss < threshold · n` (default `resampleThresh`). A `resampler` of the host
   * cannot run here (`ERR_ARGUMENT`): the device runs Liu–West with this updater's parameters.
   */
  async maybeResample(request: ResampleRequest = {}): Promise<boolean> {
    if (request.resampler !== undefined) throw new QinferArgumentError('ERR_ARGUMENT', 'GpuUpdater resamples on its device (Liu–West with its own a, h); it cannot take a host resampler');
    const threshold = request.threshold === undefined ? this.resampleThresh : checkResampleThresh(request.threshold, 'resample threshold');
    warnIfSmallNEss(this.nEss, this.onWarning);
    if (!needsResample(this.nEss, this.nParticles, threshold)) return false;
    await this.resample();
    return true;
  }

  private async resampleWith(prepared: CloudMoments | undefined, blocksOut: Uint8Array | undefined): Promise<void> {
    let moments = prepared, bytes = blocksOut;
    if (moments === undefined || bytes === undefined) {
      const r = await this.call<CloudMoments>('cloudPrepare', { cloud: this.cloud });
      moments = r.result;
      bytes = r.output;
    }
    if (bytes === undefined) throw new QinferError('ERR_GPU', 'the GPU host returned no block sums');
    const blocks = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    if (this.justResampled) warnResampleWithoutData(this.onWarning);
    const d = this.model.nModelparams, n = this.nParticles;
    const hS = liuWestKernelWidth(this.covarianceFrom(moments), d, this, this.onWarning);
    // children per block: systematic over the blocks' weight fractions (float64 on the host)
    const offsets = new Uint32Array(blocks.length + 1);
    let total = 0;
    for (const b of blocks) total += b;
    if (!(total > 0) || !Number.isFinite(total)) throw new QinferError('ERR_RESAMPLER', `block weights sum to ${total}`);
    const U = this.rng.uniform();
    let cum = 0;
    for (let b = 0; b < blocks.length; b++) {
      cum += blocks[b]!;
      offsets[b + 1] = Math.max(offsets[b]!, Math.min(n, Math.floor((n * cum) / total + U)));
    }
    offsets[blocks.length] = n;
    // Liu–West is affine, so it runs on the offsets unchanged, re-centred on the new reference r + μ
    const ref = Float64Array.from(this.ref, (r, p) => r + moments.mean[p]!);
    const args: CloudResampleArgs = {
      cloud: this.cloud, a: this.a, mu: moments.mean, hS: Array.from(hS),
      seed0: this.rng.nextUint32(), seed1: this.rng.nextUint32(), maxiter: this.maxiter, postselect: this.postselect,
      refHi: Array.from(ref, (r) => Math.fround(r)), refLo: Array.from(ref, (r) => r - Math.fround(r)),
    };
    const { result } = await this.call<{ mean: number[] }>('cloudResample', args, [offsets]);
    this.ref = ref;
    this.cachedMean = result.mean;
    this.justResampled = true;
    this.resampleCount += 1;
    this.nEss = n;
  }

  private covarianceFrom(m: CloudMoments): Float64Array {
    const d = this.model.nModelparams, C = new Float64Array(d * d);
    let c = 0;
    for (let p = 0; p < d; p++) {
      for (let q = p; q < d; q++) {
        C[p * d + q] = C[q * d + p] = m.covSums[c++]! / m.S;
      }
    }
    return C;
  }

  /** The reference plus the offsets' mean: `r + μ_d` in float64. */
  private meanFrom(m: CloudMoments): Float64Array {
    return Float64Array.from(this.ref, (r, p) => r + m.mean[p]!);
  }

  /**
   * The weighted mean `Σ w_i x_i` = `r + Σ w_i d_i` (the offsets' mean reduced on the device in
   * float32; it came back with the last step or resampling, so this costs no round trip).
   */
  async estMean(): Promise<Float64Array> {
    this.checkUsable();
    if (this.cachedMean !== undefined) return Float64Array.from(this.ref, (r, p) => r + this.cachedMean![p]!);
    const { result } = await this.call<CloudMoments>('cloudMoments', { cloud: this.cloud });
    return this.meanFrom(result);
  }

  /** The weighted covariance `Σ w_i (x_i − μ)(x_i − μ)ᵀ`, `[d·d]` row-major (centred on the device). */
  async estCovarianceMtx(): Promise<Float64Array> {
    const { result } = await this.call<CloudMoments>('cloudMoments', { cloud: this.cloud });
    return this.covarianceFrom(result);
  }

  /**
   * Mean and covariance from one device round trip; with `{ covariance: false }` the mean alone,
   * which came back with the last step (no round trip).
   */
  async estimates(options?: { readonly covariance?: true }): Promise<{ mean: Float64Array; covariance: Float64Array }>;
  async estimates(options: { readonly covariance?: boolean }): Promise<{ mean: Float64Array; covariance?: Float64Array }>;
  async estimates(options: { readonly covariance?: boolean } = {}): Promise<{ mean: Float64Array; covariance?: Float64Array }> {
    if (options.covariance === false) return { mean: await this.estMean() };
    const { result } = await this.call<CloudMoments>('cloudMoments', { cloud: this.cloud });
    return { mean: this.meanFrom(result), covariance: this.covarianceFrom(result) };
  }

  /** Reads the whole cloud back: locations `[n·d]` and normalised weights (float64). */
  async particles(): Promise<{ locations: Float64Array; weights: Float64Array }> {
    const { result, output } = await this.call<{ x: { offset: number; bytes: number }; u: { offset: number; bytes: number } }>('cloudDownload', { cloud: this.cloud });
    if (output === undefined) throw new QinferError('ERR_GPU', 'the GPU host returned no particles');
    const x = new Float32Array(output.buffer, output.byteOffset + result.x.offset, result.x.bytes / 4);
    const u = new Float32Array(output.buffer, output.byteOffset + result.u.offset, result.u.bytes / 4);
    let S = 0;
    for (let i = 0; i < u.length; i++) S += u[i]!;
    const weights = new Float64Array(u.length);
    for (let i = 0; i < u.length; i++) weights[i] = u[i]! / S;
    const d = this.model.nModelparams, locations = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) locations[i] = this.ref[i % d]! + x[i]!;
    return { locations, weights };
  }

  /** Replaces the cloud (weights default uniform). */
  async setParticles(locations: Float64Array, weights?: Float64Array): Promise<void> {
    if (locations.length !== this.nParticles * this.model.nModelparams) throw new QinferArgumentError('ERR_SHAPE', `expected ${this.nParticles} particles`);
    if (weights !== undefined && weights.length !== this.nParticles) throw new QinferArgumentError('ERR_SHAPE', `${weights.length} weights for ${this.nParticles} particles`);
    await this.upload(locations, weights, 'cloudUpload');
  }

  /** Frees the device buffers and, if the updater started its own host, ends it. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownHost) await this.host.close();
    else if (!this.broken && !this.host.closed) await this.host.call('cloudDestroy', { cloud: this.cloud }).catch(() => undefined);
  }
}

