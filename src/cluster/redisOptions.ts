import type { RedisOptions } from 'ioredis';
import { QinferArgumentError } from '../errors/QinferError.js';

/** Where Redis is: a `redis://` / `rediss://` URL or ioredis options (host, port, password, tls, …). */
export type RedisConnectionLike = string | RedisOptions;

/**
 * ioredis options from a URL `redis[s]://[user[:password]@]host[:port][/db]` (`rediss` turns TLS
 * on) or from options given as they are. Throws `ERR_ARGUMENT` for anything else.
 *
 * @example
 * ```ts
 * import { redisOptions } from 'qinfer-rx/cluster';
 * redisOptions('rediss://engine:s3cret@redis.lab:6380/2');
 * // { host: 'redis.lab', port: 6380, username: 'engine', password: 's3cret', db: 2, tls: {} }
 * ```
 */
export function redisOptions(c: RedisConnectionLike): RedisOptions {
  if (typeof c !== 'string') {
    if (c === null || typeof c !== 'object') throw new QinferArgumentError('ERR_ARGUMENT', 'connection must be a redis:// URL or ioredis options');
    return { ...c };
  }
  let u: URL;
  try {
    u = new URL(c);
  } catch {
    throw new QinferArgumentError('ERR_ARGUMENT', `not a Redis URL: '${c.replace(/\/\/[^@]*@/, '//***@')}'`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new QinferArgumentError('ERR_ARGUMENT', `a Redis URL starts with redis:// or rediss:// (got '${u.protocol}')`);
  }
  const o: RedisOptions = { host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: u.port === '' ? 6379 : Number(u.port) };
  if (u.username !== '') o.username = decodeURIComponent(u.username);
  if (u.password !== '') o.password = decodeURIComponent(u.password);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '') {
    const n = Number(db);
    if (!Number.isInteger(n) || n < 0) throw new QinferArgumentError('ERR_ARGUMENT', `bad Redis database '${db}' in URL`);
    o.db = n;
  }
  if (u.protocol === 'rediss:') o.tls = {};
  return o;
}

/** `host:port` of a connection, for messages (never the password). */
export function describeRedis(o: RedisOptions): string {
  return `${o.tls ? 'rediss' : 'redis'}://${o.host ?? '127.0.0.1'}:${o.port ?? 6379}`;
}
