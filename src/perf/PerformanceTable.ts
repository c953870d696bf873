import { QinferArgumentError, QinferError } from '../errors/QinferError.js';
import { SCALAR_KEY } from '../expparams/ExpParams.js';
import { experimentFields, perfRecordDtype, type PerfField, type PerfRecordLayout } from './perfRecordDtype.js';
import { isTrialFailure, type TrialFailure, type TrialOutcome } from './TrialFailure.js';
import type { TrialResult } from './TrialSpec.js';

/** The shape of a {@link PerformanceTable}: the record layout and the number of experiments. */
export interface PerfTableLayout extends PerfRecordLayout {
  readonly nExp: number;
}

/** One column of the table by its dtype name: row-major `[nTrials, nExp, width]`. */
export interface PerfColumn {
  readonly field: PerfField;
  readonly width: number;
  readonly data: Float64Array | Int32Array;
}

/** The headline numbers of a performance test (`PerformanceTable.summary`). */
export interface PerfSummary {
  readonly nTrials: number;
  /** Trials that failed (masked with their error). */
  readonly nFailed: number;
  /** Trials with neither data nor a failure: not run (an interrupted test). */
  readonly nMissing: number;
  readonly nExp: number;
  /** Mean loss over trials after the last experiment. */
  readonly finalBayesRisk: number;
  /** Median loss after the last experiment, with the quartiles. */
  readonly finalMedianLoss: number;
  readonly finalLossQuartiles: readonly [number, number];
  /** Mean number of resamplings per trial (at the end). */
  readonly meanResamples: number;
  /** Mean seconds per `updater.update`. */
  readonly meanTimePerUpdate: number;
}

