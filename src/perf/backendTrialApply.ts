import type { LikelihoodBackend } from '../backends/LikelihoodBackend.js';
import { QinferArgumentError } from '../errors/QinferError.js';
import { builtInRegistry } from '../registry/builtInRegistry.js';
import type { Registry } from '../registry/Registry.js';
import { abortError } from '../errors/abortError.js';
import { TrialRun, type TrialRunOptions } from './TrialRun.js';
import type { TrialApply, TrialResult, TrialSpec } from './TrialSpec.js';

/**
 * Runs one trial on this thread with every likelihood computed by `backend` — the trial-level
 * counterpart of the `parallel(backend)` operator: QInfer's `perf_test` order, with the update
 * step `L = await backend.likelihood(…)`, then Bayes' rule and the resampling check. Checks
 * `signal` between experiments and hands it to each backend call.
 *
 * For float64 backends (serial, pool, cluster view) the records equal `runTrial`'s bit for bit;
 * a GPU backend computes in float32 and its records agree within its stated tolerance.
 *
 * @example
 * ```ts
 * const result = await runTrialOn(spec, builtInRegistry(), gpuBackend({ fallback: serialBackend() }));
 * ```
 */
export async function runTrialOn(
  spec: TrialSpec,
  registry: Registry,
  backend: LikelihoodBackend,
  options: TrialRunOptions & { signal?: AbortSignal } = {},
): Promise<TrialResult> {
  const { signal } = options;
  // The updater lives where the backend reads in place (a pool: shared memory, no copy per datum).
  const run = new TrialRun(spec, registry, backend.allocate === undefined || options.allocate !== undefined ? options : { ...options, allocate: backend.allocate });
  while (!run.done) {
    if (signal?.aborted) throw abortError(signal);
    await run.nextOn(backend, signal);
  }
  return run.result();
}

/**
 * A {@link TrialApply} that runs each trial on this thread with its likelihoods on `backend`
 * (e.g. a GPU): `perfTestMultiple(n, options, { apply: backendTrialApply(registry, gpu) })`.
 * Several trials may be in flight at once (`concurrency`), interleaving their backend calls.
 * The backend belongs to the caller, who closes it.
 *
 * @example
 * ```ts
 * import { gpuBackend } from 'qinfer-rx/gpu';
 * const gpu = gpuBackend();
 * perfTestMultiple(100, options, { apply: backendTrialApply(gpu), concurrency: 2 })
 *   .subscribe({ complete: () => gpu.close() });
 * ```
 */
export function backendTrialApply(backend: LikelihoodBackend, registry: Registry = builtInRegistry(), options: TrialRunOptions = {}): TrialApply {
  if (backend === null || typeof backend !== 'object' || typeof backend.likelihood !== 'function') {
    throw new QinferArgumentError('ERR_ARGUMENT', 'backendTrialApply() needs a LikelihoodBackend');
  }
  return async (spec: TrialSpec, signal: AbortSignal) => {
    if (signal.aborted) throw abortError(signal);
    return runTrialOn(spec, registry, backend, { ...options, signal });
  };
}
