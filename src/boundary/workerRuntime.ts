import { QinferArgumentError } from '../errors/QinferError.js';
import { ExpParams } from '../expparams/ExpParams.js';
import { modelError } from '../models/modelError.js';
import { runTrial } from '../perf/runTrial.js';
import type { Registry } from '../registry/Registry.js';
import { builtInRegistry } from '../registry/builtInRegistry.js';
import { Rng } from '../rng/Rng.js';
import { parseChunkJob, runChunkJob } from './chunkWire.js';
import { checkChunkJobCost, checkTrialJobCost, parseJobText } from './jobCost.js';
import { ModelCache } from './ModelCache.js';
import { loadModelModules } from './modelModules.js';
import type { TrialSpec } from '../perf/TrialSpec.js';
import type { JobTask, LikelihoodTask, PoolReply, PoolTask, SimulateTask, TrialOutcome } from './threadProtocol.js';
import { encodeTrialResult, parseTrialJob } from './trialWire.js';
import { toWireError, type WireError } from './wireError.js';

/** What a worker runtime is started with. */
export interface WorkerRuntimeOptions {
  /** Resolved model modules (see `resolveModelModules`), loaded into the registry before the first task. */
  readonly modules: readonly string[];
  /** This engine's id in replies and board claims (a worker thread's `threadId`, > 0). */
  readonly engine: number;
  /** The registry to extend (default: a fresh `builtInRegistry()`). */
  readonly registry?: Registry;
}

/** A worker runtime: answers {@link PoolTask}s with {@link PoolReply}s. */
export interface WorkerRuntime {
  readonly registry: Registry;
  /** Runs one task and resolves with its reply (after one event-loop turn); never rejects for a failing task. */
  handle(task: PoolTask): Promise<PoolReply>;
}

/**
 * Resolves with `reply` after one turn of the event loop. A task whose code left an uncaught
 * error behind (a throwing microtask or `nextTick`) kills its worker; that death happens after
 * the task returned but before this turn ends, so the reply is never posted and the task fails
 * with `ERR_WORKER_CRASHED` — instead of the worker answering, dying a moment later and taking
 * the next, innocent task down with it. Costs a few microseconds per task.
 */
function afterTurn(reply: PoolReply): Promise<PoolReply> {
  return new Promise((resolve) => setImmediate(resolve, reply));
}

/**
 * The one worker runtime behind every worker thread of a pool and of a cluster engine: a
 * registry (the built-in models, distributions and heuristics, then the model modules fixed at
 * start — a task can never make a worker import anything), one model cache, and the handlers of
 * the tasks, which are data only:
 *
 * - `likelihood`: rows `start..end` of a call, `model.likelihoodInto` in place in shared memory;
 * - `simulate`: a particles × experiments block, `simulateExperiment` with `new Rng(seed)`, joined in place;
 * - `trial`: `runTrial(spec, registry)`; `trials`: several, one after another, each with its own
 *   outcome (result or error) and time;
 * - `job`: a cluster job straight from Redis (its JSON text, parsed here), validated
 *   (`parseTrialJob` / `parseChunkJob`), checked against the engine's limits per job
 *   (`checkTrialJobCost` / `checkChunkJobCost`: memory and result size, `ERR_PAYLOAD`), run, and
 *   encoded for the wire;
 * - `probe`: what the registry holds.
 *
 * Chunk tasks first claim their board slot (`0 → engine`), so a chunk the caller cancelled does
 * no work and never writes. Errors are replies (`{ ok: false, error }`, a {@link WireError}), so a
 * throwing model fails only its own task; a module that failed to load fails every task with
 * its error (naming the module). The modules load on the first task, not at start-up: piscina
 * `require`s the worker entry, which a top-level await would defeat under tsx.
 *
 * @example
 * ```ts
 * const runtime = createWorkerRuntime({ modules: [], engine: threadId });
 * await runtime.handle({ kind: 'probe' }); // { ok: true, engine, probe: { models: [...], ... } }
 * ```
 */
