import type { ExpParamsData } from '../expparams/ExpParams.js';
import type { ModelSpec } from '../models/Model.js';
import type { TrialResult, TrialSpec } from '../perf/TrialSpec.js';
import type { WireError } from './wireError.js';

/** Which queue a cluster job came from: whole trials, or likelihood chunks. */
export type JobService = 'trials' | 'likelihood';

/**
 * The messages between a `Pool` and its worker threads (the same threads serve a cluster
 * engine's jobs). Tasks are data only: models travel as `{ name, params }` and are rebuilt from
 * the worker's registry (never sent as code); particles and
 * results live in `SharedArrayBuffer`s that the worker reads and writes in place (posting a view
 * of a shared buffer shares the memory, it does not copy it). Only the small per-call data —
 * outcomes, experiments, chunk bounds — is structured-cloned.
 *
 * Every chunk task carries a `board`: one `Int32Array` slot per chunk of the call, in shared
 * memory. A worker claims slot `slot` with `compareExchange(0 → threadId)` before it touches any
 * buffer; the caller claims unstarted slots with `compareExchange(0 → CANCELLED)` when the call is
 * aborted or fails, so a task still queued does no work and never writes, and the board names the
 * engine that ran (or crashed on) each chunk.
 */

/** Board value of a chunk the caller cancelled before any engine started it. */
export const CANCELLED = -1;

/** A likelihood chunk: rows `start..end` of `out[i·nM·nE + j·nE + k]`. */
export interface LikelihoodTask {
  readonly kind: 'likelihood';
  readonly model: ModelSpec;
  readonly outcomes: Int32Array;
  /** All particles, row-major `[nM, nP]`, shared. */
  readonly x: Float64Array;
  readonly nM: number;
  readonly eps: ExpParamsData;
  /** The whole output `[nO, nM, nE]`, shared. */
  readonly out: Float64Array;
  readonly start: number;
  readonly end: number;
  readonly board: Int32Array;
  readonly slot: number;
}

/**
 * A simulation chunk: particles `m0..m1` × experiments `e0..e1` of `out` (`[repeat, nM, nE]`,
 * shared), drawn by the model's own `simulateExperiment` with `new Rng(seed)`.
 */
export interface SimulateTask {
  readonly kind: 'simulate';
  readonly model: ModelSpec;
  readonly x: Float64Array;
  readonly nM: number;
  /** The experiments `e0..e1` only. */
  readonly eps: ExpParamsData;
  readonly nE: number;
  readonly m0: number;
  readonly m1: number;
  readonly e0: number;
  readonly e1: number;
  readonly repeat: number;
  readonly seed: number;
  readonly out: Int32Array;
  readonly board: Int32Array;
  readonly slot: number;
}

/** One whole performance-test trial, run by `runTrial` inside one worker. */
export interface TrialTask {
  readonly kind: 'trial';
  readonly spec: TrialSpec;
}

/**
 * Several whole trials run one after another by `runTrial` inside one worker: a batch of short
 * trials costs one message each way instead of one per trial.
 */
export interface TrialsTask {
  readonly kind: 'trials';
  readonly specs: readonly TrialSpec[];
}

/** One trial of a {@link TrialsTask}: its result or its error, and its time inside the worker (ms). */
export type TrialOutcome =
  | { readonly ok: true; readonly trial: TrialResult; readonly ms: number }
  | { readonly ok: false; readonly error: WireError; readonly ms: number };

/** Asks a worker who it is and what it can build. */
export interface ProbeTask {
  readonly kind: 'probe';
}

/**
 * A cluster job as it came from Redis (JSON, not yet validated): the worker validates it against
 * its registry (`parseTrialJob` / `parseChunkJob`), runs it and replies with the encoded result
 * (`encodeTrialResult` / `runChunkJob`) as `value`.
 */
export interface JobTask {
  readonly kind: 'job';
  readonly service: JobService;
  /** The job's data: its JSON text as Redis holds it (parsed in the worker), or the parsed value. */
  readonly data: unknown;
  /** Largest result the job may produce, bytes. */
  readonly maxResultBytes: number;
  /** Bytes the job may allocate while it runs (default: unlimited). */
  readonly maxJobBytes?: number;
}

/** Any task a pool worker accepts. */
export type PoolTask = LikelihoodTask | SimulateTask | TrialTask | TrialsTask | ProbeTask | JobTask;

/** What a probe reports. */
export interface ProbeInfo {
  readonly models: string[];
  readonly distributions: string[];
  readonly heuristics: string[];
}

/**
 * A worker's answer; `engine` is its `threadId`. `skipped`: the chunk was cancelled first;
 * `value`: a job's encoded result.
 */
export type PoolReply =
  | { readonly ok: true; readonly engine: number; readonly skipped?: boolean; readonly trial?: TrialResult; readonly trials?: readonly TrialOutcome[]; readonly probe?: ProbeInfo; readonly value?: unknown }
  | { readonly ok: false; readonly engine: number; readonly error: WireError };
