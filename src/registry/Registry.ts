import { QinferArgumentError } from '../errors/QinferError.js';
import type { Distribution, DistributionSpec } from '../distributions/Distribution.js';
import type { Heuristic, HeuristicSpec } from '../heuristics/Heuristic.js';
import type { Model, ModelSpec } from '../models/Model.js';
import type { Rng } from '../rng/Rng.js';
import type { Updater } from '../smc/Updater.js';

/** Builds a model from its JSON-able parameters; derived models build their parts through `registry`. */
export type ModelFactory = (params: Readonly<Record<string, unknown>>, registry: Registry) => Model;
/** Builds a distribution from its JSON-able parameters. */
export type DistributionFactory = (params: Readonly<Record<string, unknown>>, registry: Registry) => Distribution;
/** Builds a heuristic bound to an updater; `rng` feeds any random choice it makes. */
export type HeuristicFactory = (params: Readonly<Record<string, unknown>>, updater: Updater, rng: Rng, registry: Registry) => Heuristic;

/**
 * Names → factories for models, distributions and heuristics: how work described by data
 * (`{ name, params }`) is rebuilt in a worker, an engine process or a performance trial
 * (models cross boundaries by name, never as code). A registry is a value, not a
 * global: create one with {@link builtInRegistry} and add user models with `registerModel`.
 *
 * @example
 * ```ts
 * import { builtInRegistry } from 'qinfer-rx';
 * const reg = builtInRegistry();
 * const model = reg.createModel({ name: 'SimplePrecessionModel', params: { minFreq: 0 } });
 * ```
 */
export class Registry {
  private readonly models = new Map<string, ModelFactory>();
  private readonly distributions = new Map<string, DistributionFactory>();
  private readonly heuristics = new Map<string, HeuristicFactory>();

  /** Registers a model factory under `name` (replacing an earlier one). */
  registerModel(name: string, factory: ModelFactory): this {
    this.models.set(name, factory);
    return this;
  }

  /** Registers a distribution factory under `name`. */
  registerDistribution(name: string, factory: DistributionFactory): this {
    this.distributions.set(name, factory);
    return this;
  }

  /** Registers a heuristic factory under `name`. */
  registerHeuristic(name: string, factory: HeuristicFactory): this {
    this.heuristics.set(name, factory);
    return this;
  }

  /** True when a model of this name is registered. */
  hasModel(name: string): boolean {
    return this.models.has(name);
  }

  /** Registered names, by kind. */
  names(): { models: string[]; distributions: string[]; heuristics: string[] } {
    return { models: [...this.models.keys()], distributions: [...this.distributions.keys()], heuristics: [...this.heuristics.keys()] };
  }

  /** Builds a model; throws `ERR_UNKNOWN_MODEL` for a name that is not registered. */
  createModel(spec: ModelSpec): Model {
    const f = typeof spec?.name === 'string' ? this.models.get(spec.name) : undefined;
    if (f === undefined) {
      throw new QinferArgumentError('ERR_UNKNOWN_MODEL', `unknown model '${String(spec?.name)}' (known: ${[...this.models.keys()].join(', ')})`, {
        details: { name: spec?.name },
      });
    }
    return f(spec.params ?? {}, this);
  }

  /** Builds a distribution; throws `ERR_UNKNOWN_NAME` for an unknown name. */
  createDistribution(spec: DistributionSpec): Distribution {
    const f = typeof spec?.name === 'string' ? this.distributions.get(spec.name) : undefined;
    if (f === undefined) {
      throw new QinferArgumentError('ERR_UNKNOWN_NAME', `unknown distribution '${String(spec?.name)}' (known: ${[...this.distributions.keys()].join(', ')})`);
    }
    return f(spec.params ?? {}, this);
  }

  /** Builds a heuristic bound to `updater`; throws `ERR_UNKNOWN_NAME` for an unknown name. */
  createHeuristic(spec: HeuristicSpec, updater: Updater, rng: Rng): Heuristic {
    const f = typeof spec?.name === 'string' ? this.heuristics.get(spec.name) : undefined;
    if (f === undefined) {
      throw new QinferArgumentError('ERR_UNKNOWN_NAME', `unknown heuristic '${String(spec?.name)}' (known: ${[...this.heuristics.keys()].join(', ')})`);
    }
    return f(spec.params ?? {}, updater, rng, this);
  }
}
