import { QinferArgumentError, QinferError } from '../errors/QinferError.js';
import type { WarningSink } from '../errors/warn.js';
import { checkCount } from '../util/checkCount.js';
import { SCALAR_KEY, type ExpParams, type ExpParamsData, type ExpRecord } from '../expparams/ExpParams.js';
import type { LikelihoodBackend } from '../backends/LikelihoodBackend.js';
import type { Heuristic } from '../heuristics/Heuristic.js';
import type { Model } from '../models/Model.js';
import type { Registry } from '../registry/Registry.js';
import { LiuWestResampler } from '../resamplers/LiuWestResampler.js';
import { Rng } from '../rng/Rng.js';
import { SMCUpdater } from '../smc/SMCUpdater.js';
import { matrix } from '../util/particles.js';
import type { PerfRecord } from './PerfRecord.js';
import { perfLoss } from './perfLoss.js';
import { perfRecordLayout, type PerfRecordLayout } from './perfRecordDtype.js';
import type { TrialResult, TrialSpec } from './TrialSpec.js';
import { TRIAL_STREAMS } from './trialStreams.js';

/** Options of {@link TrialRun} and `runTrial`. */
export interface TrialRunOptions {
  /** Receives the updater's and resampler's warnings (default: ignored). */
  onWarning?: WarningSink;
  /** A clock in milliseconds (default `globalThis.performance.now`, else `Date.now`). */
  now?: () => number;
}

type Clock = () => number;

function defaultClock(): Clock {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf !== undefined ? () => perf.now() : () => Date.now();
}

/**
 * One performance-test trial as a step machine (QInfer's `perf_test`, spec §6 step 3): each
 * {@link next} runs one experiment in QInfer's exact order and returns its record,
 *
 *   record true → eps = heuristic.next() → d = simulate(true, eps) → time update(d, eps)
 *   → true = updateTimestep(true, eps)[:, :, 0] → est = estMean() → loss(est, true).
 *
 * Everything is rebuilt from the data of the {@link TrialSpec} through `registry`, and every
 * random draw comes from a stream of `new Rng(spec.seed)` (see `TRIAL_STREAMS`), so the same
 * spec gives the same records anywhere. Pure and synchronous: no RxJS, no Node APIs.
 *
 * @example
 * ```ts
 * import { TrialRun, builtInRegistry } from 'qinfer-rx';
 * const run = new TrialRun(spec, builtInRegistry());
 * while (!run.done) console.log(run.next().loss);
 * const result = run.result();
 * ```
 */
export class TrialRun {
  readonly spec: TrialSpec;
  readonly layout: PerfRecordLayout;
  readonly model: Model;
  readonly trueModel: Model;
  readonly updater: SMCUpdater;
  private readonly heuristic: Heuristic;
  private readonly simRng: Rng;
  private readonly dynRng: Rng;
  private readonly clock: Clock;
  private readonly trueNow: Float64Array;
  private readonly expCols: { key: string; width: number; col: Float64Array; recordName: string }[];
  private readonly out: {
    loss: Float64Array;
    resampleCount: Int32Array;
    elapsedTime: Float64Array;
    outcome: Int32Array;
    trueParams: Float64Array;
    estParams: Float64Array;
  };
  private k = 0;
  private lbuf = new Float64Array(0);

