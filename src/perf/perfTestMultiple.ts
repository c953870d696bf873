import { mergeMap, Observable, range, tap } from 'rxjs';
import { QinferArgumentError, QinferError } from '../errors/QinferError.js';
import { checkCount } from '../util/checkCount.js';
import type { Registry } from '../registry/Registry.js';
import { builtInRegistry } from '../registry/builtInRegistry.js';
import { checkSeed, deriveSeed } from '../rng/deriveSeed.js';
import { abortError } from '../errors/abortError.js';
import type { PerfProgress } from './PerfProgress.js';
import { checkPerfTestOptions, trialSpec, type PerfTestOptions } from './PerfTestOptions.js';
import { serialApply } from './serialApply.js';
import type { TrialOutcome } from './TrialFailure.js';
import type { TrialApply, TrialResult } from './TrialSpec.js';

/** How {@link perfTestMultiple} runs its trials. */
export interface PerfRunOptions {
  /** Where each trial runs (default: `serialApply(registry)`, this thread, one at a time). */
  apply?: TrialApply;
  /** Trials in flight at once (default 1; a pool or cluster wants about its worker count). */
  concurrency?: number;
  /** Emit failed trials as {@link TrialFailure}s instead of failing the stream. Default false. */
  allowFailures?: boolean;
  /** Root seed: trial k runs with `deriveSeed(seed, k)`. Default 0. */
  seed?: number;
  /** Aborting it errors the stream with `ERR_ABORTED` and cancels the trials in flight. */
  signal?: AbortSignal;
  /** Called at the start and after every finished trial. */
  onProgress?: (progress: PerfProgress) => void;
  /**
   * Resolves names for the default apply and checks the options up front (default
   * `builtInRegistry()` when `apply` is omitted; with a custom `apply` and no registry only the
   * counts are checked, since the backend may know models this thread does not).
   */
  registry?: Registry;
}

/** Codes of failures of the machinery rather than of a trial: Redis or the engines gone (`ERR_CLUSTER`), a backend closed under the run (`ERR_CLOSED`). */
const INFRASTRUCTURE_CODES: ReadonlySet<string> = new Set(['ERR_CLUSTER', 'ERR_CLOSED']);

/**
 * True when `error` is a failure of the infrastructure a trial ran on — Redis unreachable or
 * restarted beyond recovery, no engine serving the queue, a job lost too often (`ERR_CLUSTER`),
 * the backend closed under the run (`ERR_CLOSED`) — rather than of the trial itself. Such a
 * failure says nothing about the estimator, so `perfTestMultiple` never masks it as a failed
 * trial, not even with `allowFailures`: the whole test fails with it.
 *
 * @example
 * ```ts
 * isInfrastructureFailure(new QinferError('ERR_CLUSTER', 'Redis unreachable')); // true
 * isInfrastructureFailure(new QinferError('ERR_ZERO_WEIGHTS', '…'));            // false: the trial's own failure
 * ```
 */
export function isInfrastructureFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && INFRASTRUCTURE_CODES.has(code) && error instanceof Error;
}

function now(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf !== undefined ? perf.now() : Date.now();
}

/**
 * Runs `nTrials` independent performance-test trials (QInfer's `perf_test_multiple`, `qinfer/perf_testing.py`)
 * and emits each trial's result **in completion order**, with at most `concurrency` trials in
 * flight (`mergeMap(trial, concurrency)`; QInfer's in-order collection blocks on the slowest).
 *
 * Trial k is described by data, `{ ...options, index: k, seed: deriveSeed(seed, k) }`, and run
 * by `apply` (this thread, a worker pool, a cluster): the same call gives the same results
 * whatever the concurrency, backend and completion order. Collect them with
 * `toPerformanceTable` to get rows by trial index.
 *
 * Failures: without `allowFailures` the first failed trial errors the stream with
 * `QinferError('ERR_TRIAL_FAILED', { details: { index, seed }, cause })` and the trials in
 * flight are cancelled (their signals abort); with it the failure is emitted as a
 * `TrialFailure` value. A failure of the infrastructure (`ERR_CLUSTER`, `ERR_CLOSED`: see
 * {@link isInfrastructureFailure}) is never a trial's: it errors the stream with the same code
 * and message (details: the trial's index and seed; cause: the original), with or without
 * `allowFailures`. Unsubscribing
 * aborts every trial in flight and starts no more.
 *
 * @example
 * ```ts
 * import { perfTestMultiple, toPerformanceTable } from 'qinfer-rx';
 * perfTestMultiple(100, {
 *   model: { name: 'SimplePrecessionModel' },
 *   prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
 *   heuristic: { name: 'ExpSparseHeuristic' }, nParticles: 1000, nExp: 100,
 * }, { seed: 2024, onProgress: (p) => console.log(`${p.completed}/${p.total}`) })
 *   .pipe(toPerformanceTable(100))
 *   .subscribe((table) => console.log(table.bayesRisk()));
 * ```
 */
