/** A model module whose default export registers its model (and is async). */
import { SimplePrecessionModel } from '../../src/models/SimplePrecessionModel.js';
import type { Registry } from '../../src/registry/Registry.js';

export class ViaDefault extends SimplePrecessionModel {
  override readonly name: string = 'ViaDefault';
}

export default async function (registry: Registry): Promise<void> {
  await Promise.resolve();
  registry.registerModel('ViaDefault', () => new ViaDefault());
}
