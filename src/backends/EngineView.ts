import type { ExpParams } from '../expparams/ExpParams.js';
import type { Model } from '../models/Model.js';
import type { LikelihoodRequest } from './LikelihoodBackend.js';

/** A half-open range of particle rows `[start, end)`. */
export type Chunk = readonly [start: number, end: number];

/** One `simulateExperiment` call to be split over engines (outcomes `[repeat, nM, nE]`, row-major). */
export interface SimulationRequest {
  readonly model: Model;
  /** Particles, row-major `[nModels, nP]`; may live in a `SharedArrayBuffer`. */
  readonly x: Float64Array;
  readonly nModels: number;
  readonly expparams: ExpParams;
  readonly repeat: number;
}

/**
 * One chunk of a parallel simulation: particles `models` × experiments `experiments`, simulated
 * by the model's own `simulateExperiment` with `new Rng(seed)` on one engine.
 */
export interface SimulationChunk {
  readonly models: Chunk;
  readonly experiments: Chunk;
  readonly seed: number;
}

/**
 * A set of engines that can each compute part of one likelihood call (QInfer's `DirectView`):
 * worker threads of a pool, or engine processes of a cluster. `ParallelizedModel` splits the
 * particles into chunks, one per engine, and asks the view to fill them.
 */
export interface EngineView {
  readonly name: string;
  /** Number of engines (the default serial threshold is 10 × this). */
  readonly nEngines: number;
  /**
   * Fills rows `start..end` of `out` (`[nO, nM, nE]`, row-major) for every chunk, each chunk on
   * one engine, as `request.model.likelihoodInto(…, start, end)` would. Rejects with a typed
   * error naming the engine and chunk when one fails; abandons queued chunks when aborted.
   */
  likelihoodChunks(request: LikelihoodRequest, chunks: readonly Chunk[], out: Float64Array, options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * Optional: simulates every chunk on one engine and writes it in place into `out`
   * (`[repeat, nM, nE]`, joined by index on the model and experiment axes). Views without it
   * simulate on the caller's thread.
   */
  simulateChunks?(request: SimulationRequest, chunks: readonly SimulationChunk[], out: Int32Array, options?: { signal?: AbortSignal }): Promise<void>;
  /** Releases the engines (idempotent). */
  close(): Promise<void>;
}
