/**
 * Real Redis servers and real engine processes for the cluster tests.
 *
 * Availability: `REDIS_URL` (a shared server, e.g. from scripts/start-redis.sh in CI: tests use
 * their own key prefixes and delete their keys afterwards) and/or a `redis-server` binary on
 * PATH (tests that kill or restart Redis start private servers on 127.0.0.1, on free
 * non-default ports, daemonized with a pidfile and no persistence). With neither, cluster tests
 * skip with a visible reason, unless `QINFER_REQUIRE_REDIS=1`, which turns the absence into a
 * failure (CI).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { TrialResult } from '../../src/perf/TrialSpec.js';

/** The repository root (engines run from there). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Whether cluster tests can run here, and why not. */
export interface RedisAvailability {
  /** A binary to start private servers with. */
  readonly binary: string | undefined;
  /** A shared server to use when there is no binary. */
  readonly url: string | undefined;
  readonly ok: boolean;
  readonly reason: string;
  /** True when absence must fail (QINFER_REQUIRE_REDIS=1). */
  readonly required: boolean;
}

/** Looks for `redis-server` on PATH and `REDIS_URL`. */
export function redisAvailability(): RedisAvailability {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const binary = found.status === 0 && found.stdout.trim() !== '' ? found.stdout.trim() : undefined;
  const url = process.env['REDIS_URL'] || undefined;
  const ok = binary !== undefined || url !== undefined;
  const reason = ok ? '' : 'no redis-server on PATH and no REDIS_URL (apt-get install redis-server, or bash scripts/start-redis.sh)';
  return { binary, url, ok, reason, required: process.env['QINFER_REQUIRE_REDIS'] === '1' };
}

