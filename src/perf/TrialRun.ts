import { QinferArgumentError, QinferError } from '../errors/QinferError.js';
import type { WarningSink } from '../errors/warn.js';
import { SCALAR_KEY, type ExpParams, type ExpParamsData, type ExpRecord } from '../expparams/ExpParams.js';
import type { LikelihoodBackend } from '../backends/LikelihoodBackend.js';
import { backendLikelihood } from '../backends/backendLikelihood.js';
import type { Model } from '../models/Model.js';
import type { Registry } from '../registry/Registry.js';
import { chooseExperiment, stepEstimates, updateStep } from '../smc/estimationStep.js';
import type { SimulatedSystem } from '../smc/SimulatedSystem.js';
import type { SMCUpdater } from '../smc/SMCUpdater.js';
import { isHostUpdater, type PosteriorEstimates, type Updater } from '../smc/Updater.js';
import { smcUpdaterFactory, type UpdaterFactory } from '../smc/updaterFactory.js';
import type { Float64Allocator } from '../util/allocate.js';
import { isPromiseLike } from '../util/maybePromise.js';
import type { PerfRecord } from './PerfRecord.js';
import { perfLoss } from './perfLoss.js';
import { perfRecordLayout, type PerfRecordLayout } from './perfRecordDtype.js';
import { trialSetup, type TrialSetup } from './trialSetup.js';
import type { TrialResult, TrialSpec } from './TrialSpec.js';

/** Options of {@link TrialRun} and `runTrial`. */
export interface TrialRunOptions {
  /** Receives the updater's and resampler's warnings (default: ignored). */
  onWarning?: WarningSink;
  /** A clock in milliseconds (default `globalThis.performance.now`, else `Date.now`). */
  now?: () => number;
  /** Where the updater's n-sized arrays live (default the heap; `runTrialOn` passes its backend's `allocate`). */
  allocate?: Float64Allocator;
  /**
   * Bytes one trial may allocate (default `DEFAULT_MEMORY_LIMIT`, 16 GiB): a trial estimated
   * above it (`estimateTrialBytes`) fails with `ERR_MEMORY` before its particles are drawn.
   */
  memoryLimit?: number;
}

/** Options of a trial on any updater ({@link TrialRun.create}). */
export interface TrialRunUpdaterOptions<U extends Updater = Updater> extends TrialRunOptions {
  /** Builds the trial's updater (default `smcUpdaterFactory`); may be asynchronous (`GpuUpdater.factory`). */
  updater?: UpdaterFactory<U>;
}

type Clock = () => number;

function defaultClock(): Clock {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf !== undefined ? () => perf.now() : () => Date.now();
}

/**
 * One performance-test trial as a step machine (QInfer's `perf_test`, `qinfer/perf_testing.py`, its loop over experiments): each
 * {@link next} runs one experiment in QInfer's exact order and returns its record,
 *
 *   record true → eps = heuristic.next() → d = simulate(true, eps) → time update(d, eps)
 *   → true = updateTimestep(true, eps)[:, :, 0] → est = estMean() → loss(est, true).
 *
 * Everything is rebuilt from the data of the {@link TrialSpec} through `registry`
 * (`trialSetup`, shared with the CLI's `estimate`), and every random draw comes from a stream
 * of `new Rng(spec.seed)` (see `TRIAL_STREAMS`), so the same spec gives the same records
 * anywhere. The experiment is the estimation step the pipeline operators run — the same
 * functions (`chooseExperiment`, `SimulatedSystem`, `updateStep`, `stepEstimates`), not a
 * twin. No RxJS, no Node APIs.
 *
 * The updater is an `SMCUpdater` (synchronous: {@link next}, or {@link nextOn} a likelihood
 * backend) or whatever an `UpdaterFactory` builds — e.g. a GPU-resident `GpuUpdater`, run with
 * {@link nextAsync} after {@link TrialRun.create}.
 *
 * @example
 * ```ts
 * import { TrialRun, builtInRegistry } from 'qinfer-rx';
 * const run = new TrialRun(spec, builtInRegistry());
 * while (!run.done) console.log(run.next().loss);
 * const result = run.result();
 * ```
 */
export class TrialRun<U extends Updater = SMCUpdater> {
  readonly spec: TrialSpec;
  readonly layout: PerfRecordLayout;
  readonly model: Model;
  readonly trueModel: Model;
  readonly updater: U;
  private readonly choose: (updater: Updater) => ExpParams;
  private readonly system: SimulatedSystem;
  private readonly clock: Clock;
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

