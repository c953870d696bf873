import { QinferArgumentError } from '../../src/errors/QinferError.js';
import { recordSchema, type ExpParams, type ExpSchema } from '../../src/expparams/ExpParams.js';
import { TwoOutcomeModel } from '../../src/models/TwoOutcomeModel.js';
import type { Registry } from '../../src/registry/Registry.js';
import { toRowMajor, type ParticlesLike } from '../../src/util/particles.js';

/** Options of {@link MockModel} (QInfer's `n_mps`). */
export interface MockModelOptions {
  /** Number of model parameters. Default 2. */
  nMps?: number;
}

const MOCK_SCHEMA = recordSchema({ name: 'a', type: 'float' }, { name: 'b', type: 'int' });

/**
 * QInfer's test `MockModel` (tests/base_test.py): two outcomes, `Pr(0) = ½` whatever the
 * parameters and experiments, every particle valid, experiments `{ a: float, b: int }`.
 *
 * @example
 * ```ts
 * const m = new MockModel();
 * m.likelihood(0, [[1, 2]], ExpParams.records(m.expparamsSchema, [{ a: 0, b: 0 }])).get(0, 0, 0); // 0.5
 * ```
 */
export class MockModel extends TwoOutcomeModel {
  readonly name: string = 'MockModel';
  readonly nModelparams: number;
  readonly expparamsSchema: ExpSchema = MOCK_SCHEMA;

  constructor(options: MockModelOptions = {}) {
    super();
    const n = options.nMps ?? 2;
    if (!Number.isInteger(n) || n < 1) throw new QinferArgumentError('ERR_ARGUMENT', `nMps must be a positive integer, got ${n}`);
    this.nModelparams = n;
  }

  override get params(): Readonly<Record<string, unknown>> {
    return { nMps: this.nModelparams };
  }

  pr0Into(_x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    out.fill(0.5, start * eps.length, end * eps.length);
  }

  areModelsValid(mps: ParticlesLike): Uint8Array {
    return new Uint8Array(toRowMajor(mps, this.nModelparams).nM).fill(1);
  }
}

/** Options of {@link DecimationModel}. */
export interface DecimationModelOptions extends MockModelOptions {
  /** Fraction kept when the experiments have no `alpha` field. */
  alpha?: number;
}

const ALPHA_SCHEMA = recordSchema({ name: 'alpha', type: 'float' });

/**
 * QInfer's test `DecimationModel` (tests/test_smc.py): `Pr(0) = ½` for the first
 * `ceil(α · nM)` particles and 0 for the rest, so each "0" datum cuts n_ess by the factor α.
 * As in QInfer, α is the experiment field `alpha`; a model built with an `alpha`
 * (`new DecimationModel(0.3)`) also accepts experiments without that field and uses its own.
 * The cut is by row index in the full particle array, so chunked kernels agree with serial ones.
 *
 * @example
 * ```ts
 * const m = new DecimationModel(0.5);
 * m.likelihood(0, [[0, 0], [0, 0]], ExpParams.records(m.expparamsSchema, [{ alpha: 0.5 }])).data; // [0.5, 0]
 * ```
 */
export class DecimationModel extends MockModel {
  override readonly name: string = 'DecimationModel';
  override readonly expparamsSchema: ExpSchema = ALPHA_SCHEMA;
  readonly alpha: number | undefined;

  constructor(alphaOrOptions: number | DecimationModelOptions = {}) {
    const o = typeof alphaOrOptions === 'number' ? { alpha: alphaOrOptions } : alphaOrOptions;
    super(o);
    if (o.alpha !== undefined && !(o.alpha >= 0 && o.alpha <= 1)) throw new QinferArgumentError('ERR_ARGUMENT', `alpha must be in [0, 1], got ${o.alpha}`);
    this.alpha = o.alpha;
  }

  override get params(): Readonly<Record<string, unknown>> {
    return this.alpha === undefined ? { nMps: this.nModelparams } : { nMps: this.nModelparams, alpha: this.alpha };
  }

  override checkExpparams(eps: ExpParams): void {
    if (this.alpha === undefined || eps.hasField('alpha')) eps.field('alpha');
  }

  override pr0Into(_x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    const nE = eps.length, alphas = eps.hasField('alpha') ? eps.field('alpha') : undefined;
    for (let k = 0; k < nE; k++) {
      const cut = Math.ceil((alphas === undefined ? this.alpha! : alphas[k]!) * nM);
      for (let j = start; j < end; j++) out[j * nE + k] = j < cut ? 0.5 : 0;
    }
  }
}

/**
 * Registers {@link MockModel} and {@link DecimationModel} (params `{ nMps, alpha }`) so tests can
 * send them to workers and engines by name.
 */
export function registerTestModels(reg: Registry): Registry {
  reg.registerModel('MockModel', (p) => new MockModel({ nMps: p['nMps'] as number | undefined }));
  reg.registerModel(
    'DecimationModel',
    (p) => new DecimationModel({ nMps: p['nMps'] as number | undefined, alpha: p['alpha'] as number | undefined }),
  );
  return reg;
}