/** A Redis server started by a test. */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** True when this process started it (so it may be killed and restarted). */
  readonly owned: boolean;
  /** Kills it at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence). */
  restart(): Promise<void>;
  /** Stops it (or, for a shared server, deletes nothing and does nothing). */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function ping(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 500 });
    r.on('error', () => {});
    try {
      await r.connect();
      await r.ping();
      r.disconnect();
      return;
    } catch (e) {
      r.disconnect();
      if (Date.now() > deadline) throw new Error(`Redis at ${url} did not answer within ${timeoutMs} ms: ${(e as Error).message}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/**
 * A Redis for a test suite: the shared `REDIS_URL` server unless `own` is asked for or there is
 * none; else a private one (`--daemonize yes --pidfile …`, no persistence, 127.0.0.1, a free
 * port) started from the binary — with `--requirepass password` when one is given (its `url`
 * then has no password: tests add the right or a wrong one).
 */
export async function startTestRedis(own = false, av: RedisAvailability = redisAvailability(), password?: string): Promise<TestRedis> {
  if ((av.url !== undefined && !own) || av.binary === undefined) {
    if (av.url === undefined) throw new Error(av.reason);
    const url = av.url;
    await ping(url, 5_000);
    const port = Number(new URL(url).port || 6379);
    const no = async (): Promise<void> => {
      throw new Error('a shared REDIS_URL server cannot be killed or restarted by tests');
    };
    return { url, port, owned: false, kill: no, restart: no, stop: () => deletePrefixes(url) };
  }
  const binary = av.binary;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'qinfer-redis-'));
  const pidfile = join(dir, 'redis.pid');
  const url = `redis://127.0.0.1:${port}`;
  const start = async (): Promise<void> => {
    const r = spawnSync(binary, [
      '--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'yes', '--pidfile', pidfile,
      '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', join(dir, 'redis.log'),
      ...(password === undefined ? [] : ['--requirepass', password]),
    ], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`redis-server failed: ${r.stderr || r.stdout}`);
    await ping(password === undefined ? url : `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`, 10_000);
  };
  const pid = (): number | undefined => {
    try {
      return Number(readFileSync(pidfile, 'utf8').trim()) || undefined;
    } catch {
      return undefined;
    }
  };
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    const p = pid();
    if (p === undefined || !pidAlive(p)) return;
    process.kill(p, sig);
    await waitGone(p, 5_000);
    if (existsSync(pidfile) && sig === 'SIGKILL') rmSync(pidfile, { force: true });
  };
  await start();
  return {
    url,
    port,
    owned: true,
    kill: () => signal('SIGKILL'),
    restart: start,
    stop: async () => {
      await signal('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const prefixes = new Set<string>();

/** A unique queue prefix, so that tests sharing one Redis never see each other's jobs. */
export function testPrefix(name: string): string {
  const p = `qtest-${name}-${randomUUID().slice(0, 8)}`;
  prefixes.add(p);
  return p;
}

/** Deletes every key under the prefixes made by {@link testPrefix} (on a shared server). */
async function deletePrefixes(url: string): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    for (const p of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', `${p}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await r.del(...keys);
      } while (cursor !== '0');
    }
    prefixes.clear();
  } finally {
    r.disconnect();
  }
}

/**
 * One engine event as printed by `--log json`, with `t`: the engine's own clock when it emitted
 * it (`at`, ms; one machine, so comparable across engines and causally ordered: an engine's
 * `done` precedes the next engine's `start` of a job that waited for it).
 */
export type EngineLine = { event: string; t: number; [k: string]: unknown };

/**
 * The most jobs running at once across `engines`, from their start / done / failed events
 * after the given event counts, by the engines' clocks (ties count the end first).
 */
export function maxRunning(engines: readonly EngineProcess[], from: readonly number[] = []): number {
  const marks: Array<[number, number]> = [];
  engines.forEach((e, k) => {
    for (const x of e.events.slice(from[k] ?? 0)) {
      if (x.event === 'start') marks.push([x.t, +1]);
      else if (x.event === 'done' || x.event === 'failed' || x.event === 'handed-back') marks.push([x.t, -1]);
    }
  });
  marks.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0, max = 0;
  for (const [, d] of marks) max = Math.max(max, (now += d));
  return max;
}

/** An engine process started by a test. */
export interface EngineProcess {
  readonly child: ChildProcess;
  readonly events: EngineLine[];
  /** Resolves with the first event (already seen or future) matching `pred`. */
  waitFor(pred: (e: EngineLine) => boolean, timeoutMs?: number): Promise<EngineLine>;
  /** Calls `f` after every event read from now on; returns the unsubscribe function. */
  onEvent(f: () => void): () => void;
  /** Resolves with the exit code (or signal name) once the process ended and all its output was read. */
  readonly exited: Promise<number | string>;
  readonly stderr: () => string;
}

const started = new Set<EngineProcess>();

/**
 * Spawns `node bin/qinfer-rx.js engine --redis URL --log json …` — the command as a user runs it:
 * in a checkout without `dist/` the bin registers tsx in its main thread only, so the engine's
 * worker threads must find their TypeScript entry by themselves — and waits for its `ready`
 * event.
 */
export async function spawnEngine(url: string, args: readonly string[] = [], readyTimeoutMs = 30_000): Promise<EngineProcess> {
  const child = spawn(process.execPath, ['bin/qinfer-rx.js', 'engine', '--redis', url, '--log', 'json', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, QINFER_REDIS_URL: '' },
  });
  const events: EngineLine[] = [];
  const waiters: Array<{ pred: (e: EngineLine) => boolean; resolve: (e: EngineLine) => void }> = [];
  const listeners = new Set<() => void>();
  let err = '';
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      let e: EngineLine;
      try {
        const parsed = JSON.parse(line) as { event: string; at?: unknown };
        e = { ...parsed, t: typeof parsed.at === 'number' ? parsed.at : Date.now() };
      } catch {
        continue;
      }
      events.push(e);
      for (const w of [...waiters]) if (w.pred(e)) waiters.splice(waiters.indexOf(w), 1), w.resolve(e);
      for (const f of [...listeners]) f();
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  // 'close', not 'exit': it comes after stdout was read to its end, so every event is in `events`.
  const exited = new Promise<number | string>((res) => child.once('close', (code, sig) => res(code ?? sig ?? 'unknown')));
  const proc: EngineProcess = {
    child,
    events,
    exited,
    stderr: () => err,
    onEvent(f) {
      listeners.add(f);
      return () => listeners.delete(f);
    },
    waitFor(pred, timeoutMs = 30_000) {
      const seen = events.find(pred);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`engine event not seen within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`)), timeoutMs);
        waiters.push({ pred, resolve: (e) => (clearTimeout(t), resolve(e)) });
        void exited.then((c) => {
          clearTimeout(t);
          reject(new Error(`engine exited (${c}) before the event; stderr: ${err.slice(-2000)}`));
        });
      });
    },
  };
  started.add(proc);
  void exited.then(() => started.delete(proc));
  await proc.waitFor((e) => e.event === 'ready', readyTimeoutMs);
  return proc;
}

