/**
 * `qinfer-rx/pool`: the likelihood and whole trials on local worker threads (piscina), with
 * particles and results in shared memory. Node only — kept out of the core barrel so that the
 * core bundles for a browser without Node polyfills (a browser uses `webWorkerBackend` from
 * the core instead).
 *
 * @module qinfer-rx/pool
 */
export { createPool } from './createPool.js';
export type { PoolOptions } from './createPool.js';
export { Pool } from './Pool.js';
export type { PoolConfig, PoolStats, TrialBatchOutcome } from './Pool.js';
export { ParallelizedModel } from './ParallelizedModel.js';
export type { ParallelizedModelOptions, ParallelCallOptions, ParallelSimulateOptions } from './ParallelizedModel.js';
export { poolBackend, POOL_SERIAL_THRESHOLD } from './poolBackend.js';
export type { PoolBackendOptions } from './poolBackend.js';
export { poolTrialApply } from './poolTrialApply.js';
export type { PoolTrialApplyOptions } from './poolTrialApply.js';
export { batchedTrialApply } from './trialBatcher.js';
export { likelihoodOnView, checkSerialThreshold } from './likelihoodOnView.js';
export type { LikelihoodOnViewOptions } from './likelihoodOnView.js';
export { arraySplit } from './arraySplit.js';
export { SharedBufferPool, isShared, sharedFloat64 } from './SharedBufferPool.js';
export type { ProbeInfo, JobService } from '../boundary/threadProtocol.js';
