import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveCliBackend, serialCliBackend, type CliBackendEntry } from '../src/cli/cliBackends.js';
import type { CliIo } from '../src/cli/CliIo.js';
import { collectKeyValues, parseCount, parseCountList, parseRange } from '../src/cli/parseArgs.js';
import { createProgressReporter } from '../src/cli/progressReporter.js';
import { EXIT, runCli, type RunCliOptions } from '../src/cli/runCli.js';
import { runTrial } from '../src/perf/runTrial.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { heuristicSeed, testRegistry } from './helpers/perfFixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'qinfer-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(argv: string[], options: RunCliOptions & { signal?: AbortSignal; tty?: boolean } = {}): Promise<Run> {
  let out = '', err = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s), isTTY: options.tty ?? false },
    cwd: dir,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const code = await runCli(argv, io, options);
  return { code, out, err };
}

/** Vega's accessible descriptions of axes, and the number of line paths. */
function svgFacts(svg: string) {
  return {
    axes: [...svg.matchAll(/aria-label="([XY]-axis titled '[^']*' for a \w+ scale)/g)].map((m) => m[1]),
    lines: [...svg.matchAll(/aria-roledescription="line mark" d=/g)].length,
    areas: [...svg.matchAll(/aria-roledescription="area mark" d=/g)].length,
  };
}

const tiny = ['-t', '4', '-e', '5', '-p', '50', '--progress', 'lines'];

describe('qinfer-rx: argument validation (exit 2, a message naming the option)', () => {
  const cases: [string[], string][] = [
    [['perf', '--trials', '1.5'], '--trials'],
    [['perf', '--experiments', '0'], '--experiments'],
    [['perf', '--particles', '100,abc'], '--particles'],
    [['perf', '--seed', '-3'], '--seed'],
    [['perf', '-m', 'NoSuchModel'], 'NoSuchModel'],
    [['perf', '--prior', '1:0'], '--prior'],
    [['perf', '--prior', '0:1:2'], '--prior'],
    [['perf', '-m', 'UnknownT2Model', '--prior', '0:1'], '--prior'],
    [['perf', '--heuristic', 'Nope'], 'Nope'],
    [['perf', '--out', 'table.txt'], '--out'],
    [['perf', '--plot', 'plot.png'], '--plot'],
    [['perf', '--backend', 'quantum'], 'quantum'],
    [['perf', '--param', 'noequals'], '--param'],
    [['perf', '--bogus'], '--bogus'],
    [['perf', '-m', 'UnknownT2Model', '--prior', '0:1', '--prior', '0:0.1'], 'tField'],
    [['estimate', '--true', '0.1,0.2'], '--true'],
    [['estimate', '--plot-param', '3'], '--plot-param'],
    [['estimate', '--particles', 'x'], '--particles'],
    [['nonsense'], 'nonsense'],
  ];
  for (const [argv, mention] of cases) {
    it(`${argv.join(' ')}`, async () => {
      const r = await cli(argv);
      expect(r.code).toBe(EXIT.usage);
      expect(r.err).toContain(mention);
      expect(r.out).not.toContain('Bayes risk');
    });
  }
});

describe('qinfer-rx --help', () => {
  for (const argv of [['--help'], ['perf', '--help'], ['estimate', '--help']]) {
    it(argv.join(' '), async () => {
      const r = await cli(argv);
      expect(r.code).toBe(EXIT.ok);
      expect(r.out).toMatch(/^Usage: qinfer-rx/);
    });
  }
  it('perf --help lists models, heuristics and backends', async () => {
    const r = await cli(['perf', '--help']);
    for (const s of ['SimplePrecessionModel', 'ExpSparseHeuristic', 'serial', '--particles', '--out', '--plot', '--backend']) expect(r.out).toContain(s);
  });
});

describe('qinfer-rx perf', () => {
  it('writes a CSV table and a Bayes-risk SVG, prints progress lines and the summary', async () => {
    const r = await cli(['perf', ...tiny, '--out', 'sub/t.csv', '--plot', 'sub/risk.svg']);
    expect(r.code).toBe(EXIT.ok);
    const csv = readFileSync(join(dir, 'sub/t.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0]).toBe('particles,trial,seed,step,failed,loss,resample_count,elapsed_time,outcome,true,est,experiment,error');
    expect(csv.length).toBe(1 + 4 * 5);
    expect(csv.slice(1).every((l) => l.startsWith('50,'))).toBe(true);
    const svg = svgFacts(readFileSync(join(dir, 'sub/risk.svg'), 'utf8'));
    expect(svg.axes).toEqual(["X-axis titled 'Number of experiments' for a linear scale", "Y-axis titled 'Loss' for a log scale"]);
    expect(svg.lines).toBe(2); // the median and the mean (Bayes risk) …
    expect(svg.areas).toBe(1); // … over the interquartile band
    expect(r.err).toContain('50 particles: 4/4 trials (0 failed)');
    expect(r.out).toMatch(/Bayes risk/);
    expect(r.out).toMatch(/50 particles\s+4\s+0\s/);
    expect(r.out).toContain(join(dir, 'sub/t.csv'));
    expect(r.out).toContain(join(dir, 'sub/risk.svg'));
  });

  it('several particle counts: one JSON run and one plotted line each, the same trials (seeds, true parameters)', async () => {
    const r = await cli(['perf', '-t', '3', '-e', '4', '-p', '30,60', '--progress', 'none', '-s', '9', '-o', 'multi.json', '--plot', 'multi.svg']);
    expect(r.code).toBe(EXIT.ok);
    const doc = JSON.parse(readFileSync(join(dir, 'multi.json'), 'utf8'));
    expect(doc.settings).toMatchObject({ trials: 3, experiments: 4, seed: 9, model: { name: 'SimplePrecessionModel' } });
    expect(doc.runs.map((x: { nParticles: number }) => x.nParticles)).toEqual([30, 60]);
    const [a, b] = doc.runs.map((x: { table: { records: { true: number[][] }; seeds: number[] } }) => x.table);
    expect(a.records.true).toEqual(b.records.true);
    expect(a.seeds).toEqual(b.seeds);
    expect(a.records.loss).toHaveLength(3);
    expect(a.records.loss[0]).toHaveLength(4);
    // The same run through the library gives the same losses.
    const alone = runTrial({ model: { name: 'SimplePrecessionModel', params: {} }, prior: doc.settings.prior, heuristic: doc.settings.heuristic, nParticles: 60, nExp: 4, index: 2, seed: b.seeds[2] }, builtInRegistry());
    expect(b.records.loss[2]).toEqual(Array.from(alone.loss));
    expect(svgFacts(readFileSync(join(dir, 'multi.svg'), 'utf8')).lines).toBe(4); // median and mean per run
    expect(r.out.match(/particles/g)!.length).toBeGreaterThanOrEqual(2);
  });

  it('--no-out --no-plot writes nothing; --true fixes the true parameters', async () => {
    const r = await cli(['perf', ...tiny, '--no-out', '--no-plot', '--true', '0.3']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).not.toMatch(/table:|plot:/);
    expect(() => readFileSync(join(dir, 'out/perf.json'))).toThrow();
    expect(() => readFileSync(join(dir, 'out/bayes-risk.svg'))).toThrow();
  });

  it('a record-experiment model with heuristic parameters', async () => {
    const r = await cli([
      'perf', ...tiny, '-m', 'UnknownT2Model', '--prior', '0:1', '--prior', '0:0.1',
      '--heuristic-param', 'tField=t', '--heuristic-param', 'otherFields={}', '-o', 't2.json', '--no-plot',
    ]);
    expect(r.code).toBe(EXIT.ok);
    const doc = JSON.parse(readFileSync(join(dir, 't2.json'), 'utf8'));
    expect(doc.runs[0].table.dtype.map((d: unknown[]) => d[0])).toEqual(['loss', 'resample_count', 'elapsed_time', 'outcome', 'true', 'est', 't']);
  });

  it('a failing trial: exit 1 with ERR_TRIAL_FAILED, or masked with --allow-failures', async () => {
    const registry = testRegistry();
    const flaky = ['--heuristic', 'Flaky', '--heuristic-param', `failures=[[${heuristicSeed(1, 2)},1]]`, '--no-plot'];
    const stop = await cli(['perf', ...tiny, ...flaky, '--no-out'], { registry });
    expect(stop.code).toBe(EXIT.failed);
    expect(stop.err).toMatch(/trial 2 .*failed/);
    const masked = await cli(['perf', ...tiny, ...flaky, '--allow-failures', '-o', 'masked.json'], { registry });
    expect(masked.code).toBe(EXIT.ok);
    expect(masked.out).toMatch(/50 particles\s+4\s+1\s/);
    const doc = JSON.parse(readFileSync(join(dir, 'masked.json'), 'utf8'));
    expect(doc.runs[0].table.masked).toEqual([false, false, true, false]);
    expect(doc.runs[0].table.failures[0]).toMatchObject({ index: 2, error: { code: 'ERR_HEURISTIC' } });
  });

  it('an aborted signal stops the run: exit 130', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await cli(['perf', ...tiny, '--no-out', '--no-plot'], { signal: ac.signal });
    expect(r.code).toBe(EXIT.interrupted);
  });

  it('plugs in a backend through the resolver hook and closes it once', async () => {
    let closed = 0, calls = 0;
    const fake: CliBackendEntry = {
      name: 'fake',
      summary: 'test backend',
      load: async () => async ({ registry, options }) => {
        expect(options).toEqual({ workers: 3 });
        const base = await serialCliBackend({ registry, options: {}, log: () => {} });
        return { apply: (spec, signal) => (calls++, base.apply(spec, signal)), concurrency: 3, description: 'fake: 3 lanes', close: async () => void closed++ };
      },
    };
    const r = await cli(['perf', ...tiny, '--backend', 'fake', '--backend-opt', 'workers=3', '--no-out', '--no-plot'], { backends: [fake] });
    expect(r.err).not.toContain('error');
    expect(r.code).toBe(EXIT.ok);
    expect(r.err).toContain('fake: 3 lanes; 3 trial(s) in flight');
    expect([calls, closed]).toEqual([4, 1]);
    await expect(resolveCliBackend('nope', { registry: builtInRegistry(), options: {}, log: () => {} })).rejects.toMatchObject({ code: 'ERR_ARGUMENT' });
  });

  it('hands a contributed sub-command its arguments untouched', async () => {
    let seen: readonly string[] = [];
    const r = await cli(['engine', '--redis', 'redis://x', '-h'], { commands: [{ name: 'engine', summary: 'serve', load: async () => async (argv) => ((seen = argv), 7) }] });
    expect(r.code).toBe(7);
    expect(seen).toEqual(['--redis', 'redis://x', '-h']);
  });
});

describe('qinfer-rx estimate', () => {
  it('prints the posterior as it goes and the final estimate, and plots the marginal', async () => {
    const r = await cli(['estimate', '--true', '0.42', '-e', '30', '-p', '500', '--every', '10', '--plot', 'post.svg']);
    expect(r.code).toBe(EXIT.ok);
    const steps = r.out.split('\n').filter((l) => /^\s+\d+\s/.test(l));
    expect(steps.map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual([10, 20, 30]);
    expect(r.out).toContain('final estimate after 30 experiments (posterior mean(σ), 95 % credible interval;');
    // ω = 0.4203(12) rad/[t]   [0.4180, 0.4226]: the value to the digits σ supports, the interval to the same digits
    const m = /\n  ω = (\d\.(\d+))\((\d{1,2})\) rad\/\[t\]   \[(\d\.(\d+)), (\d\.(\d+))\]\n/.exec(r.out);
    expect(m).not.toBeNull();
    const [, value, decimals, sdDigits, lo, loDecimals, hi, hiDecimals] = m!;
    const sd = Number(sdDigits) * 10 ** -decimals!.length;
    expect(Math.abs(Number(value) - 0.42)).toBeLessThan(Math.max(0.05, 5 * sd));
    expect([loDecimals!.length, hiDecimals!.length]).toEqual([decimals!.length, decimals!.length]);
    expect(Number(lo)).toBeLessThan(Number(value));
    expect(Number(hi)).toBeGreaterThan(Number(value));
    const svg = readFileSync(join(dir, 'post.svg'), 'utf8');
    expect(svgFacts(svg).areas).toBe(1); // the smoothed density, over the raw one as a line
    expect(svgFacts(svg).lines).toBe(2); // the raw density, and the outline of the smoothed area
    expect(svgFacts(svg).axes[0]).toMatch(/^X-axis titled 'ω (− [\d.]+ \(10[⁻⁰-⁹]+ )?\(?rad\/\[t\]\)' for a linear scale/);
    expect(svg).toContain('95 % credible interval');
  });
});

describe('CLI helpers', () => {
  it('parse counts, lists, ranges and key=value with typed errors', () => {
    expect(parseCount('12', '--n')).toBe(12);
    expect(parseCount('0', '--seed', 0)).toBe(0);
    for (const bad of ['1.5', '', '-1', '1e3', 'x']) expect(() => parseCount(bad, '--n')).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
    expect(parseCountList('100,200', '--p')).toEqual([100, 200]);
    expect(() => parseCountList('100,100', '--p')).toThrow();
    expect(parseRange('-1:2.5', '--prior')).toEqual([-1, 2.5]);
    expect(() => parseRange('2:2', '--prior')).toThrow(expect.objectContaining({ code: 'ERR_RANGE' }));
    expect(collectKeyValues(['a=1', 'b=[1,2]', 'c=text', 'd={"x":0}'], '--param')).toEqual({ a: 1, b: [1, 2], c: 'text', d: { x: 0 } });
  });

  it('plain progress lines: at every tenth and at the end', () => {
    let text = '';
    const rep = createProgressReporter({ write: (s: string) => (text += s) }, 'lines', 'run', 1e9);
    for (let done = 0; done <= 20; done++) rep.update({ completed: done, failed: 0, total: 20, elapsedSeconds: done * 0.1, trialsPerSecond: 10 });
    rep.stop();
    const lines = text.trimEnd().split('\n');
    expect(lines.length).toBe(11);
    expect(lines.at(-1)).toMatch(/^run: 20\/20 trials \(0 failed\), 10\.0 trials\/s, done in 2s$/);
    expect(lines[5]).toMatch(/^run: 10\/20 trials .*ETA 1s$/);
  });
});

describe('the qinfer-rx executable (child process)', () => {
  const run = promisify(execFile);
  it('bin/qinfer-rx.js --help exits 0; bad arguments exit 2 with the message on stderr', async () => {
    const ok = await run(process.execPath, ['bin/qinfer-rx.js', 'perf', '--help']);
    expect(ok.stdout).toContain('Usage: qinfer-rx perf');
    const bad = await run(process.execPath, ['bin/qinfer-rx.js', 'perf', '--trials', 'many']).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(2);
    expect((bad as { stderr: string }).stderr).toContain('--trials');
  });
});