  constructor(spec: TrialSpec, registry: Registry, options: TrialRunOptions = {}) {
    checkCount(spec.nExp, 'nExp');
    checkCount(spec.nParticles, 'nParticles');
    this.spec = spec;
    this.clock = options.now ?? defaultClock();
    const rng = new Rng(spec.seed);
    this.model = registry.createModel(spec.model);
    this.trueModel = spec.trueModel === undefined ? this.model : registry.createModel(spec.trueModel);
    const prior = registry.createDistribution(spec.prior);
    const nTrue = this.trueModel.nModelparams, nEst = this.model.nModelparams, nExp = spec.nExp;
    this.layout = perfRecordLayout(this.model, this.trueModel);

    // True parameters: fixed, or one draw from the true prior (default: the prior).
    if (spec.trueModelparams !== undefined) {
      if (spec.trueModelparams.length !== nTrue) {
        throw new QinferArgumentError('ERR_SHAPE', `trueModelparams has ${spec.trueModelparams.length} values, the true model ${nTrue} parameters`);
      }
      this.trueNow = Float64Array.from(spec.trueModelparams);
    } else {
      const truePrior = spec.truePrior === undefined ? prior : registry.createDistribution(spec.truePrior);
      if (truePrior.nRvs !== nTrue) {
        throw new QinferArgumentError('ERR_SHAPE', `the true prior has ${truePrior.nRvs} random variables, the true model ${nTrue} parameters`);
      }
      const draw = truePrior.sample(1, rng.split(TRIAL_STREAMS.trueParams));
      this.trueNow = Float64Array.from({ length: nTrue }, (_, p) => draw.get(0, p));
    }

    const u = spec.updater ?? {};
    const updaterRng = rng.split(TRIAL_STREAMS.updater);
    const resampler = new LiuWestResampler({ ...u.resampler, defaultNParticles: spec.nParticles, onWarning: options.onWarning });
    this.updater = new SMCUpdater(this.model, spec.nParticles, prior, {
      rng: updaterRng,
      resampler,
      resampleThresh: u.resampleThresh,
      zeroWeightPolicy: u.zeroWeightPolicy,
      zeroWeightThresh: u.zeroWeightThresh,
      onWarning: options.onWarning,
    });
    this.heuristic = registry.createHeuristic(spec.heuristic, this.updater, rng.split(TRIAL_STREAMS.heuristic));
    this.simRng = rng.split(TRIAL_STREAMS.simulation);
    this.dynRng = rng.split(TRIAL_STREAMS.trueDynamics);

    const schema = this.model.expparamsSchema;
    this.expCols =
      schema.kind === 'scalar'
        ? [{ key: SCALAR_KEY, width: 1, col: new Float64Array(nExp), recordName: 'experiment' }]
        : schema.fields.map((f) => ({ key: f.name, width: f.shape ?? 1, col: new Float64Array(nExp * (f.shape ?? 1)), recordName: f.name }));
    this.out = {
      loss: new Float64Array(nExp),
      resampleCount: new Int32Array(nExp),
      elapsedTime: new Float64Array(nExp),
      outcome: new Int32Array(nExp),
      trueParams: new Float64Array(nExp * nTrue),
      estParams: new Float64Array(nExp * nEst),
    };
  }

  /** True once all `nExp` experiments have run. */
  get done(): boolean {
    return this.k >= this.spec.nExp;
  }

  /** Number of experiments run so far. */
  get step(): number {
    return this.k;
  }

  /** Runs the next experiment and returns its record (views into the result buffers). */
  next(): PerfRecord {
    const { eps, outcome } = this.begin();
    const t0 = this.clock();
    this.updater.update(outcome, eps);
    return this.end(eps, outcome, (this.clock() - t0) / 1000);
  }

  /**
   * Runs the next experiment with its likelihood computed by `backend` (a worker pool, a GPU, a
   * cluster): the same steps as {@link next}, the update being `L = await backend.likelihood(…)`
   * then `applyLikelihood` and the resampling check. Elapsed time covers the backend call and
   * the update. For float64 backends the record equals {@link next}'s bit for bit.
   */
  async nextOn(backend: LikelihoodBackend, signal?: AbortSignal): Promise<PerfRecord> {
    const { eps, outcome } = this.begin();
    const up = this.updater;
    const t0 = this.clock();
    up.checkDatum(outcome, eps);
    if (this.lbuf.length !== up.nParticles) this.lbuf = new Float64Array(up.nParticles);
    const request = { model: this.model, outcomes: Int32Array.of(outcome), x: up.locations, nModels: up.nParticles, expparams: eps };
    const L = await backend.likelihood(request, signal === undefined ? { out: this.lbuf } : { out: this.lbuf, signal });
    if (up.applyLikelihood(outcome, eps, L)) up.maybeResample();
    return this.end(eps, outcome, (this.clock() - t0) / 1000);
  }