/**
 * Waits until `holds()` is true, checking now and after every event any of `engines` prints, for
 * at most `timeoutMs`; then resolves either way, so that the test's own assertion reports what
 * was seen. An engine prints a job's events before the job's result reaches Redis, but they
 * travel through a pipe: a client can hold a result before this process has read its `done`.
 */
export async function eventsUntil(engines: readonly EngineProcess[], holds: () => boolean, timeoutMs = 15_000): Promise<void> {
  if (holds()) return;
  await new Promise<void>((resolve) => {
    const offs: Array<() => void> = [];
    const finish = (): void => {
      clearTimeout(timer);
      offs.forEach((off) => off());
      resolve();
    };
    const timer = setTimeout(finish, timeoutMs);
    for (const e of engines) offs.push(e.onEvent(() => holds() && finish()));
  });
}

/** SIGKILLs every engine a test started that is still running (for afterAll). */
export async function killAllEngines(): Promise<void> {
  const all = [...started];
  for (const p of all) p.child.kill('SIGKILL');
  await Promise.all(all.map((p) => p.exited));
}

/**
 * `describe` that runs when Redis is available, skips with the reason in its name (and a
 * warning) when not, and fails when `QINFER_REQUIRE_REDIS=1`. `ownServer`: the suite kills or
 * restarts Redis, so it needs a `redis-server` binary, not just `REDIS_URL`.
 */
export function describeWithRedis(name: string, fn: () => void, ownServer = false): void {
  const av = redisAvailability();
  const ok = ownServer ? av.binary !== undefined : av.ok;
  const reason = ok ? '' : ownServer && av.ok ? 'needs a redis-server binary (it kills and restarts Redis)' : av.reason;
  if (ok) describe(name, fn);
  else if (av.required) {
    describe(name, () => {
      it('Redis is required here (QINFER_REQUIRE_REDIS=1)', () => {
        throw new Error(`Redis unavailable: ${reason}`);
      });
    });
  } else {
    console.warn(`[qinfer-rx] ${name}: skipped: ${reason}`);
    describe.skip(`${name} (skipped: ${reason})`, fn);
  }
}

/** Asserts that two trial results hold the same records (elapsed times aside). */
export function expectSameRecords(a: TrialResult, b: TrialResult): void {
  expect(a.index).toBe(b.index);
  expect(a.seed).toBe(b.seed);
  for (const k of ['loss', 'resampleCount', 'outcome', 'trueParams', 'estParams'] as const) expect(Array.from(a[k]), `${k} of trial ${a.index}`).toEqual(Array.from(b[k]));
  for (const [name, col] of Object.entries(b.experiments.columns)) expect(Array.from(a.experiments.columns[name] ?? []), `experiments.${name}`).toEqual(Array.from(col));
}
