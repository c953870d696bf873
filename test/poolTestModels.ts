/**
 * Test-only models for the worker-pool tests, loaded into the workers through
 * `createPool({ modules: [this file] })`. `FaultyModel` computes Pr(0) = 1/2 but misbehaves on
 * every particle with x < 0, as `params.mode` says: `'throw'` throws a QinferError, `'exit'`
 * calls `process.exit(7)` (the worker dies), `'uncaught'` throws outside any task's try/catch
 * (a microtask: an uncaught error kills the worker). `SharedProbeModel` reports what the worker
 * received: Pr(0) = 0.25 when the particles and the output it writes are views of shared memory,
 * 0.75 when either is a private copy. The heuristic `FailingSparse` is ExpSparse, but throws
 * `ERR_HEURISTIC` at step 2 of every trial whose heuristic seed is divisible by 3.
 */
import { QinferError } from '../src/errors/QinferError.js';
import { ExpSparseHeuristic } from '../src/heuristics/ExpSparseHeuristic.js';
import { SCALAR_SCHEMA, type ExpParams, type ExpSchema } from '../src/expparams/ExpParams.js';
import { TwoOutcomeModel } from '../src/models/TwoOutcomeModel.js';
import type { Registry } from '../src/registry/Registry.js';
import { toRowMajor, type ParticlesLike } from '../src/util/particles.js';

export type FaultMode = 'throw' | 'exit' | 'uncaught';

export class FaultyModel extends TwoOutcomeModel {
  readonly name = 'FaultyModel';
  readonly nModelparams = 1;
  readonly expparamsSchema: ExpSchema = SCALAR_SCHEMA;
  readonly mode: FaultMode;

  constructor(mode: FaultMode) {
    super();
    this.mode = mode;
  }

  override get params(): Readonly<Record<string, unknown>> {
    return { mode: this.mode };
  }

  pr0Into(x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    const nE = eps.length;
    for (let j = start; j < end; j++) {
      if (x[j]! < 0) this.fault(j);
      out.fill(0.5, j * nE, (j + 1) * nE);
    }
  }

  private fault(j: number): void {
    if (this.mode === 'throw') throw new QinferError('ERR_INVALID_LIKELIHOOD', `particle ${j} is negative`);
    if (this.mode === 'exit') process.exit(7);
    queueMicrotask(() => {
      throw new Error('uncaught in a worker');
    });
  }

  areModelsValid(mps: ParticlesLike): Uint8Array {
    return new Uint8Array(toRowMajor(mps, 1).nM).fill(1);
  }
}

const isShared = (a: Float64Array): boolean => Object.prototype.toString.call(a.buffer) === '[object SharedArrayBuffer]';

export class SharedProbeModel extends TwoOutcomeModel {
  readonly name = 'SharedProbeModel';
  readonly nModelparams = 1;
  readonly expparamsSchema: ExpSchema = SCALAR_SCHEMA;

  pr0Into(x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    const nE = eps.length;
    out.fill(isShared(x) && isShared(out) ? 0.25 : 0.75, start * nE, end * nE);
  }

  areModelsValid(mps: ParticlesLike): Uint8Array {
    return new Uint8Array(toRowMajor(mps, 1).nM).fill(1);
  }
}

/** The module's entry point for pool workers (and for the serial registries of the tests). */
export function register(registry: Registry): void {
  registry.registerModel('FaultyModel', (p) => new FaultyModel((p['mode'] as FaultMode | undefined) ?? 'throw'));
  registry.registerModel('SharedProbeModel', () => new SharedProbeModel());
  registry.registerHeuristic('FailingSparse', (_p, updater, rng) => {
    const inner = new ExpSparseHeuristic(updater);
    return {
      next: () => {
        if (rng.seed % 3 === 0 && updater.dataRecord.length === 2) throw new QinferError('ERR_HEURISTIC', `FailingSparse fails (seed ${rng.seed})`);
        return inner.next();
      },
    };
  });
}
