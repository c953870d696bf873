/**
 * The package as a user gets it: `npm pack` (which builds dist/ through prepack), the tarball
 * installed into a fresh consumer project (from the npm cache where possible), then — first with
 * only the required dependencies, then with every optional peer — what a user does with it:
 * import and require it, run the CLI, type-check a strict TypeScript consumer of every subpath
 * with `skipLibCheck: false`, run the README's examples against the installed package, and lint
 * the tarball with publint and @arethetypeswrong/cli.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimate, ExpSparseHeuristic, SimplePrecessionModel, SMCUpdater, UniformDistribution } from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'qinfer-rx-package-'));
const consumer = join(work, 'consumer');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: readonly string[], options: SpawnSyncOptions = {}): Ran {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20, ...options, env: { ...process.env, npm_config_update_notifier: 'false', ...options.env } });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) + (r.error === undefined ? '' : String(r.error)) };
}

function ok(r: Ran, what: string): Ran {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
}

/** The version of a package installed in this repository, so that the consumer hits the npm cache. */
function repoVersion(name: string): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

function npmInstall(specs: readonly string[]): void {
  ok(run(npm, ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', ...specs], { cwd: consumer }), `npm install ${specs.join(' ')}`);
}

/** Runs an ES module in the consumer project (its `qinfer-rx` is the installed tarball). */
function node(code: string, extra: readonly string[] = []): Ran {
  return run(process.execPath, [...extra, '--input-type=module', '-e', code], { cwd: consumer });
}

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

let tarball = '';
let packed: { path: string }[] = [];

beforeAll(() => {
  const pack = ok(run(npm, ['pack', '--json', '--pack-destination', work], { cwd: root }), 'npm pack');
  const info = (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[])[0]!;
  tarball = join(work, info.filename);
  packed = info.files;
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'qinfer-rx-consumer', private: true, type: 'module' }, null, 2));
  npmInstall([tarball, `rxjs@${repoVersion('rxjs')}`]);
}, 600_000);

