/**
 * A user model module for the cluster tests, loaded by engines with `--models` (and by the
 * serial reference through `register`). Not a test file itself.
 */
import type ndarray from 'ndarray';
import type { ExpParams } from '../src/expparams/ExpParams.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import type { Registry } from '../src/registry/Registry.js';
import type { Rng } from '../src/rng/Rng.js';
import { toRowMajor, type ParticlesLike } from '../src/util/particles.js';

/**
 * SimplePrecessionModel that refuses to simulate true frequencies above `limit`: used as the
 * true model of a performance test, it makes exactly the trials whose drawn ω > limit throw.
 */
export class PickyPrecessionModel extends SimplePrecessionModel {
  override readonly name: string = 'PickyPrecessionModel';
  readonly limit: number;

  constructor(limit: number) {
    super();
    this.limit = limit;
  }

  override get params(): Readonly<Record<string, unknown>> {
    return { limit: this.limit };
  }

  override simulateExperiment(mps: ParticlesLike, eps: ExpParams, rng: Rng, repeat = 1): ndarray.NdArray<Int32Array> {
    const { x } = toRowMajor(mps, 1);
    for (const w of x) if (w > this.limit) throw new Error(`picky: true frequency ${w} above ${this.limit}`);
    return super.simulateExperiment(mps, eps, rng, repeat);
  }
}

/** Registers the fixture models. */
export function register(registry: Registry): void {
  registry.registerModel('PickyPrecessionModel', (p) => new PickyPrecessionModel(Number(p['limit'] ?? 0.5)));
}
