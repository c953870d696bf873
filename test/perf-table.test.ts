import { from, lastValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { QinferError } from '../src/errors/QinferError.js';
import { recordSchema, SCALAR_SCHEMA, type ExpSchema } from '../src/expparams/ExpParams.js';
import { csvHeader, performanceTableToCSV, performanceTableToJSON } from '../src/perf/exportPerformanceTable.js';
import { PerformanceTable, sortedQuantile } from '../src/perf/PerformanceTable.js';
import type { TrialFailure } from '../src/perf/TrialFailure.js';
import type { TrialResult } from '../src/perf/TrialSpec.js';
import { toPerformanceTable } from '../src/perf/toPerformanceTable.js';

const nExp = 3;

/** A synthetic trial: loss (t+1)(k+1), resamples k·t, time 0.001·(t+1), true (t, 10t), est t/2, experiment 2^k. */
function result(t: number, schema: ExpSchema = SCALAR_SCHEMA): TrialResult {
  const columns: Record<string, Float64Array> =
    schema.kind === 'scalar' ? { value: Float64Array.from([1, 2, 4]) } : { ts: Float64Array.from([1, 1, 2, 2, 4, 4]), n: Float64Array.from([7, 8, 9]) };
  return {
    index: t,
    seed: 1000 + t,
    nExp,
    nTrue: 2,
    nEst: 1,
    loss: Float64Array.from({ length: nExp }, (_, k) => (t + 1) * (k + 1)),
    resampleCount: Int32Array.from({ length: nExp }, (_, k) => k * t),
    elapsedTime: Float64Array.from({ length: nExp }, () => 0.001 * (t + 1)),
    outcome: Int32Array.from({ length: nExp }, (_, k) => (k + t) % 2),
    trueParams: Float64Array.from({ length: 2 * nExp }, (_, i) => (i % 2 === 0 ? t : 10 * t)),
    estParams: Float64Array.from({ length: nExp }, () => t / 2),
    experiments: { schema, length: nExp, columns },
  };
}

const failure: TrialFailure = { failed: true, index: 2, seed: 1002, error: new QinferError('ERR_HEURISTIC', 'boom, "quoted"') };

async function sample(): Promise<PerformanceTable> {
  // Arrives out of order, with trial 2 failed.
  return lastValueFrom(from([result(3), failure, result(0), result(1)]).pipe(toPerformanceTable(4)));
}

describe('PerformanceTable', () => {
  it('places rows by trial index whatever the arrival order, and masks failures', async () => {
    const t = await sample();
    expect(Array.from(t.mask)).toEqual([0, 0, 1, 0]);
    expect(Array.from(t.seeds)).toEqual([1000, 1001, 1002, 1003]);
    expect(Array.from(t.loss.subarray(9, 12))).toEqual([4, 8, 12]);
    expect(Array.from(t.trueParams.subarray(3 * 6, 3 * 6 + 2))).toEqual([3, 30]);
    expect(t.failures).toEqual([failure]);
    expect(t.nValid).toBe(3);
    expect(t.column('true').width).toBe(2);
    expect(() => t.column('nope')).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
  });

  it('summarises over unmasked trials: Bayes risk, quantiles, resamples, time', async () => {
    const t = await sample();
    // Unmasked trials 0, 1, 3: loss (t+1)(k+1) → factors 1, 2, 4.
    expect(Array.from(t.bayesRisk())).toEqual([7 / 3, 14 / 3, 7]);
    expect(Array.from(t.lossQuantile(0.5))).toEqual([2, 4, 6]);
    expect(Array.from(t.lossQuantile(0.25))).toEqual([1.5, 3, 4.5]);
    expect(Array.from(t.lossQuantile(0.75))).toEqual([3, 6, 9]);
    expect(Array.from(t.meanResampleCount())).toEqual([0, 4 / 3, 8 / 3]);
    const s = t.summary();
    expect(s).toMatchObject({ nTrials: 4, nFailed: 1, nExp: 3, finalBayesRisk: 7, finalMedianLoss: 6, finalLossQuartiles: [4.5, 9], meanResamples: 8 / 3 });
    expect(s.meanTimePerUpdate).toBeCloseTo((0.001 + 0.002 + 0.004) / 3, 15);
  });

  it('numpy-style quantiles', () => {
    expect(sortedQuantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(sortedQuantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(sortedQuantile([5], 0.9)).toBe(5);
    expect(() => sortedQuantile([], 0.5)).toThrow();
  });

  it('refuses to summarise when every trial failed, and rejects foreign rows', () => {
    const t = new PerformanceTable(2, { ...PerformanceTable.layoutOf(result(0)) }).setFailure({ ...failure, index: 0 });
    expect(() => t.bayesRisk()).toThrow(expect.objectContaining({ code: 'ERR_TRIAL_FAILED' }));
    expect(() => t.set(result(5))).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
    expect(() => t.set({ ...result(1), nTrue: 3 })).toThrow(expect.objectContaining({ code: 'ERR_SHAPE' }));
  });

  it('exports JSON with the dtype, mask, failures, summary and nested records', async () => {
    const t = await sample();
    const j = JSON.parse(JSON.stringify(performanceTableToJSON(t)));
    expect(j.dtype.map((d: unknown[]) => d[0])).toEqual(['loss', 'resample_count', 'elapsed_time', 'outcome', 'true', 'est', 'experiment']);
    expect(j.dtype[4]).toEqual(['true', 'float64', [2]]);
    expect(j.masked).toEqual([false, false, true, false]);
    expect(j.failures).toEqual([{ index: 2, seed: 1002, error: { name: 'QinferError', code: 'ERR_HEURISTIC', message: 'boom, "quoted"' } }]);
    expect(j.records.loss[2]).toBeNull();
    expect(j.records.loss[3]).toEqual([4, 8, 12]);
    expect(j.records.true[1]).toEqual([[1, 10], [1, 10], [1, 10]]);
    expect(j.records.experiment[0]).toEqual([1, 2, 4]);
    expect(j.bayesRisk).toEqual([7 / 3, 14 / 3, 7]);
    expect(j.summary.finalBayesRisk).toBe(7);
  });

  it('exports CSV: one line per (trial, experiment), vector fields spread, failures as one quoted line', async () => {
    const t = await sample();
    const lines = performanceTableToCSV(t, { prefix: { run: 'a,b' } }).trimEnd().split('\n');
    expect(lines[0]).toBe('run,trial,seed,step,failed,loss,resample_count,elapsed_time,outcome,true_0,true_1,est,experiment,error');
    expect(lines.length).toBe(1 + 3 * 3 + 1);
    expect(lines[1]).toBe('"a,b",0,1000,0,0,1,0,0.001,0,0,0,0,1,');
    const failed = lines.find((l) => l.startsWith('"a,b",2,'))!;
    expect(failed).toBe('"a,b",2,1002,,1,,,,,,,,,"ERR_HEURISTIC: boom, ""quoted"""');
    for (const l of lines.slice(1)) if (!l.includes('ERR_')) expect(l.split(',').length).toBe(lines[0]!.split(',').length + 1); // +1: the quoted prefix holds a comma
  });

  it('record experiments keep their fields and widths', async () => {
    const schema = recordSchema({ name: 'ts', type: 'float', shape: 2 }, { name: 'n', type: 'uint' });
    const t = await lastValueFrom(from([result(0, schema)]).pipe(toPerformanceTable(1)));
    expect(t.dtype.slice(6).map((f) => [f.name, f.type, f.shape])).toEqual([
      ['ts', 'float64', [2]],
      ['n', 'uint64', []],
    ]);
    expect(Array.from(t.experiments['ts']!)).toEqual([1, 1, 2, 2, 4, 4]);
    expect(csvHeader(t).slice(-4)).toEqual(['ts_0', 'ts_1', 'n', 'error']);
  });
});
