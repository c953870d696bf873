import type { WireError } from '../boundary/wireError.js';
import type { GpuAdapterInfo } from './GpuAdapterInfo.js';
import type { DeviceModel } from './deviceModel.js';
import type { Segment } from './SharedFile.js';

/** How to make the GPU host misbehave, for tests of the isolation (see `GpuHost.injectFault`). */
export type GpuFaultKind = 'exit' | 'hang' | 'abort' | 'segfault';

/** A model's device program as it crosses to the host: data, compiled there (never JS code). */
export interface WireGpuModel extends DeviceModel {
  readonly key: string;
}

/** A request to the GPU host. Bulk inputs are `segs` of the shared file, in the op's order. */
export interface HostRequest {
  readonly id: number;
  readonly op: string;
  readonly args: unknown;
  readonly segs: readonly Segment[];
}

/** The host's answer: a JSON result and optionally bulk output at `out` in the shared file; errors as the one {@link WireError}. */
export type HostReply =
  | { readonly id: number; readonly ok: true; readonly result: unknown; readonly out?: Segment }
  | { readonly id: number; readonly ok: false; readonly error: WireError };

/** `init` result. */
export type InitResult = { readonly available: true; readonly info: GpuAdapterInfo } | { readonly available: false; readonly reason: string };

/** `likelihood` arguments (inputs: offsets f32, host values f32, outcomes u32; output: L f32 `[nO, nM, nE]`). */
export interface LikelihoodArgs {
  readonly model: WireGpuModel;
  readonly nM: number;
  readonly nE: number;
  readonly nO: number;
}

/** `cloudCreate` arguments (inputs: offsets f32 `[n·nP]` from the host's reference, optionally u f32 `[n]`). */
export interface CloudCreateArgs {
  readonly cloud: number;
  readonly model: WireGpuModel;
  readonly n: number;
  readonly resampleThresh: number;
}

/** `cloudStep` arguments. */
export interface CloudStepArgs {
  readonly cloud: number;
  readonly outcome: number;
  /** The experiment's host values for the cloud's reference (`NH` float32, see `GpuOffsetForm`). */
  readonly h: readonly number[];
  /** Accept the update when `N ≤ zeroThresh` (policies ignore/warn/reset). */
  readonly acceptZero: boolean;
  readonly zeroThresh: number;
  /** Also run the resampling preparation when the device sets the resample flag. */
  readonly prepare: boolean;
}

/** What the host measured for one datum (all float32 on the device). */
export interface CloudStepResult {
  /** `S' = Σ u'` (= n · N). */
  readonly S: number;
  /** `Σ u'²`. */
  readonly Q: number;
  readonly nEss: number;
  /** The device's resample decision `n_ess < thresh · n`. */
  readonly resampleFlag: boolean;
  /** Likelihood values that were NaN or outside [0, 1] (beyond float32 rounding). */
  readonly invalid: number;
  readonly accepted: boolean;
  /** Present when the flag was set and `prepare` asked for it (blocks in the reply's `out`). */
  readonly prepared?: CloudMoments;
  /** The offsets' weighted mean under the step's new weights (valid when `accepted`). */
  readonly mean?: readonly number[];
}

/** Weighted moments of the cloud: `mean`, the upper triangle of `Σ u (x−μ)(x−μ)ᵀ`, and `S = Σ u`. */
export interface CloudMoments {
  readonly S: number;
  readonly mean: readonly number[];
  readonly covSums: readonly number[];
}

/** `cloudResample` arguments (input: offsets u32 `[nBlocks + 1]`). */
export interface CloudResampleArgs {
  readonly cloud: number;
  readonly a: number;
  readonly mu: readonly number[];
  /** `h · sqrtm(C)`, row-major `[nP·nP]`. */
  readonly hS: readonly number[];
  /** The new reference `r + μ` as float32 hi + lo (for `valid` in absolute coordinates). */
  readonly refHi: readonly number[];
  readonly refLo: readonly number[];
  readonly seed0: number;
  readonly seed1: number;
  readonly maxiter: number;
  readonly postselect: boolean;
}
