import { abortError } from '../../errors/abortError.js';
import { QinferArgumentError, QinferError, isQinferError } from '../../errors/QinferError.js';
import { ignoreWarnings, type WarningSink } from '../../errors/warn.js';
import { serialApply } from '../../perf/serialApply.js';
import type { TrialApply, TrialResult, TrialSpec } from '../../perf/TrialSpec.js';
import { builtInRegistry } from '../../registry/builtInRegistry.js';
import type { Registry } from '../../registry/Registry.js';
import { GpuHost, type GpuHostOptions } from '../GpuHost.js';
import type { GpuModelFactory } from '../GpuModel.js';
import { GPU_DOCS_URL, GpuUnavailableError } from '../GpuUnavailableError.js';
import { batchCapacity } from './batchLayout.js';
import { batchPlan, type BatchPlan } from './batchPlan.js';
import { runBatch } from './BatchRun.js';

/** Options of {@link gpuBatchApply}. */
export interface GpuBatchOptions extends GpuHostOptions {
  /** Run on this host (shared); it is then closed by its creator. */
  host?: GpuHost;
  /** Where models, priors and heuristics are built from their names (default `builtInRegistry()`). */
  registry?: Registry;
  /** GPU versions of user models, keyed by model name. */
  gpuModels?: Readonly<Record<string, GpuModelFactory>>;
  /** Most trials in one batch (default 1024); fewer when the device's buffer limits say so. */
  maxTrials?: number;
  /** Bytes the largest buffer of a batch may take (default: the device's limit); smaller values make smaller batches. */
  memoryLimit?: number;
  /**
   * Where trials go that the engine cannot run (no GPU kernel for the model, dynamics, more than
   * 4 parameters, a heuristic that reads the posterior other than PGH, the `'reset'` policy, a
   * different true model), and every trial once the GPU is unavailable or has failed. Default
   * `serialApply(registry)`.
   */
  fallback?: TrialApply;
  /**
   * Trials on the fallback at once (default 2), whatever `perfTestMultiple`'s concurrency (which
   * is large so that batches fill): a fallback's trials hold their clouds on this host.
   */
  fallbackConcurrency?: number;
  /** How warnings name the fallback (default 'the CPU'). */
  fallbackName?: string;
  /** One `gpu` line per reason a trial went to the fallback. */
  onWarning?: WarningSink;
  /** Milliseconds, for the elapsed-time column (default `performance.now`). */
  clock?: () => number;
}

/** A {@link TrialApply} that runs trials in batches on the GPU. */
export interface GpuBatchApply extends TrialApply {
  /** Trials to keep in flight so that batches fill: give it to `perfTestMultiple` as `concurrency`. */
  readonly concurrency: number;
  readonly host: GpuHost;
  /** Ends the GPU host if this apply started it. Idempotent. */
  close(): Promise<void>;
}

interface Pending {
  readonly spec: TrialSpec;
  readonly signal: AbortSignal;
  readonly plan: Extract<BatchPlan, { ok: true }>;
  readonly key: string;
  resolve(r: TrialResult): void;
  reject(e: unknown): void;
  settled: boolean;
}

/** The options of a trial without its index and seed: trials with equal keys can share a batch. */
function batchKey(spec: TrialSpec): string {
  const { index: _i, seed: _s, ...rest } = spec;
  return JSON.stringify(rest);
}

