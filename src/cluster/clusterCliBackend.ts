import type { CliBackendFactory } from '../cli/cliBackends.js';
import { QinferArgumentError } from '../errors/QinferError.js';
import { clusterBackend } from './clusterBackend.js';

const KNOWN = new Set(['redis', 'prefix', 'maxOutstanding', 'redisTimeout', 'engineTimeout']);

function positiveOption(options: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const v = options[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !(v > 0)) throw new QinferArgumentError('ERR_ARGUMENT', `cluster option ${key} must be a positive number, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * `qinfer-rx perf --backend cluster --backend-opt redis=redis://HOST:PORT` (the command also
 * accepts `--backend redis://HOST:PORT`): each trial is one job run by whichever engine
 * (`qinfer-rx engine`) is free. Options: `redis` (URL; default `$QINFER_REDIS_URL`), `prefix`,
 * `maxOutstanding`, `redisTimeout`, `engineTimeout` (ms). Trials in flight default to twice the
 * engine threads alive at the start, so that a queued job is ready whenever a thread frees.
 *
 * @example
 * ```sh
 * QINFER_REDIS_URL=redis://10.0.0.5:6379 qinfer-rx perf --backend cluster --trials 1000
 * ```
 */
export const clusterCliBackend: CliBackendFactory = async ({ options, concurrency, log }) => {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new QinferArgumentError('ERR_ARGUMENT', `unknown cluster option '${key}' (known: ${[...KNOWN].join(', ')})`);
  }
  const url = options['redis'] ?? process.env['QINFER_REDIS_URL'];
  if (typeof url !== 'string' || url === '') {
    throw new QinferArgumentError('ERR_ARGUMENT', 'the cluster backend needs --backend-opt redis=redis://HOST:PORT (or QINFER_REDIS_URL)');
  }
  const prefix = options['prefix'];
  if (prefix !== undefined && typeof prefix !== 'string') throw new QinferArgumentError('ERR_ARGUMENT', 'cluster option prefix must be a string');
  const o: Parameters<typeof clusterBackend>[0] = { connection: url };
  if (prefix !== undefined) o.queuePrefix = prefix;
  for (const k of ['maxOutstanding', 'redisTimeout', 'engineTimeout'] as const) {
    const v = positiveOption(options, k);
    if (v !== undefined) o[k] = v;
  }
  const cluster = clusterBackend(o);
  let threads = 0;
  try {
    threads = (await cluster.engines()).filter((e) => e.serve.includes('trials')).reduce((a, e) => a + e.concurrency, 0);
  } catch (e) {
    await cluster.close();
    throw e;
  }
  if (threads === 0) log(`no engine is serving trials on ${cluster.name} yet; jobs wait for one (start: qinfer-rx engine --redis URL)`);
  return {
    apply: cluster.trialApply(),
    concurrency: concurrency ?? Math.max(2, 2 * threads),
    description: `${cluster.name}: ${threads} engine thread(s) now`,
    close: () => cluster.close(),
  };
};
