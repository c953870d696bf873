/**
 * GPU code that needs no adapter: grid folding, model lookup, the missing-adapter error and the
 * CPU fallbacks (a host started with a Vulkan driver path that does not exist never finds one),
 * and autoBackend's choice logic on fake backends with a deterministic clock.
 */
import { describe, expect, it } from 'vitest';
import { ExpParams, SimplePrecessionModel, isQinferError, serialBackend, type LikelihoodBackend, type QinferWarning } from '../src/index.js';
import { CoinModel } from '../src/models/CoinModel.js';
import {
  BUILTIN_GPU_MODELS, GPU_DOCS_URL, GpuHost, GpuUnavailableError, autoBackend, dispatchGrid, formatAutoTable, gpuBackend, gpuModelFor, probeGpu, wgslF32,
} from '../src/gpu/index.js';

/** An environment in which the Vulkan loader finds no driver, whatever the machine has. */
const NO_DRIVER_ENV = { ...process.env, VK_DRIVER_FILES: '/nonexistent/qinfer-no-driver.json', VK_ICD_FILENAMES: '/nonexistent/qinfer-no-driver.json' };

describe('dispatchGrid', () => {
  it('keeps small dispatches 1-D and folds past the per-dimension limit', () => {
    expect(dispatchGrid(1)).toEqual([1, 1, 1]);
    expect(dispatchGrid(65535)).toEqual([65535, 1, 1]);
    expect(dispatchGrid(65536)).toEqual([65535, 2, 1]);
    expect(dispatchGrid(10, 4)).toEqual([4, 3, 1]);
    expect(dispatchGrid(50, 4)).toEqual([4, 4, 4]);
  });

  it('covers every workgroup exactly once by the linear index the kernels use', () => {
    for (const [groups, max] of [[1, 3], [7, 3], [9, 3], [10, 3], [26, 3], [27, 3]] as const) {
      const [x, y, z] = dispatchGrid(groups, max);
      expect(Math.max(x, y, z)).toBeLessThanOrEqual(max);
      const seen = new Set<number>();
      for (let k = 0; k < z; k++) for (let j = 0; j < y; j++) for (let i = 0; i < x; i++) seen.add(i + x * (j + y * k));
      for (let g = 0; g < groups; g++) expect(seen.has(g)).toBe(true);
      expect(x * y * z).toBeGreaterThanOrEqual(groups);
    }
  });

  it('rejects counts it cannot fold', () => {
    expect(() => dispatchGrid(-1)).toThrow(RangeError);
    expect(() => dispatchGrid(28, 3)).toThrow(RangeError);
  });
});

describe('GPU models', () => {
  it('has WGSL for the five built-in two-outcome models', () => {
    expect(Object.keys(BUILTIN_GPU_MODELS).sort()).toEqual(['MultiCosModel', 'RandomizedBenchmarkingModel', 'SimpleInversionModel', 'SimplePrecessionModel', 'UnknownT2Model']);
    const g = gpuModelFor(new SimplePrecessionModel({ minFreq: 0.25 }));
    expect(g.wgsl).toContain('fn pr0');
    expect(g.wgsl).toContain(wgslF32(0.25));
    const out = new Float32Array(2);
    g.packExperiments(ExpParams.scalar([2, 5]), out);
    expect(Array.from(out)).toEqual([1, 2.5]); // t/2
  });

  it('rejects a model without a GPU version (ERR_UNKNOWN_MODEL)', () => {
    let err: unknown;
    try {
      gpuModelFor(new CoinModel());
    } catch (e) {
      err = e;
    }
    expect(isQinferError(err, 'ERR_UNKNOWN_MODEL')).toBe(true);
  });

  it('writes float32 WGSL literals', () => {
    expect(wgslF32(0)).toBe('0e+0f');
    expect(wgslF32(1.5)).toBe('1.5e+0f');
    expect(() => wgslF32(NaN)).toThrow(RangeError);
  });
});

