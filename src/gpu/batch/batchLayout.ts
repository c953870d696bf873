/**
 * The memory layout shared by the batched-trial kernels (batchShader.ts), the device program
 * (BatchEngine.ts) and the client (BatchRun.ts): K trials × n particles, each trial with a row
 * of `ST` floats of state in `st`.
 */

/** Floats of state per trial. */
export const ST = 72;

/** Slots of a trial's state row (floats; counts and flags are exact small integers). */
export const S = {
  /** Σu of the current weights. */
  SUM: 0,
  /** Which half of `w` holds the current weights (0/1). */
  WPAR: 1,
  /** Which half of `x` holds the current offsets (0/1). */
  XPAR: 2,
  /** 0 alive; 1 an invalid likelihood; 2 all weights zero under policy 'error'; 3 stopped by the host. */
  DEAD: 3,
  OUTCOME: 4,
  ACCEPTED: 5,
  /** Resampled in this step (0/1). */
  RESAMPLE: 6,
  /** Likelihood values of this step that were NaN or outside [0, 1]. */
  INVALID: 7,
  NESS: 8,
  /** The Bayes normalisation `N = Σu'/n` of this step. */
  NORM: 9,
  RCOUNT: 10,
  /** Reduction target of the weigh pass: Σu', Σu'², #invalid, then Σu' d_p (NP values). */
  SNEW: 12,
  QNEW: 13,
  BAD: 14,
  WSUM: 15,
  /** Reduction target of the first-moment pass: Σu d_p (NP values) then Σu. */
  MSUM: 19,
  /** The weighted mean of the offsets after the update, before resampling (the shift of the reference). */
  MU: 24,
  /** Reduction target of the centred second moments (upper triangle, ≤ 10 values). */
  CSUM: 28,
  /** `h · chol(C)` row-major (≤ 16 values). */
  LCH: 38,
  /** The offsets' mean after the step (the estimate is `r + MUEST`). */
  MUEST: 54,
  /** PGH: 1 when two distinct particles were drawn, then their offsets (NP each). */
  PGH_OK: 58,
  PGH_A: 59,
  PGH_B: 63,
} as const;

/** Largest parameter count of the batched engine (vec4 noise, ≤ 4 mean slots). */
export const MAX_BATCH_PARAMS = 4;

/** Byte size of the batch `Params` uniform. */
export const BATCH_PARAMS_BYTES = 96;

/** Floats per trial of the per-step host inputs: host values for the cloud and the truth, the simulation uniform, the reference (hi, lo). */
export function inputFloats(nP: number, nH: number): number {
  return 2 * nH + 1 + 2 * nP;
}

/** Components of the upper triangle of a d × d covariance. */
export function triangle(nP: number): number {
  return (nP * (nP + 1)) / 2;
}

/** Components of the weigh pass's partial sums: Σu', Σu'², #invalid, Σu' d_p. */
export function weighComponents(nP: number): number {
  return 3 + nP;
}

/** Components of the widest partial-sum pass. */
export function maxComponents(nP: number): number {
  return Math.max(weighComponents(nP), nP + 1, triangle(nP));
}

/** Bytes of the largest device buffer of a batch of `K` trials × `n` particles (the offsets, two halves). */
export function largestBufferBytes(K: number, n: number, nP: number): number {
  return 2 * K * n * nP * 4;
}

/**
 * Trials per batch: as many as `maxTrials`, bounded so that the largest buffer
 * (`2·K·n·nP` float32 offsets) fits `min(maxStorageBufferBindingSize, maxBufferSize)` and the
 * optional `memoryLimit` (bytes); 0 when one trial alone does not fit.
 *
 * @example
 * ```ts
 * batchCapacity({ maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 28 }, 6000, 1, 1024); // 1024 (one trial: 48 kB)
 * ```
 */
export function batchCapacity(
  limits: { readonly maxStorageBufferBindingSize: number; readonly maxBufferSize: number },
  n: number, nP: number, maxTrials: number, memoryLimit = Infinity,
): number {
  const lim = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize, memoryLimit);
  return Math.max(0, Math.min(maxTrials, Math.floor(lim / largestBufferBytes(1, n, nP))));
}
