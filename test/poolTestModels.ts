/**
 * Test-only models for the worker-pool tests, loaded into the workers through
 * `createPool({ modules: [this file] })`. `FaultyModel` computes Pr(0) = 1/2 but misbehaves on
 * every particle with x < 0, as `params.mode` says: `'throw'` throws a QinferError, `'exit'`
 * calls `process.exit(7)` (the worker dies), `'uncaught'` throws outside any task's try/catch
 * (a microtask: an uncaught error kills the worker).
 */
import { QinferError } from '../src/errors/QinferError.js';
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

/** The module's entry point for pool workers. */
export function register(registry: Registry): void {
  registry.registerModel('FaultyModel', (p) => new FaultyModel((p['mode'] as FaultMode | undefined) ?? 'throw'));
}
