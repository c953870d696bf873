import type { Registry } from '../registry/Registry.js';
import { SimplePrecessionModel } from './SimplePrecessionModel.js';

/** Registers every built-in model under its class name. */
export function registerBuiltinModels(reg: Registry): Registry {
  reg.registerModel('SimplePrecessionModel', (p) => new SimplePrecessionModel({ minFreq: p['minFreq'] as number | undefined }));
  return reg;
}
