import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBrowserExample } from '../examples/browser/build.js';
import { closedLoop, README_RUN, type DashboardResult } from '../examples/browser/closedLoop.js';
import { serveDirectory } from '../examples/browser/serve.js';
import { BROWSER_WHERE, CHROMIUM, CHROMIUM_FLAGS, RUN_BROWSER } from './browserGate.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'out/browser-test');

/**
 * Limits of agreement between Chromium's V8 and Node's V8 on the same seeded run (README,
 * "Reproducibility"): Math.log / Math.exp / Math.pow may differ by an ulp between engine
 * versions, so the runs are not bit-identical; their posteriors agree to these relative limits.
 */
export const CROSS_ENGINE = { meanRelative: 1e-7, sdRelative: 1e-4 } as const;

describe.runIf(RUN_BROWSER)(`browser dashboard ${BROWSER_WHERE}`, () => {
  let context: BrowserContext;
  let server: { url: string; close: () => Promise<void> };
  const profile = mkdtempSync(join(tmpdir(), 'qinfer-rx-chromium-'));

  beforeAll(async () => {
    const site = mkdtempSync(join(tmpdir(), 'qinfer-rx-site-'));
    await buildBrowserExample(site);
    server = await serveDirectory(site);
    // launchPersistentContext passes the fresh profile directory as --user-data-dir.
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS] });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('loads the whole core entry (every export) with no Node polyfill and runs an update', async () => {
    // Every export kept (a namespace import), bundled for the browser as a user's bundler would.
    const entry = `import * as q from ${JSON.stringify(`${root}src/index.ts`)};
      const up = new q.SMCUpdater(new q.SimplePrecessionModel(), 500, new q.UniformDistribution([0, 1]), { rng: 1 });
      up.update(0, q.ExpParams.scalar([2]));
      globalThis.core = { exports: Object.keys(q).length, mean: up.estMean()[0] };`;
    const bundle = await build({ stdin: { contents: entry, resolveDir: root, loader: 'ts' }, bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(server.url);
    await page.addScriptTag({ type: 'module', content: bundle.outputFiles[0]!.text });
    await page.waitForFunction(() => (globalThis as unknown as { core?: unknown }).core !== undefined, undefined, { timeout: 60_000 });
    const core = await page.evaluate(() => (globalThis as unknown as { core: { exports: number; mean: number } }).core);
    const { SMCUpdater, SimplePrecessionModel, UniformDistribution, ExpParams } = await import('../src/index.js');
    const node = new SMCUpdater(new SimplePrecessionModel(), 500, new UniformDistribution([0, 1]), { rng: 1 });
    node.update(0, ExpParams.scalar([2]));
    expect(problems).toEqual([]);
    expect(core.exports).toBe(Object.keys(await import('../src/index.js')).length);
    expect(core.mean).toBe(node.estMean()[0]); // one update: no engine-dependent function on this path yet
  }, 120_000);

  it("runs the README's closed loop live on Web Workers and ends at the Node run's posterior", async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)));
    const workers: string[] = [];
    page.on('worker', (w) => workers.push(w.url()));
    await page.goto(`${server.url}?backend=auto&workers=2`);
    await page.waitForFunction(() => (globalThis as unknown as { qinferResult?: DashboardResult }).qinferResult?.done === true, undefined, { timeout: 240_000 });
    const result = await page.evaluate(() => (globalThis as unknown as { qinferResult: DashboardResult }).qinferResult);
    mkdirSync(outDir, { recursive: true });
    await page.screenshot({ path: join(outDir, 'dashboard.png'), fullPage: true });

    expect(problems).toEqual([]);
    expect(result.error).toBeUndefined();
    // Headless Chromium with --disable-gpu offers no WebGPU: the page says so and runs on workers.
    expect(result.webgpu).toMatch(/^not offered by this browser/);
    expect(result.backend).toMatch(/^Web Workers ×2/);
    expect(workers.filter((u) => u.endsWith('/likelihood.worker.js'))).toHaveLength(2);
    expect(result.frames).toBe(README_RUN.experiments); // one snapshot per experiment, drawn as it came

    // The same seeds in Node, serial likelihood.
    const { run$ } = closedLoop(README_RUN);
    const node = await lastValueFrom(run$);
    const nodeMean = node.mean[0]!, nodeSd = Math.sqrt(node.covariance[0]!);
    const diff = { meanRelative: Math.abs(result.mean! - nodeMean) / Math.abs(nodeMean), sdRelative: Math.abs(result.sd! - nodeSd) / nodeSd };
    const record = { chromium: await page.evaluate(() => (globalThis as unknown as { navigator: { userAgent: string } }).navigator.userAgent), node: process.version, browser: { mean: result.mean, sd: result.sd }, nodeRun: { mean: nodeMean, sd: nodeSd }, diff, limits: CROSS_ENGINE };
    writeFileSync(join(outDir, 'cross-engine.json'), JSON.stringify(record, null, 2) + '\n');
    console.log(`cross-engine (Chromium vs Node ${process.version}): mean ${result.mean} vs ${nodeMean} (rel ${diff.meanRelative.toExponential(2)}), σ ${result.sd} vs ${nodeSd} (rel ${diff.sdRelative.toExponential(2)})`);
    expect(Math.abs(result.mean! - 0.42)).toBeLessThan(5 * result.sd!);
    expect(diff.meanRelative).toBeLessThanOrEqual(CROSS_ENGINE.meanRelative);
    expect(diff.sdRelative).toBeLessThanOrEqual(CROSS_ENGINE.sdRelative);
  }, 300_000);
});

