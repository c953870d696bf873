/**
 * The body of an engine's worker threads (loaded by piscina, never imported by the client):
 * validates one job's data, runs it against this thread's registry (built-ins plus the modules
 * the engine was started with) and returns the encoded result, or the error as data.
 */
import { workerData } from 'node:worker_threads';
import { isQinferError } from '../errors/QinferError.js';
import type { Model } from '../models/Model.js';
import { runTrial } from '../perf/runTrial.js';
import { builtInRegistry } from '../registry/builtInRegistry.js';
import type { Registry } from '../registry/Registry.js';
import { parseChunkJob, runChunkJob } from './chunkWire.js';
import type { EngineService } from './clusterKeys.js';
import { loadModelModules } from './loadModelModules.js';
import { encodeTrialResult, parseTrialJob } from './trialWire.js';

/** One task sent from an engine's main thread to a worker thread. */
export interface EngineTask {
  readonly kind: EngineService;
  readonly data: unknown;
  readonly maxResultBytes: number;
}

/** A task's outcome: the job's return value, or the error as data (code and message). */
export type EngineTaskResult = { ok: true; value: unknown } | { ok: false; code: string; message: string };

/** What each worker thread is started with. */
export interface EngineThreadData {
  readonly models: readonly string[];
}

let registry: Promise<Registry> | undefined;
const models = new Map<string, Model>();

function getRegistry(): Promise<Registry> {
  registry ??= loadModelModules(builtInRegistry(), (workerData as EngineThreadData | undefined)?.models ?? []);
  return registry;
}

/** Runs one task (piscina's entry point). */
export default async function engineThread(task: EngineTask): Promise<EngineTaskResult> {
  try {
    const reg = await getRegistry();
    if (task.kind === 'trials') return { ok: true, value: encodeTrialResult(runTrial(parseTrialJob(task.data, reg), reg)) };
    return { ok: true, value: runChunkJob(parseChunkJob(task.data, reg, task.maxResultBytes, models)) };
  } catch (e) {
    return { ok: false, code: isQinferError(e) ? e.code : 'ERR_WORKER', message: e instanceof Error ? e.message : String(e) };
  }
}
