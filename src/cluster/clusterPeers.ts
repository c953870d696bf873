import { createRequire } from 'node:module';
import type * as BullMQ from 'bullmq';
import type * as IORedis from 'ioredis';
import { isModuleNotFound, missingPeerError } from '../errors/optionalPeer.js';

/** The optional peer dependencies of `qinfer-rx/cluster`. */
export const CLUSTER_PEERS: readonly string[] = ['bullmq', 'ioredis'];

/**
 * bullmq and ioredis are optional peers. They are loaded here, synchronously when this module is
 * evaluated, so that `import 'qinfer-rx/cluster'` without them fails at once with one clear
 * `ERR_MISSING_PEER` error naming `npm i bullmq ioredis` — a static `import … from 'bullmq'`
 * would fail earlier, while modules are linked, with Node's bare "Cannot find package".
 */
const require = createRequire(import.meta.url);

function load<T>(name: string): T {
  try {
    return require(name) as T;
  } catch (e) {
    if (isModuleNotFound(e, CLUSTER_PEERS)) throw missingPeerError('qinfer-rx/cluster', CLUSTER_PEERS, e);
    throw e;
  }
}

// Each export below is a class value and, under the same name, its instance type, as in bullmq and ioredis.
const bullmq = load<typeof BullMQ>('bullmq');
const ioredis = load<typeof IORedis>('ioredis');

export const Queue: typeof BullMQ.Queue = bullmq.Queue;
export type Queue = BullMQ.Queue;
export const QueueEvents: typeof BullMQ.QueueEvents = bullmq.QueueEvents;
export type QueueEvents = BullMQ.QueueEvents;
export const Worker: typeof BullMQ.Worker = bullmq.Worker;
export type Worker = BullMQ.Worker;
export const UnrecoverableError: typeof BullMQ.UnrecoverableError = bullmq.UnrecoverableError;
export type UnrecoverableError = BullMQ.UnrecoverableError;
export const WaitingError: typeof BullMQ.WaitingError = bullmq.WaitingError;
export type WaitingError = BullMQ.WaitingError;
export const Redis: typeof IORedis.Redis = ioredis.Redis;
export type Redis = IORedis.Redis;
