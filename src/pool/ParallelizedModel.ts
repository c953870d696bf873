import ndarray from 'ndarray';
import type { EngineView, SimulationChunk } from '../backends/EngineView.js';
import { QinferArgumentError } from '../errors/QinferError.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import { DerivedModel } from '../models/DerivedModel.js';
import { toOutcomes } from '../models/FiniteOutcomeModel.js';
import type { Model, ModelSpec, OutcomesLike } from '../models/Model.js';
import { abortError } from '../errors/abortError.js';
import { deriveSeed } from '../rng/deriveSeed.js';
import type { Rng } from '../rng/Rng.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { arraySplit } from './arraySplit.js';
import { checkSerialThreshold, likelihoodOnView } from './likelihoodOnView.js';

/** Options of {@link ParallelizedModel}. */
export interface ParallelizedModelOptions {
  /** At or below this many particles (or experiments) the serial model is used. Default `10 × nEngines`. */
  serialThreshold?: number;
}

/** Per-call options of {@link ParallelizedModel.likelihoodAsync}. */
export interface ParallelCallOptions {
  /** Write the result here (length ≥ `nO·nM·nE`); a shared array avoids a copy back. */
  out?: Float64Array;
  /** Aborting rejects with `ERR_ABORTED` and cancels the chunks no engine has started. */
  signal?: AbortSignal;
}

/** Per-call options of {@link ParallelizedModel.simulateExperimentAsync}. */
export interface ParallelSimulateOptions {
  /** Split by particles (true, the default) or by experiments. */
  splitByModelparams?: boolean;
  signal?: AbortSignal;
}

/**
 * QInfer's `DirectViewParallelizedModel` (`qinfer/parallel.py`): a derived model that computes the likelihood
 * of a serial model on the engines of an {@link EngineView} (a worker pool, a cluster).
 *
 * **Why there are two likelihoods.** The engines answer asynchronously, and JavaScript cannot
 * block the calling thread until worker threads have answered without risking a deadlock (the
 * thread that would wait is the one that must dispatch the queued chunks and notice a crashed
 * worker). So the synchronous {@link Model} methods — `likelihood`, `simulateExperiment`, which
 * the synchronous `SMCUpdater` calls — run the serial model on this thread, while
 * {@link likelihoodAsync} and {@link simulateExperimentAsync} run on the engines. In an RxJS
 * pipeline the likelihood stage goes to the engines through the `parallel(backend)` operator with
 * `poolBackend(pool)`, which does what `likelihoodAsync` does for whatever model the updater holds.
 *
 * `likelihoodAsync`: when `nM ≤ serialThreshold` (default `10 × nEngines`) the serial model is
 * called; otherwise the particles are split into numpy-`array_split` chunks (the first `nM mod k`
 * one row larger, empty chunks when `nM < k`), each engine fills its rows of
 * `L[i, j, k] = Pr(outcome_i | x_j; e_k)` in shared memory, and the pieces are joined by index:
 * the result equals the serial model's **bit for bit**. Every call counts `nO·nM·nE` in
 * `callCount`, as QInfer's does. The default threshold is QInfer's; for cheap models the pool
 * only pays off at thousands of particles (see `poolBackend` on choosing it).
 *
 * `simulateExperimentAsync` splits by particles or by experiments (threshold on `nM` or `nE`)
 * and joins on the right axes of `[repeat, nM, nE]` — particles on axis 1, experiments on axis 2
 * (QInfer joins on axes 0 / 1, a quirk not copied). Chunk `c` is simulated by the serial model
 * with `new Rng(deriveSeed(seed, c))`, where `seed = rng.nextUint32()·2^21 + (rng.nextUint32() >>> 11)`
 * consumes two draws of the caller's generator: results depend on the seed and the number of
 * engines, never on timing.
 *
 * The model crosses to the engines as `serialModel.spec()` (`{ name, params }`), so the serial
 * model must be registered in the engines' registry (built-ins, or a module given to `createPool`).
 *
 * @example
 * ```ts
 * import { SimplePrecessionModel, ExpParams, Rng } from 'qinfer-rx';
 * import { createPool, ParallelizedModel } from 'qinfer-rx/pool';
 * const pool = createPool({ engines: 4 });
 * const model = new ParallelizedModel(new SimplePrecessionModel(), pool);
 * const L = await model.likelihoodAsync([0, 1], particles, ExpParams.scalar([1, 2]));   // [2, nM, 2]
 * const d = await model.simulateExperimentAsync(particles, ExpParams.scalar([1]), new Rng(7), 3); // [3, nM, 1]
 * await pool.close();
 * ```
 */
