import type { Registry } from '../registry/Registry.js';
import { builtInRegistry } from '../registry/builtInRegistry.js';
import { abortError } from '../errors/abortError.js';
import { runTrial } from './runTrial.js';
import type { TrialRunOptions } from './TrialRun.js';
import type { TrialApply, TrialResult, TrialSpec } from './TrialSpec.js';

const setImmediateLike = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;

/**
 * Yields to the event loop (a macrotask), so that timers, I/O and cancellation get a turn:
 * `setImmediate` where it exists (Node; no 1 ms timer clamp), else `setTimeout(0)` (browsers).
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (setImmediateLike !== undefined ? setImmediateLike(resolve) : setTimeout(resolve, 0)));
}

/**
 * The default {@link TrialApply} (QInfer's `apply_serial`): runs trials on this thread with
 * `runTrial`, lazily and one at a time in call order, yielding to the event loop before each
 * one so that progress output and cancellation get a turn. A trial whose signal is aborted
 * before it starts rejects at once with `ERR_ABORTED` and never runs; a running trial is
 * synchronous and finishes.
 *
 * @param registry - where models, priors and heuristics are built from their names
 * @example
 * ```ts
 * import { perfTestMultiple, serialApply, builtInRegistry } from 'qinfer-rx';
 * perfTestMultiple(100, options, { apply: serialApply(builtInRegistry()), seed: 1 });
 * ```
 */
export function serialApply(registry: Registry = builtInRegistry(), options: TrialRunOptions = {}): TrialApply {
  let queue: Promise<unknown> = Promise.resolve();
  return (spec: TrialSpec, signal: AbortSignal): Promise<TrialResult> => {
    if (signal.aborted) return Promise.reject(abortError(signal));
    const turn = queue.then(yieldToEventLoop);
    const result = new Promise<TrialResult>((resolve, reject) => {
      const onAbort = (): void => reject(abortError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      void turn.then(() => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) return reject(abortError(signal));
        try {
          resolve(runTrial(spec, registry, options));
        } catch (e) {
          reject(e);
        }
      });
    });
    // The next trial waits for this one's turn to end (whatever its outcome).
    queue = result.then(
      () => undefined,
      () => turn,
    );
    return result;
  };
}
