import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const guide = readFileSync(`${root}docs/estimation.md`, 'utf8');
const blocks = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** Runs a guide block as a module with 'qinfer-rx' resolved to this checkout's sources; returns its console.log calls. */
async function runBlock(i: number): Promise<unknown[][]> {
  const dir = `${root}out/guide`;
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/block${i}.ts`;
  writeFileSync(file, blocks[i]!.replace(/from 'qinfer-rx'/g, `from '${pathToFileURL(`${root}src/index.ts`).href}'`));
  const logged: unknown[][] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logged.push(args));
  await import(/* @vite-ignore */ `${pathToFileURL(file).href}?t=${Date.now()}`);
  return logged;
}

describe('docs/estimation.md examples run as written', () => {
  afterEach(() => vi.restoreAllMocks());

  it('interleaved RB from a CSV: the gate and reference fidelities it quotes', async () => {
    const [[names, gate, gateSd, ref, refSd]] = (await runBlock(blocks.findIndex((b) => b.includes('interleaved: true')))) as [[string[], number, number, number, number]];
    expect(names).toEqual(['\\tilde{p}', 'p', 'A', 'B']);
    expect(Math.abs(gate - 0.99)).toBeLessThan(4 * Math.max(gateSd, 0.002));
    expect(Math.abs(ref - 0.9975)).toBeLessThan(4 * Math.max(refSd, 0.0005));
    expect(guide).toContain(`F(gate) ≈ ${gate.toFixed(3)} ± ${gateSd.toFixed(3)}, F(reference) ≈ ${ref.toFixed(4)} ± ${refSd.toFixed(4)}`);
  });

  it('photon counts: the sampled Bayes risk agrees with the enumerated one within 4 standard errors', async () => {
    const [[exact, mc, se, neglected]] = (await runBlock(blocks.findIndex((b) => b.includes('PoissonCountModel')))) as [[number, number, number, number]];
    expect(Math.abs(mc - exact)).toBeLessThan(4 * se);
    expect(neglected).toBeLessThanOrEqual(1e-12);
  });

  it('the Bayesian Cramér–Rao bound: J grows by t² per datum over J₀ ≈ 1/σ²', async () => {
    const [[J, bound]] = (await runBlock(blocks.findIndex((b) => b.includes('SMCUpdaterBCRB')))) as [[number, number, number]];
    expect(Math.abs(J - 284) / 284).toBeLessThan(0.05);
    expect(bound).toBeCloseTo(1 / J, 14);
  });

  it('credible regions: a hull, a full-rank ellipse, the mean inside and a far point outside', async () => {
    const [[nVertices, rank, inside]] = (await runBlock(blocks.findIndex((b) => b.includes('regionEstHull')))) as [[number, number, number[]]];
    expect(nVertices).toBeGreaterThan(3);
    expect(rank).toBe(2);
    expect(inside).toEqual([1, 0]);
  });
});
