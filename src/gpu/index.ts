/**
 * qinfer-rx/gpu: WebGPU likelihoods and the GPU-resident SMC update (Dawn through npm `webgpu`,
 * run in a child process). A separate subpath so that importing the core never loads Dawn.
 * See the GPU guide (docs/gpu.md in the package) for getting an adapter on a machine without a GPU (lavapipe) and tolerances.
 *
 * @module qinfer-rx/gpu
 */
export { gpuBackend } from './gpuBackend.js';
export type { GpuBackend, GpuBackendOptions } from './gpuBackend.js';
export { GpuUpdater } from './GpuUpdater.js';
export type { GpuUpdaterOptions, GpuUpdateResult } from './GpuUpdater.js';
// autoBackend lives with the backends (it knows none of them); re-exported here for the GPU's users.
export { autoBackend, formatAutoTable } from '../backends/autoBackend.js';
export type { AutoBackend, AutoBackendOptions, AutoTable } from '../backends/autoBackend.js';
export { GpuHost } from './GpuHost.js';
export type { GpuHostOptions, HostCallOptions, HostResult } from './GpuHost.js';
export { probeGpu } from './probeGpu.js';
export type { GpuProbe } from './probeGpu.js';
export { GpuUnavailableError, GPU_ADAPTER_HELP, GPU_DOCS_URL } from './GpuUnavailableError.js';
export type { GpuAdapterInfo } from './GpuAdapterInfo.js';
export type { GpuModel, GpuModelFactory, GpuOffsetForm } from './GpuModel.js';
export { deviceModel } from './deviceModel.js';
export type { DeviceModel } from './deviceModel.js';
export { wgslF32 } from './GpuModel.js';
export { BUILTIN_GPU_MODELS, gpuModelFor } from './builtinGpuModels.js';
export { dispatchGrid, WORKGROUP_SIZE, MAX_GROUPS_PER_DIMENSION, WGSL_GROUP_INDEX } from './dispatchGrid.js';
export { likelihoodShader } from './likelihoodShader.js';
export type { GpuFaultKind } from './hostProtocol.js';
export { gpuBatchApply } from './batch/gpuBatchApply.js';
export type { GpuBatchApply, GpuBatchOptions } from './batch/gpuBatchApply.js';
export { batchPlan } from './batch/batchPlan.js';
export { batchCapacity } from './batch/batchLayout.js';
export type { BatchPlan } from './batch/batchPlan.js';
export type { BatchHeuristicKind } from './batch/batchPlan.js';
