import { clusterBackend, type ClusterBackendOptions } from '../../cluster/clusterBackend.js';
import { QinferArgumentError } from '../../errors/QinferError.js';
import { checkBackendOptions, MAX_TIMEOUT_MS } from './backendOptions.js';
import type { CliBackendFactory } from './CliBackend.js';

/**
 * `qinfer-rx perf --backend cluster --backend-opt redis=redis://HOST:PORT` (the command also
 * accepts `--backend redis://HOST:PORT`): each trial is one job run by whichever engine
 * (`qinfer-rx engine`) is free. Options: `redis` (URL; default `$QINFER_REDIS_URL`), `prefix`,
 * `maxOutstanding` (an integer in [1, 1 000 000]), `redisTimeout`, `engineTimeout` and
 * `clientTtl` (integer ms in [1, 2³¹ − 1]; see `clusterBackend`). Trials in flight default to twice the engine threads alive at the start,
 * so that a queued job is ready whenever a thread frees.
 *
 * @example
 * ```sh
 * QINFER_REDIS_URL=redis://10.0.0.5:6379 qinfer-rx perf --backend cluster --trials 1000
 * ```
 */
export const clusterCliBackend: CliBackendFactory = async ({ options, concurrency, log, modules }) => {
  const o = checkBackendOptions('cluster', options, {
    redis: { kind: 'string', what: 'a redis:// or rediss:// URL' },
    prefix: { kind: 'string' },
    maxOutstanding: { kind: 'integer', min: 1, max: 1_000_000 },
    redisTimeout: { kind: 'integer', min: 1, max: MAX_TIMEOUT_MS, what: `an integer number of ms in [1, ${MAX_TIMEOUT_MS}]` },
    engineTimeout: { kind: 'integer', min: 1, max: MAX_TIMEOUT_MS, what: `an integer number of ms in [1, ${MAX_TIMEOUT_MS}]` },
    clientTtl: { kind: 'integer', min: 1, max: MAX_TIMEOUT_MS, what: `an integer number of ms in [1, ${MAX_TIMEOUT_MS}]` },
  });
  const url = o.redis ?? process.env['QINFER_REDIS_URL'];
  if (url === undefined || url === '') {
    throw new QinferArgumentError('ERR_ARGUMENT', 'the cluster backend needs --backend-opt redis=redis://HOST:PORT (or QINFER_REDIS_URL)');
  }
  const c: ClusterBackendOptions = { connection: url, onWarning: (m) => log(`warning: ${m}`) };
  if (o.prefix !== undefined) c.queuePrefix = o.prefix;
  if (o.maxOutstanding !== undefined) c.maxOutstanding = o.maxOutstanding;
  if (o.redisTimeout !== undefined) c.redisTimeout = o.redisTimeout;
  if (o.engineTimeout !== undefined) c.engineTimeout = o.engineTimeout;
  if (o.clientTtl !== undefined) c.clientTtl = o.clientTtl;
  const cluster = clusterBackend(c);
  let threads = 0;
  try {
    threads = (await cluster.engines()).filter((e) => e.serve.includes('trials')).reduce((a, e) => a + e.concurrency, 0);
  } catch (e) {
    await cluster.close();
    throw e;
  }
  if (threads === 0) log(`no engine is serving trials on ${cluster.name} yet; jobs wait for one (start: qinfer-rx engine --redis URL)`);
  // Code never travels in a job: the engines must have been started with the user's modules.
  if (modules !== undefined && modules.length > 0) log(`--models: engines run only models they loaded themselves (qinfer-rx engine --models …); a model they lack fails with ERR_UNKNOWN_MODEL`);
  return {
    remote: true,
    apply: cluster.trialApply(),
    concurrency: concurrency ?? Math.max(2, 2 * threads),
    description: `${cluster.name}: ${threads} engine thread(s) now`,
    close: () => cluster.close(),
  };
};
