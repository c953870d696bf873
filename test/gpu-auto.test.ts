/**
 * autoBackend with the real GPU backend beside the serial one: it measures both, and whatever it
 * picks per call size, the result is the model's likelihood (exactly from serial, within the
 * float32 tolerance from the GPU). The choice logic itself is tested with fake backends in
 * gpu-unit.test.ts; no timing is asserted here.
 */
import { describe, expect, it } from 'vitest';
import { ExpParams, SimplePrecessionModel, serialBackend } from '../src/index.js';
import { autoBackend, formatAutoTable, gpuBackend } from '../src/gpu/index.js';
import { RUN_GPU, WHERE } from './gpuGate.js';


describe.runIf(RUN_GPU)(`autoBackend with serial and GPU ${WHERE}`, () => {
  it('measures both, prints a table, and computes the likelihood at any size', async () => {
    const model = new SimplePrecessionModel();
    const auto = await autoBackend(model, { candidates: [serialBackend(), gpuBackend()], sizes: [100, 3000, 30000], repeats: 1 });
    const t = auto.table;
    expect(t.backends[0]).toBe('serial');
    expect(t.backends[1]!.startsWith('gpu:')).toBe(true);
    expect(t.failures).toEqual({});
    expect(t.ms.flat().every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    t.ms.forEach((row, s) => expect(t.best[s]).toBe(t.backends[row.indexOf(Math.min(...row))]));
    const text = formatAutoTable(t);
    for (const b of t.backends) expect(text).toContain(b);
    for (const n of [10, 3000, 50_000]) {
      const x = Float64Array.from({ length: n }, (_, i) => (i + 0.5) / n);
      const eps = ExpParams.scalar([2]);
      const L = await auto.likelihood({ model, outcomes: Int32Array.of(0), x, nModels: n, expparams: eps });
      const ref = model.likelihood(0, x, eps).data;
      for (let i = 0; i < n; i++) expect(Math.abs(L[i]! - ref[i]!)).toBeLessThanOrEqual(2 ** -21 * (1 + x[i]!));
    }
    await auto.close();
  });
});
