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
}

/** A new particle cloud. */
export interface ResampledCloud {
  readonly locations: Float64Array;
  readonly weights: Float64Array;
  readonly nParticles: number;
}

/** Draws a new, equally weighted cloud from a weighted one (QInfer's `Resampler`). */
export interface Resampler {
  resample(model: Model, dist: ParticleDistribution, rng: Rng, options?: ResampleOptions): ResampledCloud;
}