/**
 * Linear-interpolation quantile of sorted values (numpy's default): `h = (n − 1) q`,
 * `v[⌊h⌋] + (h − ⌊h⌋)(v[⌊h⌋+1] − v[⌊h⌋])`.
 *
 * @example
 * ```ts
 * sortedQuantile([1, 2, 3, 4], 0.25); // 1.75
 * ```
 */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new QinferArgumentError('ERR_SHAPE', 'quantile of no values');
  const h = (n - 1) * q, lo = Math.floor(h), hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * The results of a performance test as a table `[nTrials × nExp]` (QInfer's record array),
 * stored columnar: one typed array per field of {@link perfRecordDtype}, row-major
 * `[trial, experiment, component]`. Rows are placed by trial index, so the table is identical
 * whatever order the trials completed in. `mask[k] = 1` marks trial k as missing (failed, or not
 * yet arrived); failures keep their error.
 *
 * Summaries over unmasked trials: Bayes risk `r_k = mean_t loss[t, k]`, the risk for fixed
 * true parameters (the same mean, checked to be over one true vector), loss quantiles, mean
 * resamplings and time per update.
 *
 * @example
 * ```ts
 * import { perfTestMultiple, toPerformanceTable } from 'qinfer-rx';
 * perfTestMultiple(20, options, { seed: 1 }).pipe(toPerformanceTable(20)).subscribe((t) => {
 *   t.bayesRisk();           // Float64Array [nExp]
 *   t.lossQuantile(0.5);     // median loss per experiment
 *   t.summary().finalBayesRisk;
 * });
 * ```
 */
export class PerformanceTable {
  readonly nTrials: number;
  readonly nExp: number;
  readonly layout: PerfTableLayout;
  readonly dtype: readonly PerfField[];
  readonly loss: Float64Array;
  readonly resampleCount: Int32Array;
  readonly elapsedTime: Float64Array;
  readonly outcome: Int32Array;
  readonly trueParams: Float64Array;
  readonly estParams: Float64Array;
  /** Experiment columns keyed by dtype name (`experiment` for scalar experiments). */
  readonly experiments: Readonly<Record<string, Float64Array>>;
  /** 1 where the trial has no data (failed or missing). */
  readonly mask: Uint8Array;
  /** The seed each trial ran with (NaN until known). */
  readonly seeds: Float64Array;
  private readonly failureMap = new Map<number, TrialFailure>();

  constructor(nTrials: number, layout: PerfTableLayout) {
    if (!Number.isInteger(nTrials) || nTrials < 0) throw new QinferArgumentError('ERR_ARGUMENT', `nTrials must be a non-negative integer, got ${nTrials}`);
    this.nTrials = nTrials;
    this.nExp = layout.nExp;
    this.layout = layout;
    this.dtype = perfRecordDtype(layout);
    const cells = nTrials * layout.nExp;
    this.loss = new Float64Array(cells);
    this.resampleCount = new Int32Array(cells);
    this.elapsedTime = new Float64Array(cells);
    this.outcome = new Int32Array(cells);
    this.trueParams = new Float64Array(cells * layout.nTrue);
    this.estParams = new Float64Array(cells * layout.nEst);
    const exps: Record<string, Float64Array> = {};
    for (const f of experimentFields(layout.expSchema)) exps[f.name] = new Float64Array(cells * (f.shape[0] ?? 1));
    this.experiments = exps;
    this.mask = new Uint8Array(nTrials).fill(1);
    this.seeds = new Float64Array(nTrials).fill(NaN);
  }

  /** The layout a trial result implies. */
  static layoutOf(result: TrialResult): PerfTableLayout {
    return { nEst: result.nEst, nTrue: result.nTrue, expSchema: result.experiments.schema, nExp: result.nExp };
  }

  /** Places a trial's result (or failure) in row `index`. */
  add(outcome: TrialOutcome): this {
    return isTrialFailure(outcome) ? this.setFailure(outcome) : this.set(outcome);
  }

  /** Places a trial result in row `result.index` and unmasks it. */
  set(result: TrialResult): this {
    const k = this.checkIndex(result.index);
    const L = this.layout;
    if (result.nExp !== L.nExp || result.nTrue !== L.nTrue || result.nEst !== L.nEst) {
      throw new QinferArgumentError('ERR_SHAPE', `trial ${k} has shape (nExp ${result.nExp}, nTrue ${result.nTrue}, nEst ${result.nEst}), the table (${L.nExp}, ${L.nTrue}, ${L.nEst})`);
    }
    const o = k * L.nExp;
    this.loss.set(result.loss, o);
    this.resampleCount.set(result.resampleCount, o);
    this.elapsedTime.set(result.elapsedTime, o);
    this.outcome.set(result.outcome, o);
    this.trueParams.set(result.trueParams, o * L.nTrue);
    this.estParams.set(result.estParams, o * L.nEst);
    for (const f of experimentFields(L.expSchema)) {
      const key = L.expSchema.kind === 'scalar' ? SCALAR_KEY : f.name;
      const src = result.experiments.columns[key];
      const w = f.shape[0] ?? 1;
      if (src === undefined || src.length !== L.nExp * w) throw new QinferArgumentError('ERR_EXPPARAMS_FIELD', `trial ${k} lacks experiment field '${key}'`);
      this.experiments[f.name]!.set(src, o * w);
    }
    this.mask[k] = 0;
    this.seeds[k] = result.seed;
    this.failureMap.delete(k);
    return this;
  }

  /** Masks row `failure.index` and keeps its error. */
  setFailure(failure: TrialFailure): this {
    const k = this.checkIndex(failure.index);
    this.mask[k] = 1;
    this.seeds[k] = failure.seed;
    this.failureMap.set(k, failure);
    return this;
  }

  private checkIndex(k: number): number {
    if (!(Number.isInteger(k) && k >= 0 && k < this.nTrials)) throw new QinferArgumentError('ERR_ARGUMENT', `trial index ${k} outside [0, ${this.nTrials})`);
    return k;
  }

  /** Failed trials in index order. */
  get failures(): TrialFailure[] {
    return [...this.failureMap.values()].sort((a, b) => a.index - b.index);
  }

  /** Trials with neither data nor a failure — not run, or not arrived (an interrupted test) — in index order. */
  get missing(): number[] {
    const out: number[] = [];
    for (let t = 0; t < this.nTrials; t++) if (this.mask[t] === 1 && !this.failureMap.has(t)) out.push(t);
    return out;
  }

  /** Number of trials with data. */
  get nValid(): number {
    let n = 0;
    for (const m of this.mask) n += m === 0 ? 1 : 0;
    return n;
  }

  /** A column by its dtype name (`loss`, `resample_count`, …, `true`, `est`, experiment fields). */
  column(name: string): PerfColumn {
    const field = this.dtype.find((f) => f.name === name);
    if (field === undefined) throw new QinferArgumentError('ERR_ARGUMENT', `no column '${name}' (columns: ${this.dtype.map((f) => f.name).join(', ')})`);
    const width = field.shape[0] ?? 1;
    const fixed: Record<string, Float64Array | Int32Array> = {
      loss: this.loss,
      resample_count: this.resampleCount,
      elapsed_time: this.elapsedTime,
      outcome: this.outcome,
      true: this.trueParams,
      est: this.estParams,
    };
    const data = this.dtype.indexOf(field) < 6 ? fixed[name]! : this.experiments[name]!;
    return { field, width, data };
  }

  private validRows(): number[] {
    const rows: number[] = [];
    for (let t = 0; t < this.nTrials; t++) if (this.mask[t] === 0) rows.push(t);
    if (rows.length === 0) {
      throw new QinferError('ERR_TRIAL_FAILED', `no trial of ${this.nTrials} has data: nothing to summarise`, { details: { failed: this.failureMap.size } });
    }
    return rows;
  }

  private meanOver(col: Float64Array | Int32Array): Float64Array {
    const rows = this.validRows(), nE = this.nExp, out = new Float64Array(nE);
    for (const t of rows) for (let k = 0; k < nE; k++) out[k] += col[t * nE + k]!;
    for (let k = 0; k < nE; k++) out[k] /= rows.length;
    return out;
  }

  /** Bayes risk per experiment: `r_k = (1/T) Σ_t loss[t, k]` over the T unmasked trials. */
  bayesRisk(): Float64Array {
    return this.meanOver(this.loss);
  }

  /**
   * Risk for fixed true parameters (QInfer's risk with `true_mps` given): the mean loss per
   * experiment, after checking that every unmasked trial started from the same true parameters
   * (`ERR_ARGUMENT` otherwise — that table holds a Bayes risk, not a risk).
   */
  risk(): Float64Array {
    const rows = this.validRows(), nT = this.layout.nTrue, stride = this.nExp * nT;
    const t0 = rows[0]!;
    for (const t of rows) {
      for (let p = 0; p < nT; p++) {
        if (this.trueParams[t * stride + p] !== this.trueParams[t0 * stride + p]) {
          throw new QinferArgumentError('ERR_ARGUMENT', `trials ${t0} and ${t} have different true parameters: use bayesRisk()`);
        }
      }
    }
    return this.meanOver(this.loss);
  }

  /** The q-quantile of the loss per experiment over unmasked trials (linear interpolation). */
  lossQuantile(q: number): Float64Array {
    if (!(q >= 0 && q <= 1)) throw new QinferArgumentError('ERR_ARGUMENT', `quantile must be in [0, 1], got ${q}`);
    const rows = this.validRows(), nE = this.nExp, out = new Float64Array(nE), buf = new Float64Array(rows.length);
    for (let k = 0; k < nE; k++) {
      rows.forEach((t, i) => (buf[i] = this.loss[t * nE + k]!));
      buf.sort();
      out[k] = sortedQuantile(buf, q);
    }
    return out;
  }

  /** Mean resample count per experiment over unmasked trials. */
  meanResampleCount(): Float64Array {
    return this.meanOver(this.resampleCount);
  }

  /** Mean seconds of `updater.update` per experiment over unmasked trials. */
  meanElapsedTime(): Float64Array {
    return this.meanOver(this.elapsedTime);
  }

  /** Final Bayes risk, median loss and quartiles, mean resamplings, mean time per update. */
  summary(): PerfSummary {
    const last = this.nExp - 1;
    if (last < 0) throw new QinferArgumentError('ERR_ARGUMENT', 'the table has no experiments');
    const times = this.meanElapsedTime();
    let t = 0;
    for (const v of times) t += v;
    return {
      nTrials: this.nTrials,
      nFailed: this.failureMap.size,
      nMissing: this.nTrials - this.nValid - this.failureMap.size,
      nExp: this.nExp,
      finalBayesRisk: this.bayesRisk()[last]!,
      finalMedianLoss: this.lossQuantile(0.5)[last]!,
      finalLossQuartiles: [this.lossQuantile(0.25)[last]!, this.lossQuantile(0.75)[last]!],
      meanResamples: this.meanResampleCount()[last]!,
      meanTimePerUpdate: t / this.nExp,
    };
  }
}
