import { QinferArgumentError, QinferError } from '../../errors/QinferError.js';
import { ExpParams, SCALAR_KEY, type ExpParamsData } from '../../expparams/ExpParams.js';
import type { Heuristic } from '../../heuristics/Heuristic.js';
import { PGH } from '../../heuristics/PGH.js';
import type { Model } from '../../models/Model.js';
import { perfLoss } from '../../perf/perfLoss.js';
import type { TrialResult, TrialSpec } from '../../perf/TrialSpec.js';
import { trialSetup } from '../../perf/trialSetup.js';
import { TRIAL_STREAMS } from '../../rng/trialStreams.js';
import type { Registry } from '../../registry/Registry.js';
import { liuWestParameters } from '../../resamplers/LiuWestResampler.js';
import type { Rng } from '../../rng/Rng.js';
import { resolveUpdatePolicy } from '../../smc/updatePolicy.js';
import type { GpuHost } from '../GpuHost.js';
import type { GpuModel } from '../GpuModel.js';
import { callReference, deviceModel, offsetsFrom, packHostValues } from '../deviceModel.js';
import { wireModel } from '../wireModel.js';
import { S, ST, inputFloats } from './batchLayout.js';
import { stepView, type BatchHeuristicKind } from './batchPlan.js';
import type { BatchCreateArgs, BatchSettings, BatchStepArgs } from './batchProtocol.js';

/** The experiments of one trial, as `TrialResult.experiments` columns. */
class ExperimentColumns {
  private readonly cols: { key: string; width: number; col: Float64Array }[];
  constructor(
    private readonly model: Model,
    private readonly nExp: number,
  ) {
    const schema = model.expparamsSchema;
    this.cols = schema.kind === 'scalar'
      ? [{ key: SCALAR_KEY, width: 1, col: new Float64Array(nExp) }]
      : schema.fields.map((f) => ({ key: f.name, width: f.shape ?? 1, col: new Float64Array(nExp * (f.shape ?? 1)) }));
  }

  store(eps: ExpParams, k: number): void {
    for (const c of this.cols) {
      const src = eps.field(c.key);
      if (src.length < c.width) throw new QinferError('ERR_EXPPARAMS_FIELD', `experiment field '${c.key}' has ${src.length} values, expected ${c.width}`);
      for (let j = 0; j < c.width; j++) c.col[k * c.width + j] = src[j]!;
    }
  }

  data(): ExpParamsData {
    const columns: Record<string, Float64Array> = {};
    for (const c of this.cols) columns[c.key] = c.col;
    return { schema: this.model.expparamsSchema, length: this.nExp, columns };
  }
}

/** One trial of a batch, on the host: its float64 reference, truth, streams and records. */
interface Trial extends Pick<TrialResult, 'loss' | 'resampleCount' | 'elapsedTime' | 'outcome' | 'trueParams' | 'estParams'> {
  readonly spec: TrialSpec;
  readonly truth: Float64Array;
  readonly ref: Float64Array;
  readonly sim: Rng;
  readonly dataRecord: number[];
  readonly heuristic: Heuristic;
  readonly exps: ExperimentColumns;
  eps?: ExpParams;
  error?: unknown;
  stopped: boolean;
}

/** What a batch needs besides its specs. */
export interface BatchRunContext {
  readonly host: GpuHost;
  readonly registry: Registry;
  readonly gpuModel: GpuModel;
  readonly kind: BatchHeuristicKind;
  /** Milliseconds (default `performance.now`). */
  readonly clock?: () => number;
  /** Trials that are no longer wanted (aborted): stopped before the next step. */
  readonly cancelled?: (index: number) => boolean;
}

let nextBatchId = 1;

/**
 * One batch of K trials with the same options (only index and seed differ), advanced together
 * on the device (see `batchShader`): per experiment the host chooses each trial's experiment
 * (its heuristic on the step index, or from PGH's device draws), reduces the phases of the
 * trial's reference and of its true parameters exactly (float64), uploads `K·IN` floats, and
 * reads back the K state rows; it then moves each resampled trial's reference to its posterior
 * mean and records `est = r + μ`, the loss, the outcome, the resample count and the
 * experiment. Every random stream of a trial is the one `TrialRun` uses for its seed (true
 * parameters, prior cloud, simulation uniforms, heuristic); resampling and PGH's draws use a
 * counter-based device generator seeded from the trial's updater stream. Elapsed time per trial
 * and experiment is the step's wall time divided by the live trials.
 *
 * Resolves with one entry per spec: its `TrialResult`, or the error that stopped it.
 */
