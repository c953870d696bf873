/**
 * qinfer-rx/cluster: engines on other machines through BullMQ on Redis (QInfer's ipyparallel
 * engines). A separate subpath so that importing the core never loads ioredis or bullmq.
 *
 * @module qinfer-rx/cluster
 */

// --- client ---
export { clusterBackend } from './clusterBackend.js';
export type { ClusterBackend, ClusterBackendOptions } from './clusterBackend.js';
export { ClusterConnection } from './ClusterConnection.js';
export type { ClusterConnectionOptions, SubmitOptions } from './ClusterConnection.js';

// --- engine (the `qinfer-rx engine` command is in qinfer-rx/cli) ---
export { startEngine } from './startEngine.js';
export type { Engine, EngineEvent, EngineOptions } from './startEngine.js';
export { loadModelModules, resolveModelModules } from '../boundary/modelModules.js';
export type { RegisterModels } from '../boundary/modelModules.js';

// --- wire format, keys, connection ---
export { DEFAULT_QUEUE_PREFIX, TRIAL_QUEUE, LIKELIHOOD_QUEUE, engineKey, engineKeyPattern } from './clusterKeys.js';
export type { EngineAnnouncement, EngineService } from './clusterKeys.js';
export { redisOptions, describeRedis } from './redisOptions.js';
export type { RedisConnectionLike } from './redisOptions.js';
export { toBase64, float64FromBase64, int32FromBase64 } from '../boundary/binaryCodec.js';
export type { WireArray } from '../boundary/binaryCodec.js';
export { encodeExpParams, decodeExpParams } from '../boundary/expParamsWire.js';
export type { WireExpParams } from '../boundary/expParamsWire.js';
export { WIRE_VERSION, MAX_TRIAL_PAYLOAD_BYTES, encodeTrialJob, parseTrialJob, encodeTrialResult, decodeTrialResult } from '../boundary/trialWire.js';
export type { TrialJobData, WireTrialResult } from '../boundary/trialWire.js';
export { encodeSharedChunkParts, encodeChunkJob, parseChunkJob, runChunkJob, decodeChunkResult, chunkResultLength } from '../boundary/chunkWire.js';
export type { ChunkJobData, ParsedChunkJob, SharedChunkParts } from '../boundary/chunkWire.js';
export { ModelCache } from '../boundary/ModelCache.js';
export { formatEngineError, parseEngineError, wireToEngineReason, engineReasonToWire } from './engineError.js';
export { toWireError, fromWireError } from '../boundary/wireError.js';
export type { WireError } from '../boundary/wireError.js';
export { jsonSize, checkPayloadSize, isPlainObject, payloadError } from '../boundary/payloadGuards.js';
export type { WireNamedSpec } from '../boundary/payloadGuards.js';
