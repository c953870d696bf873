import { abortError } from '../errors/abortError.js';
import { isQinferError } from '../errors/QinferError.js';
import type { TrialApply, TrialResult, TrialSpec } from '../perf/TrialSpec.js';
import type { Pool, TrialBatchOutcome } from './Pool.js';

/** One trial waiting for its batch, or in one. */
interface Waiting {
  readonly spec: TrialSpec;
  readonly signal: AbortSignal;
  readonly resolve: (r: TrialResult) => void;
  readonly reject: (e: unknown) => void;
  settled: boolean;
  /** Run alone (its batch's worker died): one trial per message. */
  single?: boolean;
  /** Set once the trial is in a batch: aborts the batch when this was its last unsettled trial. */
  onAbort?: () => void;
  /** The listener on `signal`, removed once the trial settles. */
  listener?: () => void;
}

/** Weight of the newest batch in the running mean of a trial's time in the worker. */
const SMOOTHING = 0.3;

/**
 * A {@link TrialApply} that sends short trials to `pool` in batches (`Pool.runTrials`: one message
 * each way per batch). Batch size `k = min(maxBatch, ⌈batchMs / τ⌉)`, with `τ` the running mean
 * of a trial's time inside a worker (`k = 1` until the first batch reports it), so that each
 * message carries about `batchMs` of work: trials longer than `batchMs` go one per message.
 * At most `2 · pool.nEngines` batches are out at once (one running and one queued per worker);
 * calls that arrive meanwhile wait here and leave in the next batch — so `perfTestMultiple`'s
 * concurrency should be about `(2 · nEngines + 1) · maxBatch` for full batches.
 *
 * Each trial keeps its own outcome: a failing trial rejects alone; an aborted trial rejects at
 * once with `ERR_ABORTED` (its batch is cancelled, and its worker replaced, only when every trial
 * in it was aborted). When a worker dies (`ERR_WORKER_CRASHED`) or a batch cannot be posted
 * (`ERR_PAYLOAD`), its unsettled trials are sent again one per message, so only the trial at
 * fault fails with that error.
 * Results do not depend on batching: each trial's seed comes from its spec.
 *
 * @example
 * ```ts
 * const apply = batchedTrialApply(pool, 8, 20);
 * perfTestMultiple(1000, options, { apply, concurrency: (2 * pool.nEngines + 1) * 8, seed: 1 });
 * ```
 */
export function batchedTrialApply(pool: Pool, maxBatch: number, batchMs: number): TrialApply {
  const slots = 2 * pool.nEngines;
  let pending: Waiting[] = [];
  let out = 0;
  let tau: number | undefined;
  let flushQueued = false;

  const settle = (w: Waiting, ok: boolean, value: unknown): void => {
    if (w.settled) return;
    w.settled = true;
    if (w.listener !== undefined) w.signal.removeEventListener('abort', w.listener);
    if (ok) w.resolve(value as TrialResult);
    else w.reject(value);
  };
  const batchSize = (): number => (tau === undefined ? 1 : Math.max(1, Math.min(maxBatch, Math.ceil(batchMs / Math.max(tau, 1e-3)))));

  const send = (group: Waiting[]): void => {
    out++;
    const ctl = new AbortController();
    for (const w of group) w.onAbort = () => void (group.every((g) => g.settled) && ctl.abort(abortError(w.signal)));
    const done = (): void => {
      out--;
      flush();
    };
    let sent: Promise<TrialBatchOutcome[]>;
    try {
      sent = pool.runTrials(group.map((w) => w.spec), { signal: ctl.signal });
    } catch (e) {
      sent = Promise.reject(e);
    }
    sent.then(
      (outcomes: TrialBatchOutcome[]) => {
        const ms = outcomes.reduce((s, o) => s + o.ms, 0) / outcomes.length;
        tau = tau === undefined ? ms : (1 - SMOOTHING) * tau + SMOOTHING * ms;
        outcomes.forEach((o, k) => settle(group[k]!, o.ok, o.ok ? o.trial : o.error));
        done();
      },
      (e: unknown) => {
        const live = group.filter((w) => !w.settled);
        if (group.length > 1 && (isQinferError(e, 'ERR_WORKER_CRASHED') || isQinferError(e, 'ERR_PAYLOAD'))) {
          // One trial killed the worker, or could not be posted: the others are innocent; alone,
          // each meets its own fate.
          for (const w of live) (w.single = true, delete w.onAbort);
          pending.unshift(...live);
        } else for (const w of live) settle(w, false, e);
        done();
      },
    );
  };

  function flush(): void {
    flushQueued = false;
    pending = pending.filter((w) => !w.settled);
    while (out < slots && pending.length > 0) {
      const k = pending[0]!.single === true ? 1 : batchSize();
      let n = 1;
      while (n < k && n < pending.length && pending[n]!.single !== true) n++;
      send(pending.splice(0, n));
    }
  }

  return (spec, signal) =>
    new Promise<TrialResult>((resolve, reject) => {
      if (signal.aborted) return reject(abortError(signal));
      const w: Waiting = { spec, signal, resolve, reject, settled: false };
      w.listener = () => {
        const inBatch = w.onAbort;
        settle(w, false, abortError(signal));
        inBatch?.();
      };
      signal.addEventListener('abort', w.listener, { once: true });
      pending.push(w);
      if (!flushQueued) {
        flushQueued = true;
        queueMicrotask(flush);
      }
    });
}
