import { QinferArgumentError, QinferError } from '../errors/QinferError.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import type { Model } from '../models/Model.js';
import { modelError } from '../models/modelError.js';
import type { Rng } from '../rng/Rng.js';
import { TRIAL_STREAMS } from '../rng/trialStreams.js';
import { matrix, toRowMajor, type ParticlesLike } from '../util/particles.js';

/** The two generators of a simulated system: outcomes, and the true model's time steps. */
export interface SystemStreams {
  readonly simulation: Rng;
  readonly dynamics: Rng;
}

/**
 * Throws `ERR_ARGUMENT` unless every true parameter is a finite number: a NaN or infinite true
 * parameter makes every simulated outcome meaningless (a NaN probability draws outcome 0
 * every time), so it is refused before any datum is simulated.
 *
 * @example
 * ```ts
 * checkTrueParams([NaN], 'SimplePrecessionModel'); // throws ERR_ARGUMENT: true parameter 0 of SimplePrecessionModel is NaN
 * ```
 */
export function checkTrueParams(trueParams: ArrayLike<number>, model: string): void {
  if (trueParams === null || typeof trueParams !== 'object' || typeof trueParams.length !== 'number') {
    throw new QinferArgumentError('ERR_ARGUMENT', `the true parameters of ${model} must be an array of numbers, got ${String(trueParams)}`, { details: { model } });
  }
  for (let p = 0; p < trueParams.length; p++) {
    const v = trueParams[p];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new QinferArgumentError('ERR_ARGUMENT', `true parameter ${p} of ${model} is ${String(v)}: true parameters must be finite numbers`, {
        details: { param: p, value: v, model },
      });
    }
  }
}

/**
 * The simulated system of a closed loop, the stand-in for an instrument: a true model at true
 * parameters `θ` that answers an experiment `e` with
 *
 *   d ~ Pr(· | θ; e)   (drawn from the `simulation` stream),
 *
 * and, for a model with dynamics, moves `θ ← updateTimestep(θ, e)[:, :, 0]` afterwards (from the
 * `dynamics` stream). One convention for every closed loop: `TrialRun` (the performance
 * trials), the `simulate` operator and `estimate()` take both streams from one root generator
 * as {@link fromRoot} does (`TRIAL_STREAMS.simulation`, `TRIAL_STREAMS.trueDynamics`), so the
 * same seed gives the same data everywhere.
 *
 * @example
 * ```ts
 * import { SimulatedSystem, SimplePrecessionModel, ExpParams, Rng } from 'qinfer-rx';
 * const sys = SimulatedSystem.fromRoot(new SimplePrecessionModel(), [0.42], new Rng(7));
 * const eps = ExpParams.scalar([3]);
 * const d = sys.simulate(eps); // 0 or 1, with Pr(0) = cos²(0.42 · 3 / 2)
 * sys.advance(eps);            // no-op: the model has no dynamics
 * ```
 */
export class SimulatedSystem {
  readonly trueModel: Model;
  private readonly truth: Float64Array;
  private readonly streams: SystemStreams;

  constructor(trueModel: Model, trueParams: ParticlesLike | readonly number[], streams: SystemStreams) {
    const nP = trueModel.nModelparams;
    const first = Array.isArray(trueParams) && typeof trueParams[0] === 'number' ? Float64Array.from(trueParams as number[]) : trueParams;
    const { x, nM } = toRowMajor(first as ParticlesLike, nP);
    if (nM !== 1) throw new QinferArgumentError('ERR_SHAPE', `a simulated system needs one true parameter vector, got ${nM}`);
    checkTrueParams(x, trueModel.name);
    this.trueModel = trueModel;
    this.truth = Float64Array.from(x);
    this.streams = streams;
  }

  /** The system whose streams are `root.split(TRIAL_STREAMS.simulation)` and `root.split(TRIAL_STREAMS.trueDynamics)`. */
  static fromRoot(trueModel: Model, trueParams: ParticlesLike | readonly number[], root: Rng): SimulatedSystem {
    return new SimulatedSystem(trueModel, trueParams, { simulation: root.split(TRIAL_STREAMS.simulation), dynamics: root.split(TRIAL_STREAMS.trueDynamics) });
  }

  /** The current true parameters (a view: it changes with {@link advance}). */
  get trueParams(): Float64Array {
    return this.truth;
  }

  /** Draws the outcome of one experiment (`eps` of length 1) at the current true parameters. */
  simulate(eps: ExpParams): number {
    try {
      const m = this.trueModel;
      if (m.simulateOne !== undefined) return m.simulateOne(this.truth, eps, this.streams.simulation);
      return m.simulateExperiment(matrix(this.truth, 1, this.truth.length), eps, this.streams.simulation).data[0]!;
    } catch (e) {
      throw modelError(this.trueModel.name, 'simulateExperiment', e);
    }
  }

  /** The true model's time step after experiment `eps` (nothing for a model without dynamics). */
  advance(eps: ExpParams): void {
    if (!this.trueModel.hasDynamics) return;
    const nP = this.truth.length;
    let moved: ReturnType<Model['updateTimestep']>;
    try {
      moved = this.trueModel.updateTimestep(matrix(this.truth, 1, nP), eps, this.streams.dynamics);
    } catch (e) {
      throw modelError(this.trueModel.name, 'updateTimestep', e);
    }
    const nE = moved.shape[2]!;
    for (let p = 0; p < nP; p++) this.truth[p] = moved.data[moved.offset + p * nE]!;
    for (let p = 0; p < nP; p++) {
      if (!Number.isFinite(this.truth[p]!)) {
        throw new QinferError('ERR_MODEL', `${this.trueModel.name}.updateTimestep moved true parameter ${p} to ${this.truth[p]}`, {
          details: { model: this.trueModel.name, method: 'updateTimestep', param: p, value: this.truth[p] },
        });
      }
    }
  }
}
