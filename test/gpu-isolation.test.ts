/**
 * Dawn runs in its own process: a native crash (exit, SIGABRT as from a glibc assertion,
 * SIGSEGV) or a hang inside the GPU host becomes a typed `ERR_GPU` error for the call in flight,
 * this process survives, and the next call gets a fresh host (or the CPU fallback). Plus the
 * regression test of the safe Dawn usage pattern: persistent buffers at 1e6 particles with a
 * forced `gc()` after every submission (the pattern that crashed dawn.node before the host
 * held on to the `navigator.gpu` object).
 */
import { describe, expect, it } from 'vitest';
import { ExpParams, SimplePrecessionModel, UniformDistribution, isQinferError, serialBackend, type QinferWarning } from '../src/index.js';
import { GpuUpdater, gpuBackend, type GpuFaultKind } from '../src/gpu/index.js';
import { RUN_GPU, WHERE } from './gpuGate.js';


const model = new SimplePrecessionModel();
const request = { model, outcomes: Int32Array.of(0), x: Float64Array.of(0.1, 0.2, 0.3), nModels: 3, expparams: ExpParams.scalar([1]) };

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => undefined, (e: unknown) => e);
}

describe.runIf(RUN_GPU)(`GPU host isolation ${WHERE}`, () => {
  it.each<[GpuFaultKind, Record<string, unknown>]>([
    ['exit', { exitCode: 70 }],
    ['abort', { signal: 'SIGABRT' }],
    ['segfault', { signal: 'SIGSEGV' }],
  ])('a host that dies (%s) fails the call with ERR_GPU; the next call starts a fresh host', async (kind, expected) => {
    const gpu = gpuBackend();
    await gpu.likelihood(request);
    await gpu.host.injectFault(kind);
    const err = await errorOf(gpu.likelihood(request));
    expect(isQinferError(err, 'ERR_GPU')).toBe(true);
    expect((err as { details: Record<string, unknown> }).details).toMatchObject(expected);
    expect(gpu.host.generation).toBe(1);
    const L = await gpu.likelihood(request);
    expect(gpu.host.generation).toBe(2);
    expect(L.length).toBe(3);
    await gpu.close();
  });

  it('a hung host is killed by the watchdog and the call fails with ERR_GPU', async () => {
    const gpu = gpuBackend({ timeoutMs: 1500 });
    await gpu.likelihood(request);
    await gpu.host.injectFault('hang');
    const t0 = Date.now();
    const err = await errorOf(gpu.likelihood(request));
    expect(isQinferError(err, 'ERR_GPU')).toBe(true);
    expect((err as { details: Record<string, unknown> }).details).toMatchObject({ op: 'likelihood', timeoutMs: 1500 });
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect((await gpu.likelihood(request)).length).toBe(3);
    await gpu.close();
  });

  it('with a fallback, a crash costs a warning, not the result', async () => {
    const warnings: QinferWarning[] = [];
    const gpu = gpuBackend({ fallback: serialBackend(), onWarning: (w) => warnings.push(w) });
    await gpu.likelihood(request);
    await gpu.host.injectFault('segfault');
    const L = await gpu.likelihood(request);
    expect(Array.from(L)).toEqual(Array.from(model.likelihood(0, request.x, request.expparams).data));
    expect(warnings.map((w) => w.category)).toEqual(['gpu']);
    await gpu.close();
  });

  it('a GpuUpdater whose host died rejects with ERR_GPU from then on (its device state is gone)', async () => {
    const up = await GpuUpdater.create(model, 1000, new UniformDistribution([0, 1]), { rng: 1 });
    await up.update(0, ExpParams.scalar([1]));
    await up.host.injectFault('abort');
    expect(isQinferError(await errorOf(up.update(1, ExpParams.scalar([2]))), 'ERR_GPU')).toBe(true);
    expect(isQinferError(await errorOf(up.estMean()), 'ERR_GPU')).toBe(true);
    expect(up.dataRecord).toEqual([0]);
    await up.close();
  });

  it('persistent device buffers survive 1e6 particles with gc() after every submission (the safe pattern)', async () => {
    const up = await GpuUpdater.create(model, 1_000_000, new UniformDistribution([0, 1]), { rng: 2, forceGc: true, resampleThresh: 0 });
    for (let k = 0; k < 6; k++) {
      const r = await up.update(k % 2, ExpParams.scalar([1 + k]));
      expect(r.accepted).toBe(true);
    }
    const mean = await up.estMean();
    expect(mean[0]).toBeGreaterThan(0);
    expect(mean[0]).toBeLessThan(1);
    expect(up.host.generation).toBe(1);
    await up.close();
  });
});
