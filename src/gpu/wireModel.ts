import type { GpuModel } from './GpuModel.js';
import { deviceModel } from './deviceModel.js';
import type { WireGpuModel } from './hostProtocol.js';

/** FNV-1a 32-bit hash of a string, hex. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The data form of a {@link GpuModel} sent to the GPU host (its device form); `key` identifies its WGSL. */
export function wireModel(m: GpuModel): WireGpuModel {
  const d = deviceModel(m);
  return { key: `${m.name}/${fnv1a(d.wgsl)}`, ...d };
}
