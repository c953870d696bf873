import type { Resampler } from '../resamplers/Resampler.js';
import type { RngLike } from '../rng/Rng.js';
import type { WarningSink } from '../errors/warn.js';
import type { Float64Allocator } from '../util/allocate.js';
import type { UpdatePolicyOptions } from './updatePolicy.js';

/** Options of {@link SMCUpdater} (QInfer's constructor arguments, camel-cased). */
export interface SMCUpdaterOptions extends UpdatePolicyOptions {
  /** The generator of every random draw (prior, resampling); a number seeds a new one. Default seed 0. */
  rng?: RngLike;
  /**
   * Default: a `LiuWestResampler` (a = 0.98) that keeps the current particle count (QInfer fixes
   * `default_n_particles = n_particles` at construction, so after `reset({ nParticles })` its
   * resampling jumped back to the old count; ours follows the count of the cloud).
   */
  resampler?: Resampler;
  /** Deprecated in QInfer: builds `LiuWestResampler({ a })`; giving it with `resampler` is an error. */
  resampleA?: number;
  /** Canonicalise particles after reset and each resampling. Default true. */
  canonicalize?: boolean;
  /** Receives approximation, resampler and zero-weight warnings. */
  onWarning?: WarningSink;
  /**
   * Where the locations, weights, likelihood buffer and resampled clouds live (default the heap).
   * `sharedFloat64` from `qinfer-rx/pool` keeps them in shared memory, so that a pooled
   * likelihood (`parallel(poolBackend(pool))`, `runTrialOn`) copies nothing per datum.
   */
  allocate?: Float64Allocator;
  /**
   * Bytes this updater may allocate (default `DEFAULT_MEMORY_LIMIT`, 16 GiB): a particle cloud
   * (`particleCloudBytes`) or a design quantity over candidate experiments (outcomes ×
   * particles × experiments) estimated above it is refused with `ERR_MEMORY` before anything is
   * allocated. `Infinity` turns the check off.
   */
  memoryLimit?: number;
}
