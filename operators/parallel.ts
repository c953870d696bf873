import { concatMap, defer, from, map, Observable, type ObservableInput, type OperatorFunction } from 'rxjs';
import { QinferArgumentError, QinferError } from '../src/errors/QinferError.js';
import type { LikelihoodBackend, LikelihoodRequest } from '../src/backends/LikelihoodBackend.js';
import { checkBackendLikelihood, likelihoodRequest } from '../src/backends/backendLikelihood.js';
import type { HostUpdater } from '../src/smc/Updater.js';
import type { EstimationStep } from './EstimationStep.js';
import { requireField } from './requireField.js';

/** A function that computes a likelihood somewhere and may be cancelled through `signal`. */
export type LikelihoodScheduler = (request: LikelihoodRequest, signal: AbortSignal, out: Float64Array) => ObservableInput<Float64Array>;

/**
 * Runs each step's likelihood stage on a backend — a worker pool, a GPU, a cluster — instead of
 * this thread. Steps are processed one at a time in order (`concatMap`), so the posterior stream
 * is identical to the serial run's for float64 backends.
 *
 * Rule: `step → { ...step, likelihood: await backend.likelihood({ model, outcomes: [outcome],
 * x, nModels, expparams }) }` (`likelihoodRequest`, as the performance trials build it), with
 * the result checked to hold one value per particle. The updater must keep its particles on the
 * host (`SMCUpdater`); a device updater computes its own likelihood (`ERR_ARGUMENT`).
 * Unsubscribing aborts the call in flight (its `AbortSignal` fires); a backend failure errors the
 * stream with the backend's typed error.
 *
 * ## Example
 * ```ts
 * import { createPool, poolBackend } from 'qinfer-rx/pool';
 * const pool = createPool({ engines: 4 });
 * data$.pipe(parallel(poolBackend(pool)), update(), resample(), posterior())
 *   .subscribe({ complete: () => pool.close() });
 * ```
 *
 * @param backend - a {@link LikelihoodBackend}, or a function returning a Promise/Observable
 * @return an operator adding `likelihood` to each step
 */
export function parallel(backend: LikelihoodBackend | LikelihoodScheduler): OperatorFunction<EstimationStep, EstimationStep> {
  let call: LikelihoodScheduler;
  if (typeof backend === 'function') call = backend;
  else if (backend !== null && typeof backend === 'object' && typeof backend.likelihood === 'function') {
    call = (req, signal, out) => backend.likelihood(req, { signal, out });
  } else throw new QinferArgumentError('ERR_ARGUMENT', 'parallel() needs a LikelihoodBackend or a function');
  // The backend writes into the updater's likelihood buffer (shared memory when the updater
  // allocates there, so a pool copies nothing): valid until the next step, as with likelihood().
  return (source) =>
    defer(() => {
      return source.pipe(
        concatMap((step) => {
          const eps = requireField(step, 'expparams', 'parallel');
          const outcome = requireField(step, 'outcome', 'parallel');
          const up = step.updater;
          const request = likelihoodRequest(up, outcome, eps); // validates before any work is sent away
          const buffer = (up as HostUpdater).likelihoodBuffer();
          return new Observable<Float64Array>((subscriber) => {
            const ac = new AbortController();
            let done = false;
            const sub = from(call(request, ac.signal, buffer)).subscribe({
              next: (L) => subscriber.next(L),
              error: (e: unknown) => {
                done = true;
                subscriber.error(e);
              },
              complete: () => {
                done = true;
                subscriber.complete();
              },
            });
            return () => {
              sub.unsubscribe();
              if (!done) ac.abort(new QinferError('ERR_ABORTED', 'likelihood call cancelled by unsubscribe'));
            };
          }).pipe(
            map((L) => ({ ...step, likelihood: checkBackendLikelihood(L, up.nParticles) })),
          );
        }),
      );
    });
}
