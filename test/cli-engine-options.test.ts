/**
 * Backends below the CLI: one `--backend-opt` checker (known keys, integers with ranges, refused
 * rather than floored) used by every backend, checked through the real command; and
 * `qinfer-rx engine` as a commander sub-command like `perf` and `estimate`.
 */
import { describe, expect, it } from 'vitest';
import { checkBackendOptions, MAX_TIMEOUT_MS } from '../src/cli/backends/backendOptions.js';
import type { CliIo } from '../src/cli/CliIo.js';
import { parseEngineArgs } from '../src/cli/engineCommand.js';
import { EXIT, runCli } from '../src/cli/runCli.js';
import { clusterBackend } from '../src/cluster/clusterBackend.js';
import { QinferArgumentError } from '../src/errors/QinferError.js';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } };
  const code = await runCli(argv, io);
  return { code, out, err };
}

const quiet = ['-t', '1', '-e', '2', '-p', '20', '--no-out', '--no-plot', '--progress', 'none'];

describe('checkBackendOptions: the one --backend-opt checker', () => {
  const spec = { engines: { kind: 'integer', min: 1, max: 8 }, redis: { kind: 'string' }, modules: { kind: 'paths' } } as const;

  it('returns the checked values', () => {
    expect(checkBackendOptions('x', { engines: 3, redis: 'redis://h', modules: './m.ts' }, spec)).toEqual({ engines: 3, redis: 'redis://h', modules: ['./m.ts'] });
    expect(checkBackendOptions('x', { modules: ['a.ts', 'b.ts'] }, spec)).toEqual({ modules: ['a.ts', 'b.ts'] });
    expect(checkBackendOptions('x', {}, spec)).toEqual({});
  });

  it('refuses unknown keys (listing the known ones), fractions, values out of range and wrong types', () => {
    const refuse = (o: Record<string, unknown>, message: RegExp): void => {
      let err: unknown;
      try {
        checkBackendOptions('x', o, spec);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(QinferArgumentError);
      expect((err as QinferArgumentError).code).toBe('ERR_ARGUMENT');
      expect((err as Error).message).toMatch(message);
    };
    refuse({ colour: 'blue' }, /unknown x option 'colour' \(known: engines, redis, modules\)/);
    refuse({ engines: 0.5 }, /x option engines must be an integer in \[1, 8\], got 0\.5/);
    refuse({ engines: 0 }, /engines must be an integer in \[1, 8\], got 0/);
    refuse({ engines: 9 }, /got 9/);
    refuse({ engines: '4' }, /got "4"/);
    refuse({ redis: 5 }, /redis must be a non-empty string/);
    refuse({ modules: [3] }, /modules must be a path or a JSON array of paths/);
    expect(() => checkBackendOptions('gpu', { k: 1 }, {})).toThrow(/unknown gpu option 'k' \(known: none\)/);
  });
});

describe('qinfer-rx perf --backend-opt through the real command (exit 2 before anything starts)', () => {
  const cases: [string[], RegExp][] = [
    [['--backend', 'cluster', '--backend-opt', 'redis=redis://127.0.0.1:1', '--backend-opt', 'maxOutstanding=0.5'], /cluster option maxOutstanding must be an integer in \[1, 1000000\], got 0\.5/],
    [['--backend', 'redis://127.0.0.1:1', '--backend-opt', 'maxOutstanding=0'], /maxOutstanding must be an integer/],
    [['--backend', 'redis://127.0.0.1:1', '--backend-opt', 'engineTimeout=1e12'], new RegExp(`engineTimeout must be an integer number of ms in \\[1, ${MAX_TIMEOUT_MS}\\]`)],
    [['--backend', 'redis://127.0.0.1:1', '--backend-opt', 'redisTimeout=2.5'], /redisTimeout must be/],
    [['--backend', 'pool', '--backend-opt', 'engines=1.5'], /pool option engines must be an integer in \[1, 1024\], got 1\.5/],
    [['--backend', 'pool', '--backend-opt', 'engines=100000'], /pool option engines must be an integer in \[1, 1024\]/],
    [['--backend', 'pool', '--backend-opt', 'threads=2'], /unknown pool option 'threads' \(known: engines, batch, modules\)/],
    [['--backend', 'auto', '--backend-opt', 'engines=-1'], /auto option engines must be an integer/],
    [['--backend', 'serial', '--backend-opt', 'engines=2'], /unknown serial option 'engines' \(known: none\)/],
  ];
  for (const [args, message] of cases) {
    it(args.join(' '), async () => {
      const r = await cli(['perf', ...quiet, ...args]);
      expect(r.code).toBe(EXIT.usage);
      expect(r.err).toMatch(message);
    });
  }

  it('the cluster client refuses the same values at its root (no floor to 0, no timer overflow)', () => {
    expect(() => clusterBackend({ connection: 'redis://127.0.0.1:1', maxOutstanding: 0.5 })).toThrow(/maxOutstanding must be an integer >= 1/);
    expect(() => clusterBackend({ connection: 'redis://127.0.0.1:1', engineTimeout: 2 ** 31 })).toThrow(QinferArgumentError);
  });
});

describe('qinfer-rx engine: a commander sub-command', () => {
  it('is listed by qinfer-rx --help and has its own --help from commander', async () => {
    const root = await cli(['--help']);
    expect(root.code).toBe(EXIT.ok);
    expect(root.out).toMatch(/engine \[options\]\s+serve trials and likelihood chunks from Redis/);
    const help = await cli(['engine', '--help']);
    expect(help.code).toBe(EXIT.ok);
    expect(help.out).toMatch(/^Usage: qinfer-rx engine --redis URL \[options\]/);
    for (const flag of ['--redis <url>', '--concurrency <n>', '--models <module...>', '--serve <list>', '--shutdown-timeout <ms>', '--log <mode>']) expect(help.out).toContain(flag);
  });

  it('refuses bad flags with exit 2 and a message naming them, before connecting anywhere', async () => {
    const bogus = await cli(['engine', '--redis', 'redis://127.0.0.1:1', '--bogus']);
    expect(bogus.code).toBe(EXIT.usage);
    expect(bogus.err).toMatch(/unknown option '--bogus'/);
    expect(bogus.err).toMatch(/usage: qinfer-rx engine --redis URL/);
    const frac = await cli(['engine', '--redis', 'redis://127.0.0.1:1', '--concurrency', '1.5']);
    expect(frac.code).toBe(EXIT.usage);
    expect(frac.err).toMatch(/--concurrency must be a whole number >= 1 \(got '1\.5'\)/);
    const log = await cli(['engine', '--redis', 'redis://127.0.0.1:1', '--log', 'xml']);
    expect(log.code).toBe(EXIT.usage);
    expect(log.err).toMatch(/--log/);
    const scheme = await cli(['engine', '--redis', 'ftp://h']);
    expect(scheme.code).toBe(EXIT.usage);
    const saved = process.env['QINFER_REDIS_URL'];
    delete process.env['QINFER_REDIS_URL'];
    try {
      const none = await cli(['engine']);
      expect(none.code).toBe(EXIT.usage);
      expect(none.err).toMatch(/--redis URL is required/);
    } finally {
      if (saved !== undefined) process.env['QINFER_REDIS_URL'] = saved;
    }
  });

  it('parseEngineArgs reads the same definition: defaults, lists and the environment', () => {
    const p = parseEngineArgs(['--redis', 'redis://h:1', '--serve', 'likelihood', '--shutdown-timeout', '200', '--log', 'json'], {});
    expect(p).not.toBe('help');
    if (p === 'help') return;
    expect(p.log).toBe('json');
    expect(p.options).toMatchObject({ serve: ['likelihood'], shutdownTimeout: 200, models: [] });
    expect(parseEngineArgs(['--help'], {})).toBe('help');
    expect(() => parseEngineArgs(['--redis', 'redis://h', 'positional'], {})).toThrow(/too many arguments|unknown command|argument/);
  });
});
