import { abortError } from '../errors/abortError.js';
import { QinferArgumentError } from '../errors/QinferError.js';
import { builtInRegistry } from '../registry/builtInRegistry.js';
import type { Registry } from '../registry/Registry.js';
import type { Updater } from '../smc/Updater.js';
import type { UpdaterFactory } from '../smc/updaterFactory.js';
import { TrialRun, type TrialRunOptions } from './TrialRun.js';
import type { TrialApply, TrialResult, TrialSpec } from './TrialSpec.js';

/** A trial's updater, and whether the trial closes it when done (`GpuUpdater.close`). */
interface Closable {
  close?: () => Promise<void> | void;
}

/**
 * Runs one trial to the end on the updater `factory` builds — e.g. a GPU-resident updater
 * (`GpuUpdater.factory()` from `qinfer-rx/gpu`), every datum's likelihood and update computed
 * where its particles live. The set-up, the random streams and the step are those of
 * `runTrial` (`TrialRun`); on an `SMCUpdater` the records equal `runTrial`'s bit for bit.
 * Checks `signal` between experiments; closes the updater at the end when it has a `close()`.
 *
 * @example
 * ```ts
 * import { GpuUpdater } from 'qinfer-rx/gpu';
 * const r = await runTrialAsync(spec, builtInRegistry(), GpuUpdater.factory());
 * ```
 */
export async function runTrialAsync<U extends Updater>(
  spec: TrialSpec,
  registry: Registry,
  factory: UpdaterFactory<U>,
  options: TrialRunOptions & { signal?: AbortSignal } = {},
): Promise<TrialResult> {
  const { signal } = options;
  if (signal?.aborted) throw abortError(signal);
  const run = await TrialRun.create(spec, registry, { ...options, updater: factory });
  try {
    while (!run.done) {
      if (signal?.aborted) throw abortError(signal);
      await run.nextAsync();
    }
    return run.result();
  } finally {
    await (run.updater as Updater & Closable).close?.();
  }
}

/**
 * A {@link TrialApply} that runs each trial on this thread on the updater `factory` builds
 * (`perfTestMultiple(n, options, { apply: updaterTrialApply(GpuUpdater.factory()) })`): the
 * performance test of a GPU-resident updater. Several trials may be in flight at once
 * (`concurrency`), each with its own updater.
 *
 * @example
 * ```ts
 * perfTestMultiple(100, options, { apply: updaterTrialApply(GpuUpdater.factory({ host })), concurrency: 2 });
 * ```
 */
export function updaterTrialApply<U extends Updater>(factory: UpdaterFactory<U>, registry: Registry = builtInRegistry(), options: TrialRunOptions = {}): TrialApply {
  if (typeof factory !== 'function') throw new QinferArgumentError('ERR_ARGUMENT', 'updaterTrialApply() needs an updater factory (args) => Updater | Promise<Updater>');
  return (spec: TrialSpec, signal: AbortSignal) => runTrialAsync(spec, registry, factory, { ...options, signal });
}
