/** A model module exporting `register(registry)` (the pool's historical convention). */
import { SimplePrecessionModel } from '../../src/models/SimplePrecessionModel.js';
import type { Registry } from '../../src/registry/Registry.js';

export class ViaRegister extends SimplePrecessionModel {
  override readonly name: string = 'ViaRegister';
}

export function register(registry: Registry): void {
  registry.registerModel('ViaRegister', () => new ViaRegister());
}
