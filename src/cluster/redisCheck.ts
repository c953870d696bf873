import type { RedisOptions } from 'ioredis';
import { QinferError } from '../errors/QinferError.js';
import { Redis } from './clusterPeers.js';
import { describeRedis } from './redisOptions.js';

const AUTH = /NOAUTH|WRONGPASS|NOPERM|invalid password|invalid username-password|AUTH <password> called without any password|Client sent AUTH, but no password is set/i;

/**
 * True when a Redis error says that authentication failed or is missing (`NOAUTH`, `WRONGPASS`,
 * `NOPERM`, …): retrying cannot help — a password or an ACL must change.
 *
 * @example
 * ```ts
 * isAuthError(new Error('WRONGPASS invalid username-password pair or user is disabled.')); // true
 * ```
 */
export function isAuthError(e: unknown): boolean {
  return AUTH.test(e instanceof Error ? e.message : String(e));
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|0:0:0:0:0:0:0:1)$/i;

/**
 * The warning to print when a connection to a host other than this machine has no password or
 * no TLS (anyone on the path can read or write the queues, and every engine runs what they
 * hold); undefined for a loopback host or a connection with both.
 *
 * @example
 * ```ts
 * securityWarning({ host: '10.0.0.5', port: 6379 });
 * // 'Redis at redis://10.0.0.5:6379 is reached without a password and without TLS: …'
 * ```
 */
export function securityWarning(o: RedisOptions): string | undefined {
  const host = o.host ?? '127.0.0.1';
  if (o.path !== undefined || LOOPBACK.test(host)) return undefined;
  const missing = [o.password === undefined || o.password === '' ? 'a password' : undefined, o.tls === undefined ? 'TLS' : undefined].filter((x) => x !== undefined);
  if (missing.length === 0) return undefined;
  return (
    `Redis at ${describeRedis(o)} is reached without ${missing.join(' and without ')}: whoever can reach it can read every result and make every engine run ` +
    `their jobs; use rediss:// with an ACL user (docs/cluster.md, "Securing it")`
  );
}

/**
 * Connects to Redis once and pings it, up to `tries` times (`delayMs` × attempt between tries),
 * before an engine starts serving: an authentication error fails at once and any other error
 * after the last try, with `ERR_CLUSTER` naming the server and the reason (`details.auth` for a
 * password or ACL problem) — so that a misconfigured engine exits non-zero, and a service
 * manager sees it, instead of retrying forever.
 *
 * @example
 * ```ts
 * await checkRedis(redisOptions('redis://:wrong@10.0.0.5:6379'), 3); // throws ERR_CLUSTER: authentication failed …
 * ```
 */
export async function checkRedis(o: RedisOptions, tries: number, delayMs = 500): Promise<void> {
  let last = '';
  for (let attempt = 1; attempt <= tries; attempt++) {
    const errors: string[] = [];
    const r = new Redis({ ...o, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: o.connectTimeout ?? 5_000 });
    r.on('error', (e: Error) => errors.push(e.message));
    try {
      await r.connect();
      await r.ping();
      return;
    } catch (e) {
      last = [...errors, (e as Error).message].find(isAuthError) ?? errors[0] ?? (e as Error).message;
      if (isAuthError(last)) {
        throw new QinferError('ERR_CLUSTER', `authentication failed at ${describeRedis(o)}: ${last} (check the password or ACL user in the URL or QINFER_REDIS_URL)`, { details: { auth: true, reason: last } });
      }
    } finally {
      r.disconnect();
    }
    if (attempt < tries) await new Promise((res) => setTimeout(res, delayMs * attempt));
  }
  throw new QinferError('ERR_CLUSTER', `cannot reach Redis at ${describeRedis(o)} after ${tries} tries: ${last}`, { details: { tries, reason: last } });
}
