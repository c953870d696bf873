/**
 * The batched performance-test engine (`gpuBatchApply`, src/gpu/batch): K trials' clouds
 * resident on the device together, one submission per experiment. Here: the table it fills
 * (columns, seeds, the trials' own data streams), results independent of how trials are
 * batched, chunking by the device's buffer limits, per-trial failures, PGH on the device,
 * cancellation, and the CPU fallbacks (one warning each). Accuracy over 300 experiments is in
 * gpu-long-runs.test.ts.
 */
import { lastValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { builtInRegistry, isQinferError, perfTestMultiple, toPerformanceTable, type PerfTestOptions, type PerformanceTable, type QinferWarning } from '../src/index.js';
import { GpuHost, batchCapacity, gpuBatchApply, type GpuBatchApply, type GpuModelFactory } from '../src/gpu/index.js';
import { RUN_GPU, WHERE } from './gpuGate.js';

const U01 = { name: 'UniformDistribution', params: { ranges: [[0, 1]] } };
const precession = (nParticles: number, nExp: number, extra: Partial<PerfTestOptions> = {}): PerfTestOptions => ({
  model: { name: 'SimplePrecessionModel' }, prior: U01, heuristic: { name: 'ExpSparseHeuristic' }, nParticles, nExp, ...extra,
});

async function table(n: number, options: PerfTestOptions, apply?: GpuBatchApply, extra: { seed?: number; allowFailures?: boolean; signal?: AbortSignal } = {}): Promise<PerformanceTable> {
  const run = apply === undefined ? {} : { apply, concurrency: apply.concurrency };
  return lastValueFrom(perfTestMultiple(n, options, { ...run, seed: extra.seed ?? 3, registry: builtInRegistry(), ...extra }).pipe(toPerformanceTable(n)));
}

const median = (t: PerformanceTable): number => t.summary().finalMedianLoss;

/** The user kernels of the failure tests: Pr(0) = 1.5 (invalid), and Pr(0) = [x > ½] (zero weights for a truth outside the prior). */
const bad: GpuModelFactory = (m) => ({
  name: m.name, nModelparams: 1, nExpValues: 1, packExperiments() {},
  wgsl: 'fn pr0(x: array<f32, NP>, e: array<f32, NF>) -> f32 { return 1.5; }\nfn valid(x: array<f32, NP>) -> bool { return true; }',
});
const step: GpuModelFactory = (m) => ({
  name: m.name, nModelparams: 1, nExpValues: 1, packExperiments() {},
  wgsl: 'fn pr0(x: array<f32, NP>, e: array<f32, NF>) -> f32 { return select(0.0, 1.0, x[0] > 0.5); }\nfn valid(x: array<f32, NP>) -> bool { return true; }',
});

describe('gpuBatchApply without an adapter', () => {
  it('runs every trial on the CPU (serialApply), with one warning line naming the reason', async () => {
    const warnings: QinferWarning[] = [];
    const apply = gpuBatchApply({ env: { ...process.env, VK_DRIVER_FILES: '/nonexistent/none.json', VK_ICD_FILENAMES: '/nonexistent/none.json' }, onWarning: (w) => warnings.push(w) });
    const options = precession(200, 12);
    const [got, want] = [await table(5, options, apply), await table(5, options)];
    expect(Array.from(got.loss)).toEqual(Array.from(want.loss));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/^no WebGPU adapter \(.+\); every trial runs on the CPU from now on — see https:\/\/github\.com\/qinfer-rx\/qinfer-rx\/blob\/main\/docs\/gpu\.md$/);
    await apply.close();
  });
});

