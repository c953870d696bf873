import type { Model } from '../models/Model.js';
import type { Rng } from '../rng/Rng.js';
import type { ParticleDistribution } from '../smc/ParticleDistribution.js';

/** Options of one resampling call. */
export interface ResampleOptions {
  /** Number of particles to produce (default: the resampler's default, else the cloud's). */
  nParticles?: number;
  /** Use this mean instead of estimating it. */
  precomputedMean?: Float64Array;
  /** Use this covariance (`[d·d]`, row-major) instead of estimating it. */
  precomputedCov?: Float64Array;
  /**
   * Write the new cloud into these buffers (at least `n·d` and `n` values) instead of new ones;
   * `locations` must not overlap the old cloud's locations, `weights` may be the old weights
   * (they are read before the new ones are written). A resampler may ignore it: the caller
   * uses the returned arrays either way.
   */
  into?: { readonly locations: Float64Array; readonly weights: Float64Array };
  /** Allocate the new locations and weights here (the updater's storage, e.g. shared memory); default the heap. */
  allocate?: (n: number) => Float64Array;
}

/** A new particle cloud. */
export interface ResampledCloud {
  readonly locations: Float64Array;
  readonly weights: Float64Array;
  readonly nParticles: number;
}

/** Draws a new, equally weighted cloud from a weighted one (QInfer's `Resampler`). */
export interface Resampler {
  /** A new, equally weighted cloud drawn from `dist` with `rng` (invalid particles per `model` handled by the resampler). */
  resample(model: Model, dist: ParticleDistribution, rng: Rng, options?: ResampleOptions): ResampledCloud;
}
