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

/** What a registration declares besides its factory. */
export interface RegistrationOptions {
  /**
   * Every parameter name the factory reads. A spec that names any other parameter is refused
   * before the factory runs (`ERR_UNKNOWN_PARAM`, listing these), so a typo such as `minfreq`
   * for `minFreq` is never silently ignored. Omitted: the registry does not check the names
   * (the factory alone decides). Every built-in declares its names.
   */
  readonly params?: readonly string[];
}

/** The kinds of things a registry builds. */
export type RegistryKind = 'model' | 'distribution' | 'heuristic';

interface Entry<F> {
  readonly factory: F;
  readonly params: readonly string[] | undefined;
}

/** The closest known name that differs only in case or by one edit (a likely typo), if any. */
function likelyMeant(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const same = known.find((k) => k.toLowerCase() === lower);
  if (same !== undefined) return same;
  const oneEdit = (a: string, b: string): boolean => {
    if (Math.abs(a.length - b.length) > 1) return false;
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return a.slice(i + (a.length >= b.length ? 1 : 0)) === b.slice(i + (b.length >= a.length ? 1 : 0));
  };
  return known.find((k) => oneEdit(k.toLowerCase(), lower));
}

/**
 * Throws unless every key of `params` is one of `declared` (`ERR_UNKNOWN_PARAM`, naming the
 * known parameters and the likely intended one) or `params` is not a plain object
 * (`ERR_ARGUMENT`). `declared` undefined: only the object check.
 *
 * @example
 * ```ts
 * checkParamNames('model', 'SimplePrecessionModel', { minfreq: 0.5 }, ['minFreq']);
 * // throws ERR_UNKNOWN_PARAM: unknown parameter 'minfreq' of model SimplePrecessionModel (known: minFreq; did you mean 'minFreq'?)
 * ```
 */
export function checkParamNames(kind: RegistryKind, name: string, params: unknown, declared: readonly string[] | undefined): void {
  if (params === undefined) return;
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new QinferArgumentError('ERR_ARGUMENT', `the params of ${kind} ${name} must be an object of named parameters, got ${Array.isArray(params) ? 'an array' : JSON.stringify(params)}`, {
      details: { kind, name },
    });
  }
  if (declared === undefined) return;
  for (const key of Object.keys(params)) {
    if (declared.includes(key)) continue;
    const meant = likelyMeant(key, declared);
    const known = declared.length === 0 ? `${name} takes no parameters` : `known: ${declared.join(', ')}`;
    throw new QinferArgumentError('ERR_UNKNOWN_PARAM', `unknown parameter '${key}' of ${kind} ${name} (${known}${meant === undefined ? '' : `; did you mean '${meant}'?`})`, {
      details: { kind, name, param: key, known: [...declared], ...(meant === undefined ? {} : { meant }) },
    });
  }
}

/**
 * Names → factories for models, distributions and heuristics: how work described by data
 * (`{ name, params }`) is rebuilt in a worker, an engine process or a performance trial
 * (models cross boundaries by name, never as code). A registry is a value, not a
 * global: create one with {@link builtInRegistry} and add user models with `registerModel`.
 * A registration may declare its parameter names (`{ params: ['minFreq'] }`): specs naming
 * other parameters are then refused with `ERR_UNKNOWN_PARAM` before the factory runs.
 *
 * @example
 * ```ts
 * import { builtInRegistry } from 'qinfer-rx';
 * const reg = builtInRegistry();
 * const model = reg.createModel({ name: 'SimplePrecessionModel', params: { minFreq: 0 } });
 * ```
 */
export class Registry {
  private readonly models = new Map<string, Entry<ModelFactory>>();
  private readonly distributions = new Map<string, Entry<DistributionFactory>>();
  private readonly heuristics = new Map<string, Entry<HeuristicFactory>>();

  /** Registers a model factory under `name` (replacing an earlier one), with its parameter names. */
  registerModel(name: string, factory: ModelFactory, options: RegistrationOptions = {}): this {
    this.models.set(name, { factory, params: options.params });
    return this;
  }

  /** Registers a distribution factory under `name`, with its parameter names. */
  registerDistribution(name: string, factory: DistributionFactory, options: RegistrationOptions = {}): this {
    this.distributions.set(name, { factory, params: options.params });
    return this;
  }

  /** Registers a heuristic factory under `name`, with its parameter names. */
  registerHeuristic(name: string, factory: HeuristicFactory, options: RegistrationOptions = {}): this {
    this.heuristics.set(name, { factory, params: options.params });
    return this;
  }

  private table(kind: RegistryKind): Map<string, Entry<unknown>> {
    return kind === 'model' ? this.models : kind === 'distribution' ? this.distributions : this.heuristics;
  }

  /**
   * The parameter names a registration declared (`undefined`: not declared, or no such name).
   *
   * @example
   * ```ts
   * builtInRegistry().paramNames('model', 'NDieModel'); // ['n', 'threshold']
   * ```
   */
  paramNames(kind: RegistryKind, name: string): readonly string[] | undefined {
    return this.table(kind).get(name)?.params;
  }

  /**
   * Checks the parameter names of a `{ name, params }` spec against the registration of that
   * name (`ERR_UNKNOWN_PARAM` for an undeclared one; nothing for an unknown name, which
   * building reports), without building anything: e.g. a heuristic spec before the updater it
   * binds to exists.
   *
   * @example
   * ```ts
   * builtInRegistry().checkParams('heuristic', { name: 'ExpSparseHeuristic', params: { scal: 2 } }); // throws ERR_UNKNOWN_PARAM
   * ```
   */
  checkParams(kind: RegistryKind, spec: { readonly name: string; readonly params?: Readonly<Record<string, unknown>> }): void {
    const entry = typeof spec?.name === 'string' ? this.table(kind).get(spec.name) : undefined;
    if (entry !== undefined) checkParamNames(kind, spec.name, spec.params, entry.params);
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
    const e = typeof spec?.name === 'string' ? this.models.get(spec.name) : undefined;
    if (e === undefined) {
      throw new QinferArgumentError('ERR_UNKNOWN_MODEL', `unknown model '${String(spec?.name)}' (known: ${[...this.models.keys()].join(', ')})`, {
        details: { name: spec?.name },
      });
    }
    checkParamNames('model', spec.name, spec.params, e.params);
    return e.factory(spec.params ?? {}, this);
  }

  /** Builds a distribution; throws `ERR_UNKNOWN_NAME` for an unknown name. */
  createDistribution(spec: DistributionSpec): Distribution {
    const e = typeof spec?.name === 'string' ? this.distributions.get(spec.name) : undefined;
    if (e === undefined) {
      throw new QinferArgumentError('ERR_UNKNOWN_NAME', `unknown distribution '${String(spec?.name)}' (known: ${[...this.distributions.keys()].join(', ')})`);
    }
    checkParamNames('distribution', spec.name, spec.params, e.params);
    return e.factory(spec.params ?? {}, this);
  }

  /** Builds a heuristic bound to `updater`; throws `ERR_UNKNOWN_NAME` for an unknown name. */
  createHeuristic(spec: HeuristicSpec, updater: Updater, rng: Rng): Heuristic {
    const e = typeof spec?.name === 'string' ? this.heuristics.get(spec.name) : undefined;
    if (e === undefined) {
      throw new QinferArgumentError('ERR_UNKNOWN_NAME', `unknown heuristic '${String(spec?.name)}' (known: ${[...this.heuristics.keys()].join(', ')})`);
    }
    checkParamNames('heuristic', spec.name, spec.params, e.params);
    return e.factory(spec.params ?? {}, updater, rng, this);
  }
}
