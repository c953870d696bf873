/**
 * Shared gate of the GPU test files: probes for a WebGPU adapter once per file. Without one the
 * suites skip with the reason in their title and a warning on stderr — unless
 * `QINFER_REQUIRE_GPU=1` (CI), in which case they run and fail.
 */
import { probeGpu } from '../src/gpu/index.js';

const probe = await probeGpu();
const required = process.env.QINFER_REQUIRE_GPU === '1';

/** True when the GPU suites should run (an adapter, or QINFER_REQUIRE_GPU=1). */
export const RUN_GPU = probe.available || required;
/** The adapter's name, or why there is none. */
export const GPU_PROBE = probe;
/** A suffix for suite titles: `on <adapter>` or `SKIPPED: no WebGPU adapter (…)`. */
export const WHERE = probe.available
  ? `on ${probe.info.name}`
  : `${required ? 'FAILING (QINFER_REQUIRE_GPU=1)' : 'SKIPPED'}: no WebGPU adapter (${probe.reason.slice(0, 90)}…); see docs/gpu.md`;
if (!RUN_GPU) console.warn(`GPU tests ${WHERE}`);