export function createWorkerRuntime(options: WorkerRuntimeOptions): WorkerRuntime {
  const { engine } = options;
  const registry = options.registry ?? builtInRegistry();
  const models = new ModelCache(registry);
  let loadFailure: WireError | undefined;
  let loading: Promise<void> | undefined;
  let loaded = options.modules.length === 0;

  const load = async (): Promise<void> => {
    try {
      await loadModelModules(registry, options.modules);
    } catch (e) {
      loadFailure = toWireError(e);
    }
    loaded = true;
  };

  const claim = (board: Int32Array, slot: number): boolean => Atomics.compareExchange(board, slot, 0, engine) === 0;

  const likelihood = (t: LikelihoodTask): PoolReply => {
    if (!claim(t.board, t.slot)) return { ok: true, engine, skipped: true };
    const model = models.get(t.model);
    try {
      model.likelihoodInto(t.outcomes, t.x, t.nM, ExpParams.fromData(t.eps), t.out, t.start, t.end);
    } catch (e) {
      throw modelError(model.name, 'likelihood', e); // the same ERR_MODEL as on this thread
    }
    return { ok: true, engine };
  };

  const simulate = (t: SimulateTask): PoolReply => {
    if (!claim(t.board, t.slot)) return { ok: true, engine, skipped: true };
    const model = models.get(t.model);
    const nP = model.nModelparams;
    const mc = t.m1 - t.m0, ec = t.e1 - t.e0;
    let part: Int32Array;
    try {
      part = model.simulateExperiment(t.x.subarray(t.m0 * nP, t.m1 * nP), ExpParams.fromData(t.eps), new Rng(t.seed), t.repeat).data;
    } catch (e) {
      throw modelError(model.name, 'simulateExperiment', e);
    }
    // Join in place: the chunk's [repeat, mc, ec] block goes to rows m0.., columns e0.. of out.
    for (let r = 0; r < t.repeat; r++) {
      for (let j = 0; j < mc; j++) {
        const src = (r * mc + j) * ec;
        t.out.set(part.subarray(src, src + ec), (r * t.nM + t.m0 + j) * t.nE + t.e0);
      }
    }
    return { ok: true, engine };
  };

  const job = (t: JobTask): PoolReply => {
    // The text from Redis is parsed here, never on the engine's main thread (it renews job locks).
    const data = typeof t.data === 'string' ? parseJobText(t.data) : t.data;
    const maxJobBytes = t.maxJobBytes ?? Infinity;
    if (t.service === 'trials') {
      const spec = parseTrialJob(data, registry);
      checkTrialJobCost(spec, registry, { maxJobBytes, maxResultBytes: t.maxResultBytes });
      return { ok: true, engine, value: encodeTrialResult(runTrial(spec, registry, Number.isFinite(maxJobBytes) ? { memoryLimit: maxJobBytes } : {})) };
    }
    const chunk = parseChunkJob(data, registry, t.maxResultBytes, models);
    checkChunkJobCost(chunk, maxJobBytes);
    return { ok: true, engine, value: runChunkJob(chunk) };
  };

  const trialOutcome = (spec: TrialSpec): TrialOutcome => {
    const t0 = performance.now();
    try {
      const trial = runTrial(spec, registry);
      return { ok: true, trial, ms: performance.now() - t0 };
    } catch (e) {
      return { ok: false, error: toWireError(e), ms: performance.now() - t0 };
    }
  };

  const run = (task: PoolTask): PoolReply => {
    try {
      if (loadFailure !== undefined) return { ok: false, engine, error: loadFailure };
      switch (task.kind) {
        case 'likelihood':
          return likelihood(task);
        case 'simulate':
          return simulate(task);
        case 'trial':
          return { ok: true, engine, trial: runTrial(task.spec, registry) };
        case 'trials':
          return { ok: true, engine, trials: task.specs.map(trialOutcome) };
        case 'job':
          return job(task);
        case 'probe':
          return { ok: true, engine, probe: registry.names() };
        default:
          throw new QinferArgumentError('ERR_PAYLOAD', `unknown worker task kind '${String((task as { kind?: unknown }).kind)}'`);
      }
    } catch (e) {
      return { ok: false, engine, error: toWireError(e) };
    }
  };

  return {
    registry,
    handle(task) {
      if (!loaded) return (loading ??= load()).then(() => afterTurn(run(task)));
      return afterTurn(run(task));
    },
  };
}