export function perfTestMultiple(nTrials: number, options: PerfTestOptions, run: PerfRunOptions = {}): Observable<TrialOutcome> {
  const { concurrency = 1, allowFailures = false, seed = 0, signal, onProgress } = run;
  checkCount(nTrials, 'nTrials', true);
  checkSeed(seed);
  if (!(concurrency === Infinity || (Number.isInteger(concurrency) && concurrency >= 1))) {
    throw new QinferArgumentError('ERR_ARGUMENT', `concurrency must be a positive integer or Infinity, got ${concurrency}`);
  }
  const registry = run.registry ?? (run.apply === undefined ? builtInRegistry() : undefined);
  if (registry !== undefined) checkPerfTestOptions(options, registry);
  else {
    checkCount(options.nParticles, 'nParticles');
    checkCount(options.nExp, 'nExp');
  }

  return new Observable<TrialOutcome>((subscriber) => {
    const apply = run.apply ?? serialApply(registry);
    const t0 = now();
    let completed = 0, failed = 0;
    const report = (): void => {
      if (onProgress === undefined) return;
      const elapsedSeconds = (now() - t0) / 1000;
      const done = completed + failed;
      onProgress({ completed, failed, total: nTrials, elapsedSeconds, trialsPerSecond: done > 0 && elapsedSeconds > 0 ? done / elapsedSeconds : 0 });
    };
    if (signal?.aborted) {
      subscriber.error(abortError(signal, 'the performance test was cancelled'));
      return undefined;
    }
    const onAbort = (): void => subscriber.error(abortError(signal!, 'the performance test was cancelled'));
    signal?.addEventListener('abort', onAbort, { once: true });

    const trial = (k: number): Observable<TrialOutcome> =>
      new Observable<TrialOutcome>((inner) => {
        const spec = trialSpec(options, k, deriveSeed(seed, k));
        const controller = new AbortController();
        let settled = false;
        let promise: Promise<TrialResult>;
        try {
          promise = apply(spec, controller.signal);
        } catch (e) {
          promise = Promise.reject(e);
        }
        promise
          .then((result) => {
            if (result.index !== k || result.nExp !== options.nExp) {
              throw new QinferError('ERR_PAYLOAD', `apply returned trial ${result.index} with ${result.nExp} experiments for trial ${k}`);
            }
            return result;
          })
          .then(
            (result) => {
              settled = true;
              if (inner.closed) return;
              completed += 1;
              inner.next(result);
              inner.complete();
            },
            (error: unknown) => {
              settled = true;
              if (inner.closed) return;
              if (isInfrastructureFailure(error)) {
                const e = error as QinferError;
                inner.error(new QinferError(e.code, e.message, { cause: e, details: { ...e.details, index: k, seed: spec.seed } }));
                return;
              }
              failed += 1;
              if (allowFailures) {
                inner.next({ failed: true, index: k, seed: spec.seed, error });
                inner.complete();
              } else {
                const msg = error instanceof Error ? error.message : String(error);
                inner.error(
                  new QinferError('ERR_TRIAL_FAILED', `trial ${k} (seed ${spec.seed}) failed: ${msg}`, { cause: error, details: { index: k, seed: spec.seed } }),
                );
              }
            },
          );
        return () => {
          if (!settled) controller.abort(new QinferError('ERR_ABORTED', `trial ${k} was cancelled`));
        };
      });

    report();
    const sub = range(0, nTrials)
      .pipe(
        mergeMap(trial, concurrency),
        tap({ next: report, error: report }),
      )
      .subscribe(subscriber);
    return () => {
      signal?.removeEventListener('abort', onAbort);
      sub.unsubscribe();
    };
  });
}