describe('npm pack', () => {
  it('ships the build, the docs, LICENSE and CHANGELOG — no sources, tests or benchmarks', () => {
    const paths = packed.map((f) => f.path);
    for (const f of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'bin/qinfer-rx.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'dist/src/boundary/workerThread.js']) {
      expect(paths).toContain(f);
    }
    expect(paths.some((p) => p.startsWith('docs/'))).toBe(true);
    expect(paths.filter((p) => /^(src|test|bench|examples|scripts)\//.test(p) || p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
  });

  it('every link the README makes to a file resolves inside the package', () => {
    const paths = new Set(packed.map((f) => f.path));
    const links = [...readme.matchAll(/\]\((?!https?:|#)([^)#]+)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) expect(paths.has(l) || [...paths].some((p) => p.startsWith(`${l.replace(/\/$/, '')}/`)), l).toBe(true);
  });

  it('source maps carry their sources (they resolve without src/)', () => {
    const dir = join(consumer, 'node_modules/qinfer-rx/dist/src');
    for (const f of ['index.js.map', 'smc/SMCUpdater.js.map', 'cli/runCli.js.map']) {
      const map = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      expect(map.sourcesContent?.length).toBe(map.sources.length);
      expect(map.sourcesContent!.every((s) => typeof s === 'string' && s.length > 0)).toBe(true);
    }
  });
});

describe('the installed package, with only its required dependencies', () => {
  it('imports, and requires (require(esm)) where Node supports it', () => {
    const r = ok(node("const q = await import('qinfer-rx'); console.log(typeof q.SMCUpdater, typeof q.estimate)"), 'import');
    expect(r.stdout.trim()).toBe('function function');
    const features = process.features as { require_module?: boolean };
    if (features.require_module === true) {
      const c = ok(run(process.execPath, ['-e', "const q = require('qinfer-rx'); const p = require('qinfer-rx/pool'); console.log(typeof q.SMCUpdater, typeof p.createPool)"], { cwd: consumer }), 'require');
      expect(c.stdout.trim()).toBe('function function');
    }
  });

  it('an optional part without its peers says which packages to install', () => {
    const cluster = node("await import('qinfer-rx/cluster')");
    expect(cluster.status).not.toBe(0);
    expect(cluster.stderr).toContain('qinfer-rx/cluster needs the optional peer dependencies bullmq and ioredis, which are not installed: npm i bullmq ioredis');
    const plot = ok(node("const p = await import('qinfer-rx/plot'); await p.renderVegaLiteSvg(p.bayesRiskChart([{ label: 'a', risk: [1] }])).catch((e) => console.log(e.code, e.message))"), 'plot');
    expect(plot.stdout.trim()).toBe('ERR_MISSING_PEER qinfer-rx/plot (SVG rendering) needs the optional peer dependencies vega and vega-lite, which are not installed: npm i vega vega-lite');
    const gpu = ok(node("const g = await import('qinfer-rx/gpu'); const p = await g.probeGpu(); console.log(p.available, p.reason)"), 'gpu');
    expect(gpu.stdout).toContain('false ERR_GPU_UNAVAILABLE: qinfer-rx/gpu needs the optional peer dependency webgpu, which is not installed: npm i webgpu');
  });

  it('the qinfer-rx command runs from the build: --version, and perf writes its table and says how to get the plot', () => {
    const bin = join(consumer, 'node_modules/.bin/qinfer-rx');
    const version = ok(run(bin, ['--version'], { cwd: consumer }), '--version');
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version);
    const perf = ok(run(bin, ['perf', '-t', '3', '-e', '5', '-p', '50', '--progress', 'none'], { cwd: consumer }), 'perf');
    expect(existsSync(join(consumer, 'out/perf.json'))).toBe(true);
    expect(existsSync(join(consumer, 'out/bayes-risk.svg'))).toBe(false);
    expect(perf.stderr.trim().split('\n').filter((l) => l.startsWith('plot not written'))).toEqual([
      'plot not written: qinfer-rx/plot (SVG rendering) needs the optional peer dependencies vega and vega-lite, which are not installed: npm i vega vega-lite',
    ]);
    expect(existsSync(join(consumer, 'node_modules/tsx'))).toBe(false); // the build ran, not the sources
  });
});

describe('the installed package, with its optional peers', () => {
  beforeAll(() => {
    npmInstall(['bullmq', 'ioredis', 'vega', 'vega-lite', 'tsx', '@types/node'].map((p) => `${p}@${repoVersion(p)}`));
    // The consumer's sources: the all-subpaths file, the README's examples as written, and the
    // user model module the pool example names (its import of the checkout's sources replaced
    // by the package name, as a user's module would import it).
    mkdirSync(join(consumer, 'src'));
    copyFileSync(join(root, 'test/consumer/allSubpaths.ts'), join(consumer, 'src/allSubpaths.ts'));
    mkdirSync(join(consumer, 'readme'));
    blocks.forEach((b, i) => writeFileSync(join(consumer, `readme/block${i}.ts`), b));
    mkdirSync(join(consumer, 'examples/user-model'), { recursive: true });
    const userModel = readFileSync(join(root, 'examples/user-model/DampedPrecessionModel.ts'), 'utf8').replace(/from '(\.\.\/)+src\/index\.js'/g, "from 'qinfer-rx'");
    writeFileSync(join(consumer, 'examples/user-model/DampedPrecessionModel.ts'), userModel);
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022', lib: ['ES2023'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false,
          types: ['node'], resolveJsonModule: true, outDir: 'build', rootDir: '.', noEmitOnError: true,
        },
        include: ['src', 'readme', 'examples'],
      }, null, 2),
    );
  }, 600_000);

  it('a strict TypeScript consumer of every subpath and the README examples type-checks with skipLibCheck: false', () => {
    const tsc = run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', consumer], { cwd: consumer });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    expect(readdirSync(join(consumer, 'build/readme')).filter((f) => f.endsWith('.js'))).toHaveLength(blocks.length);
  });

  it('every subpath loads', () => {
    const r = ok(node("for (const s of ['', '/pool', '/plot', '/gpu', '/cluster', '/cli']) { const m = await import('qinfer-rx' + s); console.log(s || '.', Object.keys(m).length > 0); }"), 'subpaths');
    expect(r.stdout.trim().split('\n')).toEqual(['. true', '/pool true', '/plot true', '/gpu true', '/cluster true', '/cli true']);
  });

  /** Runs README block `i` as compiled by the consumer's tsc, printing what it logs as JSON. */
  function runBlock(i: number): unknown[][] {
    const file = join(consumer, `build/readme/block${i}.js`);
    const wrapper = `const logged = []; console.log = (...a) => logged.push(a); await import(${JSON.stringify(`file://${file}`)}); process.stdout.write(JSON.stringify(logged));`;
    return JSON.parse(ok(node(wrapper), `README block ${i}`).stdout) as unknown[][];
  }

  it('the README closed loop gives the same numbers as the sources', async () => {
    const i = blocks.findIndex((b) => b.includes('estimate({'));
    const [[mean, sd]] = runBlock(i) as [[number, number]];
    // The same code on this checkout's sources: one engine, the same bits.
    const updater = new SMCUpdater(new SimplePrecessionModel(), 10_000, new UniformDistribution([0, 1]), { rng: 2026 });
    const final = await lastValueFrom(estimate({ updater, heuristic: new ExpSparseHeuristic(updater), nExperiments: 100, trueParams: [0.42], rng: 7 }));
    expect([mean, sd]).toEqual([final.mean[0], Math.sqrt(final.covariance[0]!)]);
  });

  it('the other README examples run against the installed package', () => {
    const open = runBlock(blocks.findIndex((b) => b.includes('likelihood(),')));
    expect(open[0]![0]).toBe(2);
    const perf = runBlock(blocks.findIndex((b) => b.includes('perfTestMultiple(20')));
    expect(perf[0]![0]).toBe(20);
    expect(perf[0]![1]).toBeGreaterThan(0);
    runBlock(blocks.findIndex((b) => b.includes('createPool({ engines: 4'))); // workers load the user model through tsx
  });

  it('the qinfer-rx command writes the plot once vega is installed', () => {
    const perf = ok(run(join(consumer, 'node_modules/.bin/qinfer-rx'), ['perf', '-t', '3', '-e', '5', '-p', '50', '--progress', 'none', '--plot', 'out/risk.svg'], { cwd: consumer }), 'perf');
    expect(perf.stderr).not.toContain('plot not written');
    expect(readFileSync(join(consumer, 'out/risk.svg'), 'utf8')).toMatch(/^<svg/);
  });
});

describe('package linters', () => {
  it('publint finds nothing to report in the tarball', async () => {
    const { publint } = await import('publint');
    const { messages } = await publint({ pack: { tarball: readFileSync(tarball).buffer as ArrayBuffer }, level: 'suggestion' });
    expect(messages).toEqual([]);
  });

  it('@arethetypeswrong/cli finds no problem for an ESM-only package (node16 from ESM, bundler)', () => {
    const r = run(join(root, 'node_modules/.bin/attw'), [tarball, '--profile', 'esm-only', '--format', 'json'], { cwd: root });
    const report = JSON.parse(r.stdout) as { analysis: { problems: { kind: string; resolutionKind?: string; entrypoint?: string }[] } };
    const relevant = report.analysis.problems.filter((p) => p.resolutionKind !== 'node10' && p.resolutionKind !== 'node16-cjs');
    expect(relevant).toEqual([]);
    expect(r.status).toBe(0);
  });
});
