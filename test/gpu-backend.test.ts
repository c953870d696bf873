/**
 * The GPU likelihood backend's contract on a real adapter (lavapipe in CI): lazy start, the
 * result of the serial backend within the float32 tolerance, typed errors for bad calls,
 * cancellation, fallback, user GPU models, close() and process exit.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExpParams, SimplePrecessionModel, isQinferError, serialBackend, type QinferWarning } from '../src/index.js';
import { CoinModel } from '../src/models/CoinModel.js';
import { SimpleInversionModel } from '../src/models/SimpleInversionModel.js';
import { gpuBackend, type GpuModelFactory } from '../src/gpu/index.js';
import { GPU_PROBE, RUN_GPU, WHERE } from './gpuGate.js';


const model = new SimplePrecessionModel();
const x = Float64Array.from({ length: 500 }, (_, i) => (i + 0.5) / 500);
const eps = ExpParams.scalar([0.5, 3, 20]);
const request = { model, outcomes: Int32Array.of(0, 1), x, nModels: 500, expparams: eps };

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => undefined, (e: unknown) => e);
}

describe.runIf(process.env.QINFER_REQUIRE_GPU === '1')('QINFER_REQUIRE_GPU=1', () => {
  it('finds a WebGPU adapter', () => {
    expect(GPU_PROBE.available, GPU_PROBE.available ? '' : GPU_PROBE.reason).toBe(true);
  });
});

describe.runIf(RUN_GPU)(`gpuBackend ${WHERE}`, () => {
  it('starts nothing until used, then names its device', async () => {
    const gpu = gpuBackend();
    expect(gpu.host.generation).toBe(0);
    expect(gpu.name).toBe('gpu');
    const info = await gpu.adapterInfo();
    expect(gpu.host.generation).toBe(1);
    expect(gpu.name.startsWith('gpu:')).toBe(true);
    expect(typeof info.isFallbackAdapter).toBe('boolean');
    if (info.architecture === 'software') expect(info.isFallbackAdapter).toBe(true);
    expect(info.limits.maxComputeWorkgroupsPerDimension).toBeGreaterThanOrEqual(65535);
    await gpu.close();
  });

  it('computes the serial likelihood within the float32 tolerance, into `out` when given', async () => {
    const gpu = gpuBackend();
    const ref = await serialBackend().likelihood(request);
    const out = new Float64Array(ref.length);
    const L = await gpu.likelihood(request, { out });
    expect(L).toBe(out);
    for (let i = 0; i < ref.length; i++) {
      const th = (x[Math.floor(i / 3) % 500]! * eps.values()[i % 3]!) / 2;
      expect(Math.abs(L[i]! - ref[i]!)).toBeLessThanOrEqual(2 ** -21 * (1 + th));
    }
    // outcome 1 is 1 − outcome 0 (layout [nO, nM, nE])
    expect(Math.abs(L[0]! + L[1500]! - 1)).toBeLessThan(1e-6);
    await gpu.close();
  });

  it('rejects bad calls with typed errors and keeps working', async () => {
    const gpu = gpuBackend();
    expect(isQinferError(await errorOf(gpu.likelihood({ ...request, outcomes: Int32Array.of(2) })), 'ERR_OUTCOME')).toBe(true);
    expect(isQinferError(await errorOf(gpu.likelihood(request, { out: new Float64Array(3) })), 'ERR_SHAPE')).toBe(true);
    expect(isQinferError(await errorOf(gpu.likelihood({ ...request, model: new SimpleInversionModel() })), 'ERR_EXPPARAMS_FIELD')).toBe(true);
    expect(isQinferError(await errorOf(gpu.likelihood({ ...request, model: new CoinModel() })), 'ERR_UNKNOWN_MODEL')).toBe(true);
    expect((await gpu.likelihood(request)).length).toBe(3000);
    await gpu.close();
  });

  it('runs a model without WGSL on its fallback, with a warning', async () => {
    const warnings: QinferWarning[] = [];
    const gpu = gpuBackend({ fallback: serialBackend(), onWarning: (w) => warnings.push(w) });
    const coin = new CoinModel();
    const ceps = ExpParams.records(coin.expparamsSchema, [{}, {}]);
    const L = await gpu.likelihood({ model: coin, outcomes: Int32Array.of(0), x: Float64Array.of(0.25, 0.5), nModels: 2, expparams: ceps });
    expect(Array.from(L)).toEqual([0.25, 0.25, 0.5, 0.5]);
    expect(warnings.map((w) => w.category)).toEqual(['gpu']);
    await gpu.close();
  });

  it('accepts user GPU models (WGSL as data)', async () => {
    const coinGpu: GpuModelFactory = (m) => ({
      name: m.name, nModelparams: 1, nExpValues: 0, packExperiments() {},
      wgsl: 'fn pr0(x: array<f32, NP>, e: array<f32, NF>) -> f32 { return x[0]; }\nfn valid(x: array<f32, NP>) -> bool { return x[0] >= 0.0 && x[0] <= 1.0; }',
    });
    const gpu = gpuBackend({ gpuModels: { CoinModel: coinGpu } });
    const coin = new CoinModel();
    const ceps = ExpParams.records(coin.expparamsSchema, [{}, {}, {}]);
    const L = await gpu.likelihood({ model: coin, outcomes: Int32Array.of(1, 0), x: Float64Array.of(0.25, 0.5), nModels: 2, expparams: ceps });
    expect(Array.from(L)).toEqual([0.75, 0.75, 0.75, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.5, 0.5, 0.5]);
    await gpu.close();
  });

  it('rejects a broken user WGSL with ERR_GPU (compiled in the host, which survives)', async () => {
    const gpu = gpuBackend({ gpuModels: { SimplePrecessionModel: (m) => ({ name: m.name, nModelparams: 1, nExpValues: 1, packExperiments() {}, wgsl: 'fn pr0(' }) } });
    expect(isQinferError(await errorOf(gpu.likelihood(request)), 'ERR_GPU')).toBe(true);
    expect(gpu.host.generation).toBe(1);
    await gpu.close();
  });

  it('aborts: an aborted signal rejects at once, an abort in flight rejects the call', async () => {
    const gpu = gpuBackend();
    const ac = new AbortController();
    ac.abort();
    expect(isQinferError(await errorOf(gpu.likelihood(request, { signal: ac.signal })), 'ERR_ABORTED')).toBe(true);
    const ac2 = new AbortController();
    const big = { ...request, x: new Float64Array(200_000).fill(0.3), nModels: 200_000 };
    const p = gpu.likelihood(big, { signal: ac2.signal });
    ac2.abort();
    expect(isQinferError(await errorOf(p), 'ERR_ABORTED')).toBe(true);
    expect((await gpu.likelihood(request)).length).toBe(3000);
    await gpu.close();
  });

  it('close() is idempotent and later calls reject with ERR_CLOSED', async () => {
    const gpu = gpuBackend();
    await gpu.likelihood(request);
    await gpu.close();
    await gpu.close();
    expect(isQinferError(await errorOf(gpu.likelihood(request)), 'ERR_CLOSED')).toBe(true);
    expect(isQinferError(await errorOf(gpu.adapterInfo()), 'ERR_CLOSED')).toBe(true);
  });

  it.each([
    ['after close()', true],
    ['even without close()', false],
  ])('the process exits by itself %s', async (_label, doClose) => {
    const dir = mkdtempSync(join(tmpdir(), 'qinfer-gpu-exit-'));
    const gpuIndex = pathToFileURL(fileURLToPath(new URL('../src/gpu/index.ts', import.meta.url))).href;
    const coreIndex = pathToFileURL(fileURLToPath(new URL('../src/index.ts', import.meta.url))).href;
    const script = join(dir, 'child.mts');
    writeFileSync(script, `import { gpuBackend } from '${gpuIndex}';
import { SimplePrecessionModel, ExpParams } from '${coreIndex}';
const gpu = gpuBackend();
const L = await gpu.likelihood({ model: new SimplePrecessionModel(), outcomes: Int32Array.of(0), x: Float64Array.of(0.5), nModels: 1, expparams: ExpParams.scalar([1]) });
console.log(L.length);
${doClose ? 'await gpu.close();' : ''}
`);
    const tsx = pathToFileURL(fileURLToPath(import.meta.resolve('tsx'))).href;
    const t0 = Date.now();
    const child = spawn(process.execPath, ['--import', tsx, script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(0);
    expect(out.trim()).toBe('1');
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});