  /**
   * A trial on an `SMCUpdater` (or on the updater a synchronous `prepared` factory result
   * gives: see {@link TrialRun.create} for any updater).
   */
  constructor(spec: TrialSpec, registry: Registry, options: TrialRunOptions = {}, prepared?: { readonly setup: TrialSetup; readonly updater: U }) {
    const setup = prepared?.setup ?? trialSetup(spec, registry, options);
    this.spec = spec;
    this.clock = options.now ?? defaultClock();
    this.model = setup.model;
    this.trueModel = setup.trueModel;
    const nExp = spec.nExp;
    this.layout = perfRecordLayout(this.model, this.trueModel);
    this.updater = prepared?.updater ?? (smcUpdaterFactory(setup.updaterArgs) as unknown as U);
    const heuristic = setup.heuristic(this.updater);
    this.choose = () => heuristic.next();
    this.system = setup.system();

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
      trueParams: new Float64Array(nExp * this.layout.nTrue),
      estParams: new Float64Array(nExp * this.layout.nEst),
    };
  }

  /**
   * A trial on the updater `options.updater` builds (default an `SMCUpdater`), awaiting an
   * asynchronous factory (`GpuUpdater.create`). The set-up is {@link trialSetup}'s, the same
   * for every updater: a float64 host updater gives {@link next}'s records bit for bit.
   *
   * @example
   * ```ts
   * import { GpuUpdater } from 'qinfer-rx/gpu';
   * const run = await TrialRun.create(spec, builtInRegistry(), { updater: GpuUpdater.factory() });
   * while (!run.done) await run.nextAsync();
   * ```
   */
  static async create<V extends Updater = SMCUpdater>(spec: TrialSpec, registry: Registry, options: TrialRunUpdaterOptions<V> = {}): Promise<TrialRun<V>> {
    const setup = trialSetup(spec, registry, options);
    const made = (options.updater ?? (smcUpdaterFactory as unknown as UpdaterFactory<V>))(setup.updaterArgs);
    const updater = isPromiseLike(made) ? await made : made;
    return new TrialRun<V>(spec, registry, options, { setup, updater });
  }

  /** True once all `nExp` experiments have run. */
  get done(): boolean {
    return this.k >= this.spec.nExp;
  }

  /** Number of experiments run so far. */
  get step(): number {
    return this.k;
  }

  /** Runs the next experiment and returns its record (views into the result buffers); a synchronous (host) updater only. */
  next(): PerfRecord {
    if (this.updater.residence !== 'host') {
      throw new QinferArgumentError('ERR_ARGUMENT', `next() runs a synchronous updater; this trial's updater lives on a device: use nextAsync()`);
    }
    const { eps, outcome } = this.begin();
    const t0 = this.clock();
    updateStep(this.updater, outcome, eps, undefined, {});
    const elapsed = (this.clock() - t0) / 1000;
    return this.end(eps, outcome, elapsed, stepEstimates(this.updater, false) as PosteriorEstimates);
  }

  /**
   * Runs the next experiment with its likelihood computed by `backend` (a worker pool, a GPU, a
   * cluster): the same steps as {@link next}, the update being `L = await backend.likelihood(…)`
   * (`backendLikelihood`, as the `parallel` operator calls it) then `applyLikelihood` and the
   * resampling check. Elapsed time covers the backend call and the update. For float64
   * backends the record equals {@link next}'s bit for bit. The backend writes into the updater's
   * likelihood buffer (in place, for a pool and an updater in shared memory: see `runTrialOn`).
   */
  async nextOn(backend: LikelihoodBackend, signal?: AbortSignal): Promise<PerfRecord> {
    const { eps, outcome } = this.begin();
    const up = this.updater;
    const t0 = this.clock();
    const out = isHostUpdater(up) ? up.likelihoodBuffer() : new Float64Array(0); // a device updater is refused by backendLikelihood
    const L = await backendLikelihood(backend, up, outcome, eps, signal === undefined ? { out } : { out, signal });
    updateStep(up, outcome, eps, L, {});
    const elapsed = (this.clock() - t0) / 1000;
    return this.end(eps, outcome, elapsed, stepEstimates(up, false) as PosteriorEstimates);
  }

  /**
   * Runs the next experiment on any updater, awaiting its update and estimates (a GPU-resident
   * updater computes the likelihood on its device). Elapsed time covers the update. On a
   * synchronous updater the record equals {@link next}'s.
   */
  async nextAsync(): Promise<PerfRecord> {
    const { eps, outcome } = this.begin();
    const t0 = this.clock();
    await updateStep(this.updater, outcome, eps, undefined, {});
    const elapsed = (this.clock() - t0) / 1000;
    return this.end(eps, outcome, elapsed, await stepEstimates(this.updater, false));
  }

  /** Records the true parameters, chooses the experiment and simulates its outcome. */
  private begin(): { eps: ExpParams; outcome: number } {
    const k = this.k;
    if (k >= this.spec.nExp) throw new QinferError('ERR_ARGUMENT', `trial ${this.spec.index} has already run its ${this.spec.nExp} experiments`);
    const nTrue = this.layout.nTrue;
    this.out.trueParams.subarray(k * nTrue, (k + 1) * nTrue).set(this.system.trueParams);
    const eps = chooseExperiment(this.choose, this.updater);
    return { eps, outcome: this.system.simulate(eps) };
  }

  /** After the update: the true model's time step, the estimate, the loss and the record. */
  private end(eps: ExpParams, outcome: number, elapsed: number, estimates: PosteriorEstimates): PerfRecord {
    const k = this.k;
    const nTrue = this.layout.nTrue, nEst = this.layout.nEst, out = this.out;
    this.system.advance(eps);
    const est = estimates.mean;
    const estRow = out.estParams.subarray(k * nEst, (k + 1) * nEst);
    estRow.set(est);
    const loss = perfLoss(est, this.system.trueParams, this.model.Q);

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
