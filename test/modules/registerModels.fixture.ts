/** A model module exporting `registerModels(registry)` (the engine's historical convention). */
import { SimplePrecessionModel } from '../../src/models/SimplePrecessionModel.js';
import type { Registry } from '../../src/registry/Registry.js';

export class ViaRegisterModels extends SimplePrecessionModel {
  override readonly name: string = 'ViaRegisterModels';
}

export function registerModels(registry: Registry): void {
  registry.registerModel('ViaRegisterModels', () => new ViaRegisterModels());
}