/**
 * Performance-test trials in batches on the GPU: trials that arrive together (in the
 * same turn of the event loop, e.g. all those `perfTestMultiple` starts at once) with the same
 * options are run as one batch by `runBatch` — K trials' clouds resident together, one
 * submission per experiment over the trial × particle grid (likelihood, weight update,
 * per-trial reductions, resampling decision and Liu–West, the true parameters' simulation,
 * PGH's draws), phase-exact (float32 offsets from each trial's float64 reference, docs/gpu.md).
 * A batch holds at most `maxTrials` trials and no more than the device's largest buffer allows
 * (`2·K·n·d` float32 offsets ≤ min(maxStorageBufferBindingSize, maxBufferSize, memoryLimit),
 * `batchCapacity`); larger groups run as several batches, one after another.
 *
 * The results are the `TrialResult`s `perfTestMultiple` collects (same columns; the estimates are
 * float64 `r + μ` with μ reduced in float32; elapsed time is the batch step's wall time per live
 * trial), with the trial's own seeds for the true parameters, the prior cloud, the simulation
 * and the heuristic; only resampling and PGH's draws use a device generator.
 *
 * Trials it cannot run go to `fallback` with one warning per reason; without an adapter, or
 * after the GPU host fails, every trial goes there (one warning line with the reason).
 *
 * @example
 * ```ts
 * import { perfTestMultiple, toPerformanceTable } from 'qinfer-rx';
 * import { gpuBatchApply } from 'qinfer-rx/gpu';
 * const apply = gpuBatchApply();
 * perfTestMultiple(100, options, { apply, concurrency: apply.concurrency })
 *   .pipe(toPerformanceTable(100))
 *   .subscribe({ next: (t) => console.log(t.summary()), complete: () => apply.close() });
 * ```
 */