export async function runBatch(specs: readonly TrialSpec[], ctx: BatchRunContext): Promise<(TrialResult | { error: unknown })[]> {
  if (specs.length === 0) return [];
  const first = specs[0]!;
  const registry = ctx.registry, gm = ctx.gpuModel, dm = deviceModel(gm);
  const clock = ctx.clock ?? (() => performance.now());
  const model = registry.createModel(first.model);
  const nP = model.nModelparams, n = first.nParticles, nExp = first.nExp, K = specs.length;
  const nH = dm.nHostValues, IN = inputFloats(nP, nH);
  const u = first.updater ?? {};
  const policy = resolveUpdatePolicy(u);
  const lw = liuWestParameters(u.resampler ?? {});
  const pghMaxiters = ctx.kind === 'pgh' ? ((first.heuristic.params?.['maxiters'] as number | undefined) ?? 10) : 0;
  const settings: BatchSettings = {
    resampleThresh: policy.resampleThresh, a: lw.a, h: lw.h, maxiter: lw.maxiter, postselect: lw.postselect, zeroCovComp: lw.zeroCovComp,
    zeroWeightThresh: policy.zeroWeightThresh, zeroError: policy.zeroWeightPolicy === 'error', acceptZero: policy.zeroWeightPolicy === 'ignore' || policy.zeroWeightPolicy === 'warn',
    pghIters: pghMaxiters, Q: Array.from(model.Q),
  };

  // per-trial set-up, stream by stream as TrialRun does it
  const x0 = new Float32Array(K * n * nP), seeds = new Uint32Array(2 * K);
  const trials: Trial[] = specs.map((spec, t) => {
    // the trial's set-up and streams exactly as TrialRun builds them (trialSetup)
    const setup = trialSetup(spec, registry);
    const truth = Float64Array.from(setup.trueParams);
    const updaterRng = setup.updaterArgs.rng;
    const draw = setup.prior.sample(n, updaterRng); // the initial cloud SMCUpdater and GpuUpdater draw
    const x = Float64Array.from(draw.data.subarray(draw.offset, draw.offset + n * nP));
    model.canonicalize(x, n);
    const ref = callReference(gm, x, n);
    offsetsFrom(x, n, ref, x0.subarray(t * n * nP, (t + 1) * n * nP));
    seeds[2 * t] = updaterRng.nextUint32();
    seeds[2 * t + 1] = updaterRng.nextUint32();
    const dataRecord: number[] = [];
    const heuristic = setup.heuristic(stepView(model, dataRecord));
    return {
      spec, truth, ref, sim: setup.root.split(TRIAL_STREAMS.simulation), dataRecord, heuristic, exps: new ExperimentColumns(model, nExp),
      loss: new Float64Array(nExp), resampleCount: new Int32Array(nExp), elapsedTime: new Float64Array(nExp), outcome: new Int32Array(nExp),
      trueParams: new Float64Array(nExp * nP), estParams: new Float64Array(nExp * nP), stopped: false,
    };
  });
  if (ctx.kind === 'pgh' && !trials.every((tr) => tr.heuristic instanceof PGH)) throw new QinferArgumentError('ERR_ARGUMENT', 'the batch was planned for PGH but the registry builds another heuristic');

  const batch = nextBatchId++;
  await ctx.host.call('batchCreate', { batch, model: wireModel(gm), K, n, settings } satisfies BatchCreateArgs, [x0, seeds]);
  const inputs = new Float32Array(K * IN);
  const fail = (tr: Trial, error: unknown): void => {
    tr.error ??= error;
    tr.stopped = true;
  };
  let pendingStop: number[] = [];
  const stopList = (): number[] => {
    for (let t = 0; t < K; t++) {
      const tr = trials[t]!;
      if (!tr.stopped && ctx.cancelled?.(tr.spec.index) === true) {
        fail(tr, new QinferError('ERR_ABORTED', `trial ${tr.spec.index} was cancelled`));
        pendingStop.push(t);
      }
    }
    const s = pendingStop;
    pendingStop = [];
    return s;
  };
  try {
    for (let k = 0; k < nExp; k++) {
      if (trials.every((tr) => tr.stopped)) break;
      const t0 = clock();
      if (ctx.kind === 'pgh') {
        const { output } = await ctx.host.call('batchPgh', { batch, step: k, stop: stopList() } satisfies BatchStepArgs);
        const rows = rowsOf(output, K);
        for (let t = 0; t < K; t++) {
          const tr = trials[t]!;
          if (tr.stopped) continue;
          const o = t * ST;
          if (rows[o + S.PGH_OK] !== 1) {
            fail(tr, new QinferError('ERR_HEURISTIC', `PGH did not find distinct particles in ${pghMaxiters} iterations.`, { details: { maxiters: pghMaxiters } }));
            pendingStop.push(t);
            continue;
          }
          const da = Float64Array.from({ length: nP }, (_, p) => rows[o + S.PGH_A + p]!);
          const db = Float64Array.from({ length: nP }, (_, p) => rows[o + S.PGH_B + p]!);
          tr.eps = pghExperiment(tr.heuristic as PGH, tr.ref, da, db, first.heuristic.params ?? {}, model);
        }
      }
      for (let t = 0; t < K; t++) {
        const tr = trials[t]!;
        if (tr.stopped) continue;
        try {
          const eps = ctx.kind === 'pgh' ? tr.eps! : tr.heuristic.next();
          if (eps.length !== 1) throw new QinferError('ERR_HEURISTIC', `the heuristic returned ${eps.length} experiments, expected 1`);
          tr.trueParams.set(tr.truth, k * nP);
          tr.exps.store(eps, k);
          const at = t * IN;
          packHostValues(gm, tr.ref, eps, inputs, at);
          packHostValues(gm, tr.truth, eps, inputs, at + nH);
          inputs[at + 2 * nH] = tr.sim.uniform();
          for (let p = 0; p < nP; p++) {
            const hi = Math.fround(tr.ref[p]!);
            inputs[at + 2 * nH + 1 + p] = hi;
            inputs[at + 2 * nH + 1 + nP + p] = tr.ref[p]! - hi;
          }
        } catch (e) {
          fail(tr, e);
          pendingStop.push(t);
        }
      }
      const { output } = await ctx.host.call('batchStep', { batch, step: k, stop: stopList() } satisfies BatchStepArgs, [inputs]);
      const rows = rowsOf(output, K);
      const live = trials.filter((tr) => !tr.stopped).length;
      const elapsed = (clock() - t0) / 1000 / Math.max(1, live);
      for (let t = 0; t < K; t++) {
        const tr = trials[t]!;
        if (tr.stopped) continue;
        const o = t * ST;
        const outcome = rows[o + S.OUTCOME]!;
        const dead = rows[o + S.DEAD]!;
        if (dead === 1) {
          fail(tr, new QinferError('ERR_INVALID_LIKELIHOOD', `${rows[o + S.INVALID]} likelihood values were NaN or outside [0, 1] (outcome ${outcome})`, { details: { outcome, invalid: rows[o + S.INVALID], step: k } }));
          continue;
        }
        if (dead === 2) {
          fail(tr, new QinferError('ERR_ZERO_WEIGHTS', 'All particle weights are zero.', { details: { outcome, step: tr.dataRecord.length } }));
          continue;
        }
        if (rows[o + S.ACCEPTED] === 1) tr.dataRecord.push(outcome);
        if (rows[o + S.RESAMPLE] === 1) for (let p = 0; p < nP; p++) tr.ref[p] = tr.ref[p]! + rows[o + S.MU + p]!;
        const est = tr.estParams.subarray(k * nP, (k + 1) * nP);
        for (let p = 0; p < nP; p++) est[p] = tr.ref[p]! + rows[o + S.MUEST + p]!;
        tr.loss[k] = perfLoss(est, tr.truth, model.Q);
        tr.resampleCount[k] = rows[o + S.RCOUNT]!;
        tr.outcome[k] = outcome;
        tr.elapsedTime[k] = elapsed;
      }
    }
  } finally {
    await ctx.host.call('batchDestroy', { batch }).catch(() => undefined);
  }
  return trials.map((tr) => {
    if (tr.error !== undefined) return { error: tr.error };
    return {
      index: tr.spec.index, seed: tr.spec.seed, nExp, nTrue: nP, nEst: nP,
      loss: tr.loss, resampleCount: tr.resampleCount, elapsedTime: tr.elapsedTime, outcome: tr.outcome,
      trueParams: tr.trueParams, estParams: tr.estParams, experiments: tr.exps.data(),
    };
  });
}

/**
 * PGH's experiment for the two drawn particles `r + d_a`, `r + d_b`: the time from the offsets
 * (`t = 1/‖Q(d_a − d_b)‖₁`, translation-invariant and exact, where the float64 particles could
 * round to the same value), the `invField` from the absolute first particle.
 */
function pghExperiment(pgh: PGH, ref: Float64Array, da: Float64Array, db: Float64Array, params: Readonly<Record<string, unknown>>, model: Model): ExpParams {
  const eps = pgh.experimentFor(da, db);
  const invField = params['invField'] === undefined ? 'x_' : (params['invField'] as string | null);
  if (eps.isScalar || invField === null) return eps;
  const rec = eps.record(0);
  if (invField in rec) rec[invField] = ref[0]! + da[0]!;
  return ExpParams.records(model.expparamsSchema, [rec]);
}

function rowsOf(output: Uint8Array | undefined, K: number): Float32Array {
  if (output === undefined || output.byteLength !== K * ST * 4) throw new QinferError('ERR_GPU', 'the GPU host returned no batch state');
  return new Float32Array(output.buffer.slice(output.byteOffset, output.byteOffset + output.byteLength));
}
