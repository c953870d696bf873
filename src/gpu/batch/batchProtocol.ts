import type { LiuWestParameters } from '../../resamplers/LiuWestResampler.js';
import type { WireGpuModel } from '../hostProtocol.js';

/** The fixed settings of a batch (the trials' shared updater options; Liu–West's as `LiuWestParameters`). */
export interface BatchSettings extends LiuWestParameters {
  /** Resample when `n_ess < thresh · n` (0 disables). */
  readonly resampleThresh: number;
  /** `N ≤ zeroWeightThresh` counts as all weights zero: policy 'error' stops the trial, 'skip' skips the datum, 'ignore'/'warn' accept it. */
  readonly zeroWeightThresh: number;
  readonly zeroError: boolean;
  readonly acceptZero: boolean;
  /** PGH draws per experiment before `ERR_HEURISTIC` (0 when the heuristic is not PGH). */
  readonly pghIters: number;
  /** The model's `Q` (PGH's distance `‖Q (x − x')‖₁`). */
  readonly Q: readonly number[];
}

/** `batchCreate` arguments (inputs: offsets f32 `[K·n·NP]`, seeds u32 `[K·2]`). */
export interface BatchCreateArgs {
  readonly batch: number;
  readonly model: WireGpuModel;
  readonly K: number;
  readonly n: number;
  readonly settings: BatchSettings;
}

/** `batchStep` / `batchPgh` arguments (input of batchStep: the step's host inputs f32 `[K·IN]`); output: the state rows f32 `[K·ST]`. */
export interface BatchStepArgs {
  readonly batch: number;
  readonly step: number;
  /** Trials the host stops before this step (failed, aborted). */
  readonly stop: readonly number[];
}
