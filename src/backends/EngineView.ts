import type { LikelihoodRequest } from './LikelihoodBackend.js';

/** A half-open range of particle rows `[start, end)`. */
export type Chunk = readonly [start: number, end: number];

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
  /** Releases the engines (idempotent). */
  close(): Promise<void>;
}