describe.runIf(RUN_BROWSER)(`browser dashboard on WebGPU (SwiftShader) ${BROWSER_WHERE}`, () => {
  it('feature-detects WebGPU where the browser offers it and runs the likelihood there (float32)', async () => {
    const site = mkdtempSync(join(tmpdir(), 'qinfer-rx-site-'));
    await buildBrowserExample(site);
    const server = await serveDirectory(site);
    const profile = mkdtempSync(join(tmpdir(), 'qinfer-rx-chromium-'));
    // Chromium's software WebGPU adapter (SwiftShader, shipped with Debian's chromium) in place of --disable-gpu.
    const flags = [...CHROMIUM_FLAGS.filter((f) => f !== '--disable-gpu'), '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: flags });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}?backend=webgpu`);
      await page.waitForFunction(() => (globalThis as unknown as { qinferResult?: DashboardResult }).qinferResult?.done === true, undefined, { timeout: 240_000 });
      const result = await page.evaluate(() => (globalThis as unknown as { qinferResult: DashboardResult }).qinferResult);
      mkdirSync(outDir, { recursive: true });
      await page.screenshot({ path: join(outDir, 'dashboard-webgpu.png'), fullPage: true });
      expect(result.error).toBeUndefined();
      expect(result.backend).toMatch(/^WebGPU \(.*swiftshader.*\), float32$/);
      expect(result.frames).toBe(README_RUN.experiments);
      // float32 likelihoods: not the float64 run's bits, but the same physics.
      const { run$ } = closedLoop(README_RUN);
      const node = await lastValueFrom(run$);
      const nodeSd = Math.sqrt(node.covariance[0]!);
      expect(Math.abs(result.mean! - 0.42)).toBeLessThan(5 * result.sd!);
      expect(Math.abs(result.mean! - node.mean[0]!)).toBeLessThan(nodeSd);
      expect(result.sd! / nodeSd).toBeGreaterThan(0.5);
      expect(result.sd! / nodeSd).toBeLessThan(2);
    } finally {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 300_000);
});

describe.skipIf(RUN_BROWSER)(`browser dashboard ${BROWSER_WHERE}`, () => {
  it('needs Chromium', () => undefined);
});
