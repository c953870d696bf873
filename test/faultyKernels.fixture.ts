/**
 * User model modules with broken kernels, for the bad-input tests (issue 14, item 12): loaded
 * into this thread's registry and into pool workers / engines through `register`. Not a test
 * file itself.
 *
 * - `HalfKernelModel`: Pr(0) = ½, but its kernel writes only the first half of the particle
 *   rows of each call and leaves the rest as they were (a common bug in a hand-written kernel).
 * - `TypeErrorModel`: Pr(0) = ½ until its kernel meets a particle above `limit`, then it throws a
 *   plain `TypeError` (a bug, not a qinfer-rx error).
 */
import { SCALAR_SCHEMA, type ExpParams, type ExpSchema } from '../src/expparams/ExpParams.js';
import { TwoOutcomeModel } from '../src/models/TwoOutcomeModel.js';
import type { Registry } from '../src/registry/Registry.js';
import { toRowMajor, type ParticlesLike } from '../src/util/particles.js';

abstract class OneParamModel extends TwoOutcomeModel {
  readonly nModelparams = 1;
  readonly expparamsSchema: ExpSchema = SCALAR_SCHEMA;

  areModelsValid(mps: ParticlesLike): Uint8Array {
    return new Uint8Array(toRowMajor(mps, 1).nM).fill(1);
  }
}

export class HalfKernelModel extends OneParamModel {
  readonly name = 'HalfKernelModel';

  pr0Into(_x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    const stop = Math.min(end, Math.ceil(nM / 2));
    if (stop > start) out.fill(0.5, start * eps.length, stop * eps.length);
  }
}

export class TypeErrorModel extends OneParamModel {
  readonly name = 'TypeErrorModel';
  /** Particles above it make the kernel throw (default: every particle). */
  readonly limit: number | undefined;

  constructor(limit?: number) {
    super();
    this.limit = limit;
  }

  override get params(): Readonly<Record<string, unknown>> {
    return this.limit === undefined ? {} : { limit: this.limit };
  }

  pr0Into(x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    for (let j = start; j < end; j++) {
      if (this.limit === undefined || x[j]! > this.limit) (undefined as unknown as { boom(): void }).boom(); // TypeError: Cannot read properties of undefined
      out.fill(0.5, j * eps.length, (j + 1) * eps.length);
    }
  }
}

/** Registers the fixture models (the module convention of pools and engines). */
export function register(registry: Registry): void {
  registry.registerModel('HalfKernelModel', () => new HalfKernelModel(), { params: [] });
  registry.registerModel('TypeErrorModel', (p) => new TypeErrorModel(p['limit'] as number | undefined), { params: ['limit'] });
}
