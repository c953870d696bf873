import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ROOT, runDocBlock, tsBlocks } from './helpers/docBlocks.js';

const readme = readFileSync(`${ROOT}README.md`, 'utf8');
const blocks = tsBlocks(readme).map((b) => b.code);

/** Runs a README block as a module, with 'qinfer-rx' and its subpaths resolved to this checkout's sources. */
function runBlock(i: number): Promise<unknown[][]> {
  return runDocBlock(blocks[i]!, 'readme', `block${i}`);
}

describe('README examples run as written', () => {
  afterEach(() => vi.restoreAllMocks());

  it('has TypeScript examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  it('the closed loop estimates ω ≈ 0.42', async () => {
    const i = blocks.findIndex((b) => b.includes('estimate({'));
    const [[mean, sd]] = (await runBlock(i)) as [[number, number]];
    expect(sd).toBeLessThan(1e-4);
    expect(Math.abs(mean - 0.42)).toBeLessThan(5 * sd);
  });

  it('the performance test collects a table with a final Bayes risk', async () => {
    const i = blocks.findIndex((b) => b.includes('perfTestMultiple(20'));
    const [[n, risk]] = (await runBlock(i)) as [[number, number]];
    expect(n).toBe(20);
    expect(risk).toBeGreaterThan(0);
    expect(risk).toBeLessThan(0.01);
  });

  it('the pool example creates and closes a pool', async () => {
    const i = blocks.findIndex((b) => b.includes('createPool({ engines: 4'));
    await runBlock(i); // run from the repository root, where the example module lives
  });

  it('the RB estimate from a CSV of counts agrees with the exact posterior (p = 0.99508 ± 0.00085, by a grid) within 3 σ', async () => {
    const i = blocks.findIndex((b) => b.includes('simpleEstRb('));
    const [[p, sd, F, sdF]] = (await runBlock(i)) as [[number, number, number, number]];
    expect(Math.abs(p - 0.99508)).toBeLessThan(3 * Math.max(sd, 0.00085));
    expect(F).toBeCloseTo(1 - (1 - p) / 2, 12);
    expect(sdF).toBeCloseTo(sd / 2, 12);
    expect(readme).toContain(`p ≈ ${p.toFixed(4)} ± ${sd.toFixed(4)}`); // the numbers quoted are the ones it prints
  });

  it('the open loop emits a posterior after each measurement', async () => {
    const i = blocks.findIndex((b) => b.includes('likelihood(),'));
    const [[index, mean, nEss]] = (await runBlock(i)) as [[number, number, number]];
    expect(index).toBe(2);
    expect(mean).toBeGreaterThan(0);
    expect(mean).toBeLessThan(1);
    expect(nEss).toBeGreaterThan(1);
  });
});