export function gpuBatchApply(options: GpuBatchOptions = {}): GpuBatchApply {
  const registry = options.registry ?? builtInRegistry();
  const fallback = options.fallback ?? serialApply(registry);
  const onWarning = options.onWarning ?? ignoreWarnings;
  const maxTrials = options.maxTrials ?? 1024;
  if (!(Number.isInteger(maxTrials) && maxTrials >= 1)) throw new QinferArgumentError('ERR_ARGUMENT', `maxTrials must be a positive integer, got ${maxTrials}`);
  const ownHost = options.host === undefined;
  const host = options.host ?? new GpuHost(options);
  const plans = new Map<string, BatchPlan>();
  const warned = new Set<string>();
  const warnOnce = (message: string): void => {
    if (warned.has(message)) return;
    warned.add(message);
    onWarning({ category: 'gpu', message });
  };
  let gaveUp: unknown;
  let queue: Pending[] = [];
  let scheduled = false;
  let chain: Promise<void> = Promise.resolve();
  let closed = false;

  const fallbackConcurrency = options.fallbackConcurrency ?? 2;
  if (!(Number.isInteger(fallbackConcurrency) && fallbackConcurrency >= 1)) throw new QinferArgumentError('ERR_ARGUMENT', `fallbackConcurrency must be a positive integer, got ${fallbackConcurrency}`);
  let onFallback = 0;
  const waiting: (() => void)[] = [];
  /** The fallback, at most `fallbackConcurrency` trials at a time. */
  const viaFallback = async (spec: TrialSpec, signal: AbortSignal): Promise<TrialResult> => {
    if (onFallback >= fallbackConcurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    onFallback += 1;
    try {
      if (signal.aborted) throw abortError(signal);
      return await fallback(spec, signal);
    } finally {
      onFallback -= 1;
      waiting.shift()?.();
    }
  };
  const toFallback = (p: Pending): void => {
    if (p.settled) return;
    viaFallback(p.spec, p.signal).then(p.resolve, p.reject);
  };

  const giveUp = (e: unknown): void => {
    gaveUp = e;
    const why = e instanceof GpuUnavailableError ? `no WebGPU adapter (${e.reason})` : `the GPU failed (${(e as Error).message.split('\n')[0]})`;
    warnOnce(`${why}; every trial runs on ${options.fallbackName ?? 'the CPU'} from now on — see ${GPU_DOCS_URL}`);
  };

  const runGroup = async (group: Pending[]): Promise<void> => {
    const live = group.filter((p) => !p.settled);
    if (live.length === 0) return;
    if (gaveUp !== undefined) return live.forEach(toFallback);
    const plan = live[0]!.plan, spec = live[0]!.spec;
    let K = maxTrials;
    try {
      const info = await host.adapterInfo();
      K = batchCapacity(info.limits, spec.nParticles, plan.gpuModel.nModelparams, maxTrials, options.memoryLimit);
    } catch (e) {
      if (!(isQinferError(e, 'ERR_GPU_UNAVAILABLE') || isQinferError(e, 'ERR_GPU'))) throw e;
      giveUp(e);
      return live.forEach(toFallback);
    }
    if (K < 1) {
      warnOnce(`${spec.nParticles} particles of one trial exceed this device's largest buffer (or memoryLimit); those trials run on the CPU`);
      return live.forEach(toFallback);
    }
    for (let s = 0; s < live.length; s += K) {
      const chunk = live.slice(s, s + K).filter((p) => !p.settled);
      if (chunk.length === 0) continue;
      if (gaveUp !== undefined) {
        chunk.forEach(toFallback);
        continue;
      }
      let results;
      try {
        results = await runBatch(chunk.map((p) => p.spec), {
          host, registry, gpuModel: plan.gpuModel, kind: plan.kind, clock: options.clock,
          cancelled: (index) => chunk.find((p) => p.spec.index === index)?.signal.aborted === true,
        });
      } catch (e) {
        if (!(isQinferError(e, 'ERR_GPU_UNAVAILABLE') || isQinferError(e, 'ERR_GPU'))) {
          chunk.forEach((p) => p.reject(e));
          continue;
        }
        giveUp(e);
        chunk.forEach(toFallback);
        continue;
      }
      results.forEach((r, i) => {
        const p = chunk[i]!;
        if ('error' in r) p.reject(r.error);
        else p.resolve(r);
      });
    }
  };

  const flush = (): void => {
    scheduled = false;
    const taken = queue;
    queue = [];
    const groups = new Map<string, Pending[]>();
    for (const p of taken) {
      const g = groups.get(p.key);
      if (g === undefined) groups.set(p.key, [p]);
      else g.push(p);
    }
    for (const g of groups.values()) chain = chain.then(() => runGroup(g)).catch((e: unknown) => g.forEach((p) => p.reject(e)));
  };

  const apply = ((spec: TrialSpec, signal: AbortSignal): Promise<TrialResult> => {
    if (closed) return Promise.reject(new QinferError('ERR_CLOSED', 'gpuBatchApply used after close()'));
    if (signal.aborted) return Promise.reject(abortError(signal));
    if (gaveUp !== undefined) return viaFallback(spec, signal);
    const key = batchKey(spec);
    let plan = plans.get(key);
    if (plan === undefined) {
      plan = batchPlan(spec, registry, options.gpuModels);
      plans.set(key, plan);
    }
    if (!plan.ok) {
      warnOnce(`the batched GPU engine cannot run these trials (${plan.reason}); they run on ${options.fallbackName ?? 'the CPU'}`);
      return viaFallback(spec, signal);
    }
    return new Promise<TrialResult>((resolve, reject) => {
      const p: Pending = {
        spec, signal, plan: plan as Extract<BatchPlan, { ok: true }>, key, settled: false,
        resolve: (r) => {
          if (p.settled) return;
          p.settled = true;
          resolve(r);
        },
        reject: (e) => {
          if (p.settled) return;
          p.settled = true;
          reject(e);
        },
      };
      signal.addEventListener('abort', () => p.reject(abortError(signal)), { once: true });
      queue.push(p);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  }) as GpuBatchApply;
  Object.defineProperties(apply, {
    concurrency: { value: maxTrials, enumerable: true },
    host: { value: host, enumerable: true },
    close: {
      value: async (): Promise<void> => {
        if (closed) return;
        closed = true;
        await chain.catch(() => undefined);
        if (ownHost) await host.close();
      },
    },
  });
  return apply;
}
