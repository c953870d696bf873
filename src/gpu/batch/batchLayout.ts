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
  /** Reduction targets of the weigh pass: Σu', Σu'², #invalid. */
  SNEW: 8,
  QNEW: 9,
  BAD: 10,
  NESS: 11,
  /** The Bayes normalisation `N = Σu'/n` of this step. */
  NORM: 12,
  RCOUNT: 13,
  /** Reduction target of the first-moment pass: Σu x_p (NP values) then Σu. */
  MSUM: 14,
  /** The weighted mean of the offsets before resampling (the shift of the reference). */
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

/** Components of the widest partial-sum pass. */
export function maxComponents(nP: number): number {
  return Math.max(3, nP + 1, triangle(nP));
}

/** Bytes of the largest device buffer of a batch of `K` trials × `n` particles (the offsets, two halves). */
export function largestBufferBytes(K: number, n: number, nP: number): number {
  return 2 * K * n * nP * 4;
}
