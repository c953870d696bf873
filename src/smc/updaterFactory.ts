import type { Distribution } from '../distributions/Distribution.js';
import type { WarningSink } from '../errors/warn.js';
import type { Model } from '../models/Model.js';
import { LiuWestResampler } from '../resamplers/LiuWestResampler.js';
import type { Rng } from '../rng/Rng.js';
import type { Float64Allocator } from '../util/allocate.js';
import type { MaybePromise } from '../util/maybePromise.js';
import { SMCUpdater } from './SMCUpdater.js';
import type { Updater } from './Updater.js';
import type { UpdatePolicyOptions } from './updatePolicy.js';

/** Everything an updater of an estimation run is built from (a trial's or the CLI's set-up). */
export interface UpdaterArgs {
  readonly model: Model;
  readonly nParticles: number;
  readonly prior: Distribution;
  /** The updater's generator (a trial's `TRIAL_STREAMS.updater` stream). */
  readonly rng: Rng;
  /** Resampling threshold and zero-weight policy. */
  readonly policy: UpdatePolicyOptions;
  /** Liu–West parameters (QInfer's defaults where absent). */
  readonly liuWest: { readonly a?: number; readonly h?: number; readonly maxiter?: number; readonly postselect?: boolean };
  readonly onWarning?: WarningSink;
  /** Where the updater's n-sized arrays live (default the heap; a pool backend's `allocate` for shared memory). */
  readonly allocate?: Float64Allocator;
  /** Bytes the updater may allocate (`SMCUpdaterOptions.memoryLimit`; default 16 GiB). */
  readonly memoryLimit?: number;
}

/**
 * Builds the updater of an estimation run: synchronously (`SMCUpdater`) or asynchronously
 * (`GpuUpdater.create`, a Promise). `TrialRun`, the performance-trial applies and the CLI take
 * one, so that a trial runs on either updater.
 */
export type UpdaterFactory<U extends Updater = Updater> = (args: UpdaterArgs) => MaybePromise<U>;

/**
 * The default factory: an `SMCUpdater` with a Liu–West resampler of the given parameters that
 * keeps the run's particle count — exactly what the performance trials have always built.
 *
 * @example
 * ```ts
 * const up = smcUpdaterFactory({ model, nParticles: 1000, prior, rng: new Rng(1), policy: {}, liuWest: {} });
 * ```
 */
export const smcUpdaterFactory = (args: UpdaterArgs): SMCUpdater =>
  new SMCUpdater(args.model, args.nParticles, args.prior, {
    rng: args.rng,
    resampler: new LiuWestResampler({ ...args.liuWest, defaultNParticles: args.nParticles, onWarning: args.onWarning }),
    resampleThresh: args.policy.resampleThresh,
    zeroWeightPolicy: args.policy.zeroWeightPolicy,
    zeroWeightThresh: args.policy.zeroWeightThresh,
    onWarning: args.onWarning,
    ...(args.allocate === undefined ? {} : { allocate: args.allocate }),
    ...(args.memoryLimit === undefined ? {} : { memoryLimit: args.memoryLimit }),
  });