  /** Records the true parameters, chooses the experiment and simulates its outcome. */
  private begin(): { eps: ExpParams; outcome: number } {
    const k = this.k;
    if (k >= this.spec.nExp) throw new QinferError('ERR_ARGUMENT', `trial ${this.spec.index} has already run its ${this.spec.nExp} experiments`);
    const nTrue = this.layout.nTrue;
    this.out.trueParams.subarray(k * nTrue, (k + 1) * nTrue).set(this.trueNow);
    const eps = this.heuristic.next();
    if (eps.length !== 1) throw new QinferError('ERR_HEURISTIC', `the heuristic returned ${eps.length} experiments, expected 1`);
    const outcome = this.trueModel.simulateExperiment(matrix(this.trueNow, 1, nTrue), eps, this.simRng).data[0]!;
    return { eps, outcome };
  }

  /** After the update: the true model's time step, the estimate, the loss and the record. */
  private end(eps: ExpParams, outcome: number, elapsed: number): PerfRecord {
    const k = this.k;
    const nTrue = this.layout.nTrue, nEst = this.layout.nEst, out = this.out;
    if (this.trueModel.hasDynamics) {
      const moved = this.trueModel.updateTimestep(matrix(this.trueNow, 1, nTrue), eps, this.dynRng);
      const nE = moved.shape[2]!;
      for (let p = 0; p < nTrue; p++) this.trueNow[p] = moved.data[moved.offset + p * nE]!;
    }
    const est = this.updater.estMean();
    const estRow = out.estParams.subarray(k * nEst, (k + 1) * nEst);
    estRow.set(est);
    const loss = perfLoss(est, this.trueNow, this.model.Q);

    out.loss[k] = loss;
    out.resampleCount[k] = this.updater.resampleCount;
    out.elapsedTime[k] = elapsed;
    out.outcome[k] = outcome;
    const experiment = this.storeExperiment(eps, k);
    this.k = k + 1;
    return {
      trial: this.spec.index,
      step: k,
      loss,
      resampleCount: this.updater.resampleCount,
      elapsedTime: elapsed,
      outcome,
      trueParams: out.trueParams.subarray(k * nTrue, (k + 1) * nTrue),
      est: estRow,
      experiment,
    };
  }

  private storeExperiment(eps: ExpParams, k: number): ExpRecord {
    const rec: ExpRecord = {};
    for (const c of this.expCols) {
      const src = eps.field(c.key);
      if (src.length < c.width) throw new QinferError('ERR_EXPPARAMS_FIELD', `experiment field '${c.key}' has ${src.length} values, expected ${c.width}`);
      for (let j = 0; j < c.width; j++) c.col[k * c.width + j] = src[j]!;
      rec[c.recordName] = c.width === 1 ? src[0]! : Array.from(src.subarray(0, c.width));
    }
    return rec;
  }

  /** The trial's records, columnar; throws unless {@link done}. */
  result(): TrialResult {
    if (!this.done) throw new QinferError('ERR_ARGUMENT', `trial ${this.spec.index} has run ${this.k} of ${this.spec.nExp} experiments`);
    const columns: Record<string, Float64Array> = {};
    for (const c of this.expCols) columns[c.key] = c.col;
    const experiments: ExpParamsData = { schema: this.model.expparamsSchema, length: this.spec.nExp, columns };
    return {
      index: this.spec.index,
      seed: this.spec.seed,
      nExp: this.spec.nExp,
      nTrue: this.layout.nTrue,
      nEst: this.layout.nEst,
      ...this.out,
      experiments,
    };
  }
}