export class ParallelizedModel extends DerivedModel {
  readonly name: string;
  /** The engines this model runs on (it does not own them: close them yourself). */
  readonly view: EngineView;
  readonly serialThreshold: number;

  constructor(serialModel: Model, view: EngineView, options: ParallelizedModelOptions = {}) {
    if (serialModel === null || typeof serialModel !== 'object' || typeof serialModel.likelihoodInto !== 'function') {
      throw new QinferArgumentError('ERR_ARGUMENT', 'ParallelizedModel needs a serial model');
    }
    if (view === null || typeof view !== 'object' || typeof view.likelihoodChunks !== 'function') {
      throw new QinferArgumentError('ERR_ARGUMENT', 'ParallelizedModel needs an EngineView (e.g. a pool from createPool)');
    }
    super(serialModel);
    this.name = serialModel.name;
    this.view = view;
    this.serialThreshold = checkSerialThreshold(options.serialThreshold, view.nEngines);
  }

  /** The serial model's parameters (engines rebuild the serial model from `spec()`). */
  override get params(): Readonly<Record<string, unknown>> {
    return this.underlyingModel.params;
  }

  override spec(): ModelSpec {
    return this.underlyingModel.spec();
  }

  /** The serial model's raw kernel on this thread. */
  likelihoodInto(outcomes: Int32Array, x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    this.underlyingModel.likelihoodInto(outcomes, x, nM, eps, out, start, end);
  }

  /** Serial simulation on this thread (counts here); see {@link simulateExperimentAsync} for the engines. */
  override simulateExperiment(mps: ParticlesLike, eps: ExpParams, rng: Rng, repeat = 1): ndarray.NdArray<Int32Array> {
    const res = this.underlyingModel.simulateExperiment(mps, eps, rng, repeat);
    this._simCount += res.size;
    return res;
  }

  /**
   * The likelihood `L[i, j, k]`, shape `[nO, nM, nE]`, computed on the engines (serially at or
   * below the threshold); equal to the serial model's bit for bit.
   */
  async likelihoodAsync(outcomes: OutcomesLike, mps: ParticlesLike, eps: ExpParams, options: ParallelCallOptions = {}): Promise<ndarray.NdArray<Float64Array>> {
    const os = toOutcomes(outcomes);
    const { x, nM } = toRowMajor(mps, this.nModelparams);
    const request = { model: this.underlyingModel, outcomes: os, x, nModels: nM, expparams: eps };
    const L = await likelihoodOnView(this.view, request, { ...options, serialThreshold: this.serialThreshold });
    const size = os.length * nM * eps.length;
    this._callCount += size;
    return ndarray(L.length === size ? L : L.subarray(0, size), [os.length, nM, eps.length]);
  }

  /**
   * Simulated outcomes `[repeat, nM, nE]`, split over the engines by particles (default) or by
   * experiments, each chunk drawn with its own generator seeded from `rng` (see the class notes).
   */
  async simulateExperimentAsync(mps: ParticlesLike, eps: ExpParams, rng: Rng, repeat = 1, options: ParallelSimulateOptions = {}): Promise<ndarray.NdArray<Int32Array>> {
    const { signal, splitByModelparams = true } = options;
    if (signal?.aborted) throw abortError(signal, 'the simulation was cancelled');
    if (!Number.isSafeInteger(repeat) || repeat < 1) throw new QinferArgumentError('ERR_ARGUMENT', `repeat must be a positive integer, got ${repeat}`);
    const { x, nM } = toRowMajor(mps, this.nModelparams);
    const nE = eps.length;
    const n = splitByModelparams ? nM : nE;
    if (n <= this.serialThreshold || this.view.simulateChunks === undefined) return this.simulateExperiment(x, eps, rng, repeat);
    this.underlyingModel.likelihood([], new Float64Array(0), eps); // validates the experiments here
    const seed = rng.nextUint32() * 2097152 + (rng.nextUint32() >>> 11);
    const chunks: SimulationChunk[] = arraySplit(n, this.view.nEngines).map((c, i) => ({
      models: splitByModelparams ? c : [0, nM],
      experiments: splitByModelparams ? [0, nE] : c,
      seed: deriveSeed(seed, i),
    }));
    const out = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, repeat * nM * nE)));
    await this.view.simulateChunks({ model: this.underlyingModel, x, nModels: nM, expparams: eps, repeat }, chunks, out, signal === undefined ? {} : { signal });
    this._simCount += repeat * nM * nE;
    return ndarray(out.subarray(0, repeat * nM * nE), [repeat, nM, nE]);
  }
}
