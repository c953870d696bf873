/** Invocations per workgroup of every qinfer-rx kernel. */
export const WORKGROUP_SIZE = 256;

/** WebGPU's default (and usual) limit on workgroups per dispatch dimension. */
export const MAX_GROUPS_PER_DIMENSION = 65535;

/**
 * Folds `groups` workgroups into a 1-, 2- or 3-D dispatch grid `[x, y, z]` with each dimension at
 * most `maxPerDimension` (WebGPU's `maxComputeWorkgroupsPerDimension`, 65 535 by default):
 * `x · y · z ≥ groups`, the surplus workgroups exit early. Kernels recover the linear workgroup
 * index with {@link WGSL_GROUP_INDEX} `gid = wid.x + nwg.x · (wid.y + nwg.y · wid.z)`.
 *
 * @example
 * ```ts
 * dispatchGrid(1000);      // [1000, 1, 1]
 * dispatchGrid(100_000);   // [65535, 2, 1]
 * ```
 */
export function dispatchGrid(groups: number, maxPerDimension = MAX_GROUPS_PER_DIMENSION): [number, number, number] {
  if (!Number.isInteger(groups) || groups < 0) throw new RangeError(`workgroup count must be a non-negative integer, got ${groups}`);
  if (!Number.isInteger(maxPerDimension) || maxPerDimension < 1) throw new RangeError(`maxPerDimension must be a positive integer, got ${maxPerDimension}`);
  if (groups <= maxPerDimension) return [groups, 1, 1];
  const y = Math.ceil(groups / maxPerDimension);
  if (y <= maxPerDimension) return [maxPerDimension, y, 1];
  const z = Math.ceil(y / maxPerDimension);
  if (z > maxPerDimension) throw new RangeError(`${groups} workgroups exceed ${maxPerDimension}³`);
  return [maxPerDimension, maxPerDimension, z];
}

/** WGSL: the linear index of this workgroup in a grid made by {@link dispatchGrid}. */
export const WGSL_GROUP_INDEX = `fn groupIndex(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.x + nwg.x * (wid.y + nwg.y * wid.z);
}`;