describe('without an adapter', () => {
  it('GpuHost.adapterInfo rejects with GpuUnavailableError saying how to get one', async () => {
    const host = new GpuHost({ env: NO_DRIVER_ENV });
    const err = await host.adapterInfo().catch((e: unknown) => e);
    await host.close();
    expect(err).toBeInstanceOf(GpuUnavailableError);
    expect((err as GpuUnavailableError).code).toBe('ERR_GPU_UNAVAILABLE');
    expect((err as Error).message).toContain('install-lavapipe.sh');
    expect((err as Error).message).toContain('VK_DRIVER_FILES');
  });

  it('probeGpu reports it without throwing', async () => {
    const p = await probeGpu({ env: NO_DRIVER_ENV });
    expect(p.available).toBe(false);
    if (!p.available) expect(p.reason).toContain('ERR_GPU_UNAVAILABLE');
  });

  it('gpuBackend rejects with ERR_GPU_UNAVAILABLE, or uses its fallback with a warning', async () => {
    const model = new SimplePrecessionModel();
    const req = { model, outcomes: Int32Array.of(0, 1), x: Float64Array.of(0.1, 0.7, 0.3), nModels: 3, expparams: ExpParams.scalar([1, 4]) };
    const bare = gpuBackend({ env: NO_DRIVER_ENV });
    const err = await bare.likelihood(req).catch((e: unknown) => e);
    expect(isQinferError(err, 'ERR_GPU_UNAVAILABLE')).toBe(true);
    await bare.close();
    const warnings: QinferWarning[] = [];
    const withFallback = gpuBackend({ env: NO_DRIVER_ENV, fallback: serialBackend(), onWarning: (w) => warnings.push(w) });
    const L = await withFallback.likelihood(req);
    expect(Array.from(L)).toEqual(Array.from(model.likelihood([0, 1], Float64Array.of(0.1, 0.7, 0.3), ExpParams.scalar([1, 4])).data));
    expect(warnings.map((w) => w.category)).toEqual(['gpu']);
    await withFallback.close();
    await withFallback.close(); // idempotent
    expect(isQinferError(await withFallback.likelihood(req).catch((e: unknown) => e), 'ERR_CLOSED')).toBe(true);
  });

  it('probes once: the first failed probe warns one line with the reason, every later call runs on the fallback', async () => {
    const model = new SimplePrecessionModel();
    const req = { model, outcomes: Int32Array.of(0), x: Float64Array.of(0.2, 0.6), nModels: 2, expparams: ExpParams.scalar([3]) };
    const warnings: QinferWarning[] = [];
    const gpu = gpuBackend({ env: NO_DRIVER_ENV, fallback: serialBackend(), onWarning: (w) => warnings.push(w) });
    const first = await gpu.likelihood(req);
    const gen = gpu.host.generation;
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) expect(Array.from(await gpu.likelihood(req))).toEqual(Array.from(first));
    const perCall = (performance.now() - t0) / 200;
    expect(gpu.host.generation).toBe(gen); // no host was started again: no re-probe
    expect(warnings).toHaveLength(1);
    const msg = warnings[0]!.message;
    expect(msg).not.toContain('\n');
    expect(msg.length).toBeLessThan(220);
    expect(msg).toMatch(/^no WebGPU adapter \(.+\); every likelihood runs on serial from now on — see https:\/\/github\.com\/qinfer-rx\/qinfer-rx\/blob\/main\/docs\/gpu\.md$/);
    expect(perCall).toBeLessThan(50); // a probe costs a process start (~1 s); these are plain serial calls
    const err = await gpu.adapterInfo().catch((e: unknown) => e);
    expect(isQinferError(err, 'ERR_GPU_UNAVAILABLE')).toBe(true);
    expect(gpu.host.generation).toBe(gen);
    await gpu.close();
    // without a fallback: the same typed error every call, still without probing again
    const bare = gpuBackend({ env: NO_DRIVER_ENV });
    const e1 = await bare.likelihood(req).catch((e: unknown) => e);
    const g1 = bare.host.generation;
    const e2 = await bare.likelihood(req).catch((e: unknown) => e);
    expect(isQinferError(e1, 'ERR_GPU_UNAVAILABLE') && isQinferError(e2, 'ERR_GPU_UNAVAILABLE')).toBe(true);
    expect(bare.host.generation).toBe(g1);
    await bare.close();
  });

  it('GpuUnavailableError names only things a user has: the online guide and install script', () => {
    const e = new GpuUnavailableError('requestAdapter() returned null');
    expect(e.reason).toBe('requestAdapter() returned null');
    const paths = e.message.match(/[^\s(),`]+\.(?:md|sh)\b/g) ?? [];
    expect(paths.length).toBeGreaterThanOrEqual(2); // the guide and the lavapipe script
    for (const path of paths) expect(path).toMatch(/^https:\/\/github\.com\/qinfer-rx\/qinfer-rx\/blob\/main\//);
    expect(e.message).toContain(GPU_DOCS_URL);
  });

  it('autoBackend leaves the GPU out and lists why', async () => {
    const auto = await autoBackend(new SimplePrecessionModel(), { candidates: [serialBackend(), gpuBackend({ env: NO_DRIVER_ENV })], sizes: [10, 100], repeats: 1 });
    expect(auto.table.best).toEqual(['serial', 'serial']);
    expect(Object.values(auto.table.failures).join()).toContain('ERR_GPU_UNAVAILABLE');
    expect(formatAutoTable(auto.table)).toContain('left out');
    await auto.close();
  });
});

/** A fake backend whose calls cost `cost(nM)` on a shared fake clock, computing the serial result. */
function fake(name: string, clock: { t: number }, cost: (nM: number) => number): LikelihoodBackend {
  const serial = serialBackend();
  return {
    name,
    async likelihood(req, opts) {
      clock.t += cost(req.nModels);
      return serial.likelihood(req, opts);
    },
    async close() {},
  };
}

describe('autoBackend choice', () => {
  const model = new SimplePrecessionModel();
  const clock = { t: 0 };
  // "cpu": 1 ms per 1000 particles; "dev": 2 ms fixed + 0.1 ms per 1000: crossover between 1e3 and 1e4
  const cands = () => [fake('cpu', clock, (n) => n / 1000), fake('dev', clock, (n) => 2 + n / 10000)];

  it('measures every candidate at every size and picks the fastest per size', async () => {
    const auto = await autoBackend(model, { candidates: cands(), sizes: [100, 1000, 10000, 100000], repeats: 3, clock: () => clock.t });
    const t = auto.table;
    expect(t.backends).toEqual(['cpu', 'dev']);
    expect(t.ms.map((r) => r.map((v) => +v.toFixed(6)))).toEqual([[0.1, 2.01], [1, 2.1], [10, 3], [100, 12]]);
    expect(t.best).toEqual(['cpu', 'cpu', 'dev', 'dev']);
    // log-log interpolation between 1000 (cpu 1, dev 2.1 ms) and 10000 (cpu 10, dev 3 ms): they cross at 1000·10^f, f = ln 2.1 / (ln 10 − ln(3/2.1)).
    const f = Math.log(2.1) / (Math.log(10) - Math.log(3 / 2.1));
    expect(t.crossovers).toEqual([{ atElements: Math.round(1000 * 10 ** f), from: 'cpu', to: 'dev' }]);
    expect(auto.choose(500).name).toBe('cpu');
    expect(auto.choose(2300).name).toBe('cpu');
    expect(auto.choose(2500).name).toBe('dev');
    expect(auto.choose(3300).name).toBe('dev');
    expect(auto.choose(1e9).name).toBe('dev');
    const req = { model, outcomes: Int32Array.of(1), x: Float64Array.of(0.2, 0.4), nModels: 2, expparams: ExpParams.scalar([3]) };
    expect(Array.from(await auto.likelihood(req))).toEqual(Array.from(model.likelihood(1, Float64Array.of(0.2, 0.4), ExpParams.scalar([3])).data));
    await auto.close();
  });

  it('counts outcomes × experiments per particle when choosing', async () => {
    const auto = await autoBackend(model, { candidates: cands(), sizes: [1000, 10000], repeats: 1, clock: () => clock.t, expparams: ExpParams.scalar([1, 2]), outcomes: Int32Array.of(0, 1) });
    expect(auto.table.elementsPerParticle).toBe(4);
    expect(auto.choose(4 * 2300).name).toBe('cpu');
    expect(auto.choose(4 * 2500).name).toBe('dev');
    await auto.close();
  });

  it('rejects bad options at creation', async () => {
    await expect(autoBackend(model, { candidates: [] })).rejects.toMatchObject({ code: 'ERR_ARGUMENT' });
    await expect(autoBackend(model, { sizes: [0], candidates: [serialBackend()] })).rejects.toMatchObject({ code: 'ERR_ARGUMENT' });
  });
});
