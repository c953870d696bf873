/**
 * autoBackend's choice with injected measurements (fake candidates on a fake clock): it never
 * sends a call to a candidate its own table shows slower at that size.
 */
import { describe, expect, it } from 'vitest';
import { autoBackend, formatAutoTable } from '../src/backends/autoBackend.js';
import type { LikelihoodBackend } from '../src/backends/LikelihoodBackend.js';
import { serialBackend } from '../src/backends/serialBackend.js';
import { QinferError } from '../src/errors/QinferError.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';

const model = new SimplePrecessionModel();
const sizes = [1000, 10000, 100000, 1000000];

/**
 * Candidates whose measured calls cost `table[s][b]` ms at `sizes[s]` (the fake clock advances by
 * it); `calls` records the order the measurement ran them in. A NaN cell makes that call throw.
 */
function fakes(table: number[][], clock: { t: number }, calls: string[]): LikelihoodBackend[] {
  const serial = serialBackend();
  return table[0]!.map((_, b) => ({
    name: `c${b}`,
    async likelihood(req, opts) {
      const s = sizes.indexOf(req.nModels);
      calls.push(`c${b}@${req.nModels}`);
      const cost = s >= 0 ? table[s]![b]! : 1;
      if (Number.isNaN(cost)) throw new QinferError('ERR_GPU_UNAVAILABLE', `c${b} cannot run`);
      clock.t += cost;
      return serial.likelihood(req, opts);
    },
    async close() {},
  }));
}

/** The interpolated log-time of candidate b at e elements (what the choice must minimise), computed here independently. */
function interpolated(table: number[][], b: number, e: number): number {
  const lx = sizes.map(Math.log), le = Math.log(e);
  if (le <= lx[0]!) return Math.log(table[0]![b]!);
  if (le >= lx.at(-1)!) return Math.log(table.at(-1)![b]!);
  const s = lx.findIndex((v, i) => le >= v && le < lx[i + 1]!);
  const f = (le - lx[s]!) / (lx[s + 1]! - lx[s]!);
  return (1 - f) * Math.log(table[s]![b]!) + f * Math.log(table[s + 1]![b]!);
}

describe('autoBackend choice with injected measurements', () => {
  // Three candidates with awkward, non-monotone timings: several crossings, one between two losers.
  const table = [
    [1, 3, 0.9],
    [9, 4, 12],
    [95, 30, 20],
    [900, 400, 700],
  ];

  it('picks, at every size measured or in between, the candidate with the least (interpolated) time', async () => {
    const clock = { t: 0 }, calls: string[] = [];
    const auto = await autoBackend(model, { candidates: fakes(table, clock, calls), sizes, repeats: 3, clock: () => clock.t });
    expect(auto.table.ms.map((row) => row.map((v) => +v.toFixed(9)))).toEqual(table);
    expect(auto.table.best).toEqual(['c2', 'c1', 'c2', 'c1']);
    for (let e = 300; e < 3e7; e *= 1.07) {
      const chosen = Number(auto.choose(e).name.slice(1));
      for (let b = 0; b < 3; b++) expect(interpolated(table, chosen, e), `${e} elements: c${chosen} vs c${b}`).toBeLessThanOrEqual(interpolated(table, b, e) + 1e-12);
    }
    // The crossovers are where the choice changes, in order, and agree with choose().
    expect(auto.table.crossovers.length).toBeGreaterThanOrEqual(3);
    let prev = auto.choose(sizes[0]!).name;
    for (const c of auto.table.crossovers) {
      expect(c.from).toBe(prev);
      expect(auto.choose(c.atElements * 0.999).name).toBe(c.from);
      expect(auto.choose(c.atElements * 1.001).name).toBe(c.to);
      prev = c.to;
    }
    expect(formatAutoTable(auto.table)).toContain('crossover: c2 → c1');
    await auto.close();
  });

  it('never picks a candidate measured slower everywhere (a pool that loses to serial at every size)', async () => {
    const clock = { t: 0 }, calls: string[] = [];
    const loses = sizes.map((n) => [n / 1000, 1.2 * (n / 1000) + 0.05]);
    const auto = await autoBackend(model, { candidates: fakes(loses, clock, calls), sizes, repeats: 2, clock: () => clock.t });
    for (let e = 10; e < 1e9; e *= 3) expect(auto.choose(e).name).toBe('c0');
    expect(auto.table.crossovers).toEqual([]);
    await auto.close();
  });

  it('measures the candidates interleaved (one call of each per round) and leaves out one that fails', async () => {
    const clock = { t: 0 }, calls: string[] = [];
    const broken = sizes.map((n, s) => [n / 1000, s === 2 ? NaN : n / 5000]);
    const auto = await autoBackend(model, { candidates: fakes(broken, clock, calls), sizes, repeats: 2, clock: () => clock.t });
    expect(calls.slice(0, 6)).toEqual(['c0@1000', 'c1@1000', 'c0@1000', 'c1@1000', 'c0@1000', 'c1@1000']);
    expect(Object.keys(auto.table.failures)).toEqual(['c1']);
    expect(auto.table.ms.every((row) => Number.isNaN(row[1]))).toBe(true);
    for (const e of [100, 1e4, 1e7]) expect(auto.choose(e).name).toBe('c0');
    await auto.close();
  });
});
