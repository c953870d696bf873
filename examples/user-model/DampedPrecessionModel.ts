/**
 * A user-defined model in its own module, ready for a worker pool: it exports the model class and
 * a `register(registry)` function. Hand the module's path to `createPool({ modules: [...] })`
 * and every worker registers the model at start-up; tasks then name it (`{ name, params }`)
 * and never carry code.
 *
 * The model: precession at unknown frequency ω with a known dephasing time T2 (a parameter),
 *
 *   Pr(0 | ω; t) = e^{−t/T2} cos²(ω t / 2) + (1 − e^{−t/T2}) / 2,
 *
 * valid iff ω > 0. (Pool workers load TypeScript modules with `require` through tsx, so a module
 * like this one must not use top-level await.)
 */
import { QinferArgumentError, SCALAR_SCHEMA, TwoOutcomeModel, toRowMajor, type ExpParams, type ExpSchema, type ParticlesLike, type Registry } from '../../src/index.js';

export class DampedPrecessionModel extends TwoOutcomeModel {
  readonly name = 'DampedPrecessionModel';
  readonly nModelparams = 1;
  readonly expparamsSchema: ExpSchema = SCALAR_SCHEMA;
  readonly t2: number;

  constructor(t2 = 100) {
    super();
    if (!(t2 > 0)) throw new QinferArgumentError('ERR_ARGUMENT', `T2 must be positive, got ${t2}`);
    this.t2 = t2;
  }

  /** What a worker needs to rebuild an equal model. */
  override get params(): Readonly<Record<string, unknown>> {
    return { t2: this.t2 };
  }

  /** The raw kernel: rows `start..end` only, no allocation (a worker runs it on its chunk). */
  pr0Into(x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    const t = eps.values(), nE = t.length;
    for (let j = start; j < end; j++) {
      for (let k = 0; k < nE; k++) {
        const v = Math.exp(-t[k]! / this.t2), c = Math.cos((x[j]! * t[k]!) / 2);
        out[j * nE + k] = v * c * c + (1 - v) / 2;
      }
    }
  }

  areModelsValid(mps: ParticlesLike): Uint8Array {
    const { x, nM } = toRowMajor(mps, 1);
    return Uint8Array.from({ length: nM }, (_, j) => (x[j]! > 0 ? 1 : 0));
  }
}

/**
 * Called by every pool worker at start-up (and by this thread's registry, if you want one). The
 * declared parameter names make a typo (`T2` for `t2`) an `ERR_UNKNOWN_PARAM` instead of a default.
 */
export function register(registry: Registry): void {
  registry.registerModel('DampedPrecessionModel', (p) => new DampedPrecessionModel(p['t2'] as number | undefined), { params: ['t2'] });
}
