import type { Registry } from '../registry/Registry.js';
import { builtInRegistry } from '../registry/builtInRegistry.js';
import { abortError } from '../errors/abortError.js';
import { TrialRun, type TrialRunOptions } from './TrialRun.js';
import type { TrialApply, TrialResult, TrialSpec } from './TrialSpec.js';

const setImmediateLike = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;

/**
 * Yields to the event loop (a macrotask), so that timers, I/O and cancellation get a turn:
 * `setImmediate` where it exists (Node; no 1 ms timer clamp), else `setTimeout(0)` (browsers).
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (setImmediateLike !== undefined ? setImmediateLike(resolve) : setTimeout(resolve, 0)));
}

/** A running trial gives the event loop a turn at least this often (ms of work between turns). */
export const SERIAL_SLICE_MS = 50;

function clock(): () => number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf !== undefined ? () => perf.now() : () => Date.now();
}

/**
 * Runs one trial on this thread as `runTrial` does — the same records, bit for bit — but in
 * slices: after each experiment, once `sliceMs` of work has passed since the last turn, it
 * yields to the event loop (timers, I/O, signal handlers) and stops with `ERR_ABORTED` when
 * `signal` has been aborted meanwhile. A long trial (2 million particles, thousands of
 * experiments) therefore stops within about one experiment of Ctrl-C. `slice.turn` is when the
 * event loop last had a turn (default: now), updated at every yield — so that a run of short
 * trials shares one clock (see {@link serialApply}).
 *
 * @example
 * ```ts
 * const result = await runTrialSliced(spec, builtInRegistry(), controller.signal);
 * ```
 */
export async function runTrialSliced(
  spec: TrialSpec, registry: Registry, signal: AbortSignal, options: TrialRunOptions = {}, sliceMs = SERIAL_SLICE_MS, slice: { turn: number } = { turn: clock()() },
): Promise<TrialResult> {
  const now = clock();
  if (signal.aborted) throw abortError(signal);
  const run = new TrialRun(spec, registry, options);
  while (!run.done) {
    run.next();
    if (now() - slice.turn >= sliceMs) {
      await yieldToEventLoop();
      if (signal.aborted) throw abortError(signal);
      slice.turn = now();
    }
  }
  return run.result();
}

/**
 * The default {@link TrialApply} (QInfer's `apply_serial`): runs trials on this thread, lazily
 * and one at a time in call order, giving the event loop a turn whenever {@link SERIAL_SLICE_MS}
 * ms of work have passed since the last one — between trials and within one (`runTrialSliced`)
 * — so that progress output and cancellation get a turn at least that often. (Not before every
 * trial: a turn of the event loop between every two trials of the seed's size cost ~10 % of the
 * run.) A trial whose signal is aborted before it starts rejects at once with
 * `ERR_ABORTED` and never runs; a running trial stops at its next slice.
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
  const now = clock();
  // When the event loop last had a turn; -∞: the first trial yields before it starts.
  const slice = { turn: -Infinity };
  const maybeYield = async (): Promise<void> => {
    if (now() - slice.turn < SERIAL_SLICE_MS) return;
    await yieldToEventLoop();
    slice.turn = now();
  };
  return (spec: TrialSpec, signal: AbortSignal): Promise<TrialResult> => {
    if (signal.aborted) return Promise.reject(abortError(signal));
    const turn = queue.then(maybeYield);
    const result = new Promise<TrialResult>((resolve, reject) => {
      const onAbort = (): void => reject(abortError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      void turn.then(() => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) return reject(abortError(signal));
        runTrialSliced(spec, registry, signal, options, SERIAL_SLICE_MS, slice).then(resolve, reject);
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
