import type { WireError } from '../boundary/wireError.js';
import type { ExpParamsData } from '../expparams/ExpParams.js';
import type { ModelSpec } from '../models/Model.js';

/**
 * The messages between {@link webWorkerBackend} and a Web Worker running
 * {@link serveLikelihood}. Tasks are data only: the model travels as `{ name, params }` and is
 * rebuilt from the worker's registry; the chunk's particles travel as a transferred copy (no
 * `SharedArrayBuffer`, so a page needs no cross-origin isolation).
 */
export interface WorkerLikelihoodTask {
  readonly kind: 'qinfer-rx/likelihood';
  readonly id: number;
  readonly model: ModelSpec;
  readonly outcomes: Int32Array;
  /** Rows `[start, end)` of the call's particles, row-major `[end − start, nP]`. */
  readonly x: Float64Array;
  readonly rows: number;
  readonly eps: ExpParamsData;
}

/** A worker's answer: `L` of the chunk, `[nO, rows, nE]` row-major, or the error as data. */
export type WorkerLikelihoodReply =
  | { readonly kind: 'qinfer-rx/likelihood'; readonly id: number; readonly ok: true; readonly L: Float64Array }
  | { readonly kind: 'qinfer-rx/likelihood'; readonly id: number; readonly ok: false; readonly error: WireError };

/**
 * The part of a Web Worker (or of Node's `worker_threads.Worker` behind a small adapter) that
 * {@link webWorkerBackend} uses. A browser's `new Worker(url, { type: 'module' })` is one.
 */
export interface WorkerLike {
  /** Sends a task; the buffers in `transfer` move to the worker. */
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  /** Receives the worker's replies. */
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  /** Learns that the worker failed (an uncaught error, a script that did not load). */
  addEventListener(type: 'error', listener: (event: { readonly message?: string }) => void): void;
  /** Stops the worker at once. */
  terminate(): void;
}

/** The worker's side of the channel: a dedicated worker's global scope (`self`) is one. */
export interface WorkerScopeLike {
  /** Sends a reply; the buffers in `transfer` move to the page. */
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  /** Receives tasks. */
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
}
