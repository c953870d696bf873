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

// --- engine ---
export { startEngine } from './startEngine.js';
export type { Engine, EngineEvent, EngineOptions } from './startEngine.js';
export { runEngineCli, parseEngineArgs, ENGINE_USAGE } from './runEngineCli.js';
export type { EngineCliIo } from './runEngineCli.js';
export { engineCliCommand } from './engineCliCommand.js';
export { clusterCliBackend } from './clusterCliBackend.js';
export { loadModelModules, resolveModelModules } from './loadModelModules.js';
export type { RegisterModels } from './loadModelModules.js';

// --- wire format, keys, connection ---
export { DEFAULT_QUEUE_PREFIX, TRIAL_QUEUE, LIKELIHOOD_QUEUE, engineKey, engineKeyPattern } from './clusterKeys.js';
export type { EngineAnnouncement, EngineService } from './clusterKeys.js';
export { redisOptions, describeRedis } from './redisOptions.js';
export type { RedisConnectionLike } from './redisOptions.js';
export { toBase64, float64FromBase64, int32FromBase64 } from './binaryCodec.js';
export type { WireArray } from './binaryCodec.js';
export { encodeExpParams, decodeExpParams } from './expParamsWire.js';
export type { WireExpParams } from './expParamsWire.js';
export { WIRE_VERSION, MAX_TRIAL_PAYLOAD_BYTES, encodeTrialJob, parseTrialJob, encodeTrialResult, decodeTrialResult } from './trialWire.js';
export type { TrialJobData, WireTrialResult } from './trialWire.js';
export { encodeSharedChunkParts, encodeChunkJob, parseChunkJob, runChunkJob, decodeChunkResult, chunkResultLength } from './chunkWire.js';
export type { ChunkJobData, ParsedChunkJob, SharedChunkParts } from './chunkWire.js';
export { formatEngineError, parseEngineError } from './engineError.js';
export { jsonSize, checkPayloadSize, isPlainObject, payloadError } from './payloadGuards.js';
export type { WireNamedSpec } from './payloadGuards.js';
