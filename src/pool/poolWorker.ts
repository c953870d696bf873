/**
 * The entry point of every pool worker thread (piscina calls {@link handlePoolTask}). At start-up
 * it builds its registry — the built-in models, distributions and heuristics, then the user model
 * modules the pool was created with (`workerData.modules`, file URLs fixed at pool creation; a
 * task can never make a worker import anything) — and from then on answers tasks, which are data
 * only. Errors are returned as values (`{ ok: false, error }`), so a throwing model fails only its
 * own task and the worker stays alive; only a worker that really dies rejects through piscina.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { threadId, workerData } from 'node:worker_threads';
import { QinferArgumentError } from '../errors/QinferError.js';
import { ExpParams } from '../expparams/ExpParams.js';
import type { Model, ModelSpec } from '../models/Model.js';
import { runTrial } from '../perf/runTrial.js';
import type { Registry } from '../registry/Registry.js';
import { builtInRegistry } from '../registry/builtInRegistry.js';
import { Rng } from '../rng/Rng.js';
import type { LikelihoodTask, PoolReply, PoolTask, SimulateTask, WireError } from './poolProtocol.js';
import { toWireError } from './wireError.js';

/** What the pool hands every worker at start-up. */
export interface PoolWorkerData {
  /** File URLs of model modules, each exporting `register(registry)`. */
  readonly modules: readonly string[];
}

const MODEL_CACHE_SIZE = 64;

const registry: Registry = builtInRegistry();
let loadFailure: WireError | undefined;
let loaded = false;
let loading: Promise<void> | undefined;

/**
 * Imports one model module. TypeScript sources are loaded with `require`, through tsx's CommonJS
 * hook: on Node 20 the ESM loader hooks that tsx registers with `--import` do not reach worker
 * threads, so `import()` of a `.ts` file fails there (the worker entry itself is `require`d by
 * piscina for the same reason). Such a module must not use top-level await.
 */
function importModule(url: string): Promise<unknown> {
  if (/\.[cm]?tsx?$/.test(new URL(url).pathname)) {
    const path = fileURLToPath(url);
    return Promise.resolve(createRequire(path)(path) as unknown);
  }
  return import(url) as Promise<unknown>;
}

/**
 * Loads the pool's model modules into the registry, once, on the first task. (Not with a
 * top-level await: piscina first tries to `require()` the worker entry, which a module with
 * top-level await defeats under tsx.)
 */
async function loadModules(): Promise<void> {
  for (const url of ((workerData ?? {}) as Partial<PoolWorkerData>).modules ?? []) {
    try {
      const mod = (await importModule(url)) as { register?: unknown };
      if (typeof mod.register !== 'function') {
        throw new QinferArgumentError('ERR_ARGUMENT', `model module ${url} does not export a register(registry) function`);
      }
      (mod.register as (r: Registry) => unknown)(registry);
    } catch (e) {
      const w = toWireError(e);
      loadFailure ??= { ...w, details: { ...(w.details ?? {}), module: url } };
    }
  }
  loaded = true;
}

const models = new Map<string, Model>();

/** The model of `spec`, rebuilt once per worker and cached (likelihood kernels are pure). */
function modelFor(spec: ModelSpec): Model {
  const key = JSON.stringify([spec.name, spec.params ?? {}]);
  let m = models.get(key);
  if (m === undefined) {
    m = registry.createModel(spec);
    if (models.size >= MODEL_CACHE_SIZE) models.delete(models.keys().next().value as string);
    models.set(key, m);
  }
  return m;
}

/** Claims a chunk's board slot; false when the caller cancelled it first. */
function claim(board: Int32Array, slot: number): boolean {
  return Atomics.compareExchange(board, slot, 0, threadId) === 0;
}

function likelihoodChunk(t: LikelihoodTask): PoolReply {
  if (!claim(t.board, t.slot)) return { ok: true, engine: threadId, skipped: true };
  modelFor(t.model).likelihoodInto(t.outcomes, t.x, t.nM, ExpParams.fromData(t.eps), t.out, t.start, t.end);
  return { ok: true, engine: threadId };
}

function simulateChunk(t: SimulateTask): PoolReply {
  if (!claim(t.board, t.slot)) return { ok: true, engine: threadId, skipped: true };
  const model = modelFor(t.model);
  const nP = model.nModelparams;
  const mc = t.m1 - t.m0, ec = t.e1 - t.e0;
  const part = model.simulateExperiment(t.x.subarray(t.m0 * nP, t.m1 * nP), ExpParams.fromData(t.eps), new Rng(t.seed), t.repeat).data;
  // Join in place: the chunk's [repeat, mc, ec] block goes to rows m0.., columns e0.. of out.
  for (let r = 0; r < t.repeat; r++) {
    for (let j = 0; j < mc; j++) {
      const src = (r * mc + j) * ec;
      t.out.set(part.subarray(src, src + ec), (r * t.nM + t.m0 + j) * t.nE + t.e0);
    }
  }
  return { ok: true, engine: threadId };
}

/**
 * Runs one pool task in this worker and returns the reply (never throws for a failing task);
 * the first task first loads the pool's model modules.
 *
 * @example
 * ```ts
 * // piscina: new Piscina({ filename: poolWorkerUrl, name: 'handlePoolTask' })
 * handlePoolTask({ kind: 'probe' }); // { ok: true, engine: 3, probe: { models: [...], ... } }
 * ```
 */
export function handlePoolTask(task: PoolTask): PoolReply | Promise<PoolReply> {
  if (!loaded) return (loading ??= loadModules()).then(() => runTask(task));
  return runTask(task);
}

function runTask(task: PoolTask): PoolReply {
  try {
    if (loadFailure !== undefined) return { ok: false, engine: threadId, error: loadFailure };
    switch (task.kind) {
      case 'likelihood':
        return likelihoodChunk(task);
      case 'simulate':
        return simulateChunk(task);
      case 'trial':
        return { ok: true, engine: threadId, trial: runTrial(task.spec, registry) };
      case 'probe':
        return { ok: true, engine: threadId, probe: registry.names() };
      default:
        throw new QinferArgumentError('ERR_PAYLOAD', `unknown pool task kind '${String((task as { kind?: unknown }).kind)}'`);
    }
  } catch (e) {
    return { ok: false, engine: threadId, error: toWireError(e) };
  }
}