describe.runIf(RUN_GPU)(`batched trials on the device ${WHERE}`, () => {
  it('fills the same table as perfTestMultiple: the trials\' own true parameters, data and experiments', async () => {
    const apply = gpuBatchApply();
    const options = precession(500, 60);
    const got = await table(8, options, apply);
    const want = await table(8, options);
    await apply.close();
    expect(got.dtype).toEqual(want.dtype);
    expect(got.nValid).toBe(8);
    expect(Array.from(got.trueParams)).toEqual(Array.from(want.trueParams));
    expect(Array.from(got.experiments['experiment']!)).toEqual(Array.from(want.experiments['experiment']!));
    // the outcomes come from each trial's simulation stream; the device's exact phase agrees
    // with the float64 model but for the rare draws within float32 of Pr(0)
    let same = 0;
    for (let i = 0; i < got.outcome.length; i++) same += got.outcome[i] === want.outcome[i] ? 1 : 0;
    expect(same).toBeGreaterThanOrEqual(got.outcome.length - 2);
    expect(median(got)).toBeLessThan(3 * median(want));
    expect(got.summary().meanTimePerUpdate).toBeGreaterThan(0);
    expect(got.summary().meanResamples).toBeGreaterThan(5);
  });

  it('gives each trial the same records whatever the batch it runs in', async () => {
    const host = new GpuHost();
    const options = precession(300, 40);
    const one = gpuBatchApply({ host, maxTrials: 2 }), all = gpuBatchApply({ host, maxTrials: 64 });
    const a = await table(5, options, one), b = await table(5, options, all);
    await Promise.all([one.close(), all.close()]);
    await host.close();
    expect(Array.from(a.loss)).toEqual(Array.from(b.loss));
    expect(Array.from(a.resampleCount)).toEqual(Array.from(b.resampleCount));
  });

  it('splits K × n particles into batches that fit the largest buffer (device limit or memoryLimit)', async () => {
    const host = new GpuHost();
    const info = await host.adapterInfo();
    // the device's own limit bounds a batch; 2.5 trials' offsets of 6000 particles: batches of 2
    expect(batchCapacity(info.limits, Math.floor(Math.min(info.limits.maxStorageBufferBindingSize, info.limits.maxBufferSize) / 20), 1, 1024)).toBe(2);
    const sizes: number[] = [];
    const call = host.call.bind(host);
    host.call = ((op: string, args: unknown, inputs?: readonly ArrayBufferView[], o?: object) => {
      if (op === 'batchCreate') sizes.push((args as { K: number }).K);
      return call(op, args, inputs, o);
    }) as typeof host.call;
    const apply = gpuBatchApply({ host, memoryLimit: 2.5 * 2 * 6000 * 4 });
    const t = await table(5, precession(6000, 2), apply);
    await apply.close();
    await host.close();
    expect(t.nValid).toBe(5);
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('stops a trial whose likelihood is invalid (ERR_INVALID_LIKELIHOOD) or whose weights all vanish (ERR_ZERO_WEIGHTS), per trial', async () => {
    const invalid = gpuBatchApply({ gpuModels: { SimplePrecessionModel: bad } });
    const t1 = await table(3, precession(256, 5), invalid, { allowFailures: true });
    await invalid.close();
    expect(t1.failures.map((f) => (f.error as { code?: string }).code)).toEqual(['ERR_INVALID_LIKELIHOOD', 'ERR_INVALID_LIKELIHOOD', 'ERR_INVALID_LIKELIHOOD']);
    // truth 0.9 outside the prior U[0, ½]: every particle gives the observed outcome 0 probability 0
    const zero = gpuBatchApply({ gpuModels: { SimplePrecessionModel: step } });
    const opts = precession(256, 5, { prior: { name: 'UniformDistribution', params: { ranges: [[0, 0.5]] } }, trueModelparams: [0.9] });
    const t2 = await table(2, opts, zero, { allowFailures: true });
    const skipped = await table(2, { ...opts, updater: { zeroWeightPolicy: 'skip' } }, zero);
    await zero.close();
    expect(t2.failures).toHaveLength(2);
    for (const f of t2.failures) expect(isQinferError(f.error, 'ERR_ZERO_WEIGHTS')).toBe(true);
    expect(skipped.nValid).toBe(2); // 'skip' skips every datum: the prior mean stays the estimate
    for (let k = 1; k < 5; k++) expect(skipped.estParams[k]).toBe(skipped.estParams[0]);
    expect(skipped.estParams[0]).toBeGreaterThan(0.2);
    expect(skipped.estParams[0]).toBeLessThan(0.3);
  });

  it('runs PGH with its two particle draws on the device (SimplePrecession: t = 1 / |x − x\'|)', async () => {
    const apply = gpuBatchApply();
    const options = precession(500, 80, { heuristic: { name: 'PGH', params: { invField: null } } });
    const got = await table(6, options, apply);
    const want = await table(6, options);
    await apply.close();
    expect(got.nValid).toBe(6);
    expect(median(got)).toBeLessThan(3 * median(want));
    const ts = got.experiments['experiment']!;
    expect(ts[ts.length - 1]!).toBeGreaterThan(1e3); // the times grow as the posterior narrows
  });

  it('sends options it cannot run to the fallback with one warning, and cancels with the signal', async () => {
    const warnings: QinferWarning[] = [];
    const apply = gpuBatchApply({ onWarning: (w) => warnings.push(w) });
    const reset = precession(200, 8, { updater: { zeroWeightPolicy: 'reset' } });
    const got = await table(3, reset, apply);
    expect(Array.from(got.loss)).toEqual(Array.from((await table(3, reset)).loss));
    expect(warnings.map((w) => w.message)).toEqual(["the batched GPU engine cannot run these trials (zero-weight policy 'reset'); they run on the CPU"]);
    const ctl = new AbortController();
    const p = table(4, precession(300, 400), apply, { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 300);
    const err = await p.catch((e: unknown) => e);
    expect(isQinferError(err, 'ERR_ABORTED')).toBe(true);
    const after = await table(2, precession(200, 10), apply); // the engine is free again
    expect(after.nValid).toBe(2);
    await apply.close();
  });
});
