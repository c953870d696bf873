import type { Model, ModelSpec } from '../models/Model.js';
import type { Registry } from '../registry/Registry.js';

/**
 * The models a worker has built, by spec: tasks and jobs name their model as `{ name, params }`,
 * and a worker rebuilds it from its registry once, then reuses it (likelihood kernels are pure).
 * At most `capacity` are kept; the oldest goes first.
 *
 * @example
 * ```ts
 * const cache = new ModelCache(registry);
 * cache.get({ name: 'SimplePrecessionModel' }) === cache.get({ name: 'SimplePrecessionModel' }); // true
 * ```
 */
export class ModelCache {
  readonly capacity: number;
  private readonly registry: Registry;
  private readonly models = new Map<string, Model>();

  constructor(registry: Registry, capacity = 64) {
    this.registry = registry;
    this.capacity = capacity;
  }

  /** The model of `spec`, built by the registry on first use (its errors propagate). */
  get(spec: ModelSpec): Model {
    const key = JSON.stringify([spec.name, spec.params ?? {}]);
    let m = this.models.get(key);
    if (m === undefined) {
      m = this.registry.createModel(spec);
      if (this.models.size >= this.capacity) this.models.delete(this.models.keys().next().value as string);
      this.models.set(key, m);
    }
    return m;
  }
}
