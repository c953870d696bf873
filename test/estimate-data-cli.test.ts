import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/CliIo.js';
import { EXIT, runCli } from '../src/cli/runCli.js';
import { simpleEstPrec, simpleEstRb } from '../src/estimation/simpleEst.js';
import { formatUncertainty } from '../src/util/formatUncertainty.js';

const dir = mkdtempSync(join(tmpdir(), 'qinfer-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'examples'));
for (const f of ['rb-counts.csv', 'irb-counts.csv', 'precession-counts.csv']) {
  copyFileSync(fileURLToPath(new URL(`../examples/${f}`, import.meta.url)), join(dir, f));
  copyFileSync(fileURLToPath(new URL(`../examples/${f}`, import.meta.url)), join(dir, 'examples', f));
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s), isTTY: false }, cwd: dir };
  const code = await runCli(argv, io);
  return { code, out, err };
}

describe('qinfer-rx estimate --data (the open loop on measured counts)', () => {
  it('RB from a CSV of survival counts: QInfer’s 8000 particles, the same posterior as simpleEstRb with that seed, and the fidelity', async () => {
    const r = await cli(['estimate', '--data', 'rb-counts.csv', '--model', 'RandomizedBenchmarkingModel', '--seed', '3']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('RandomizedBenchmarkingModel from rb-counts.csv (12 rows, 1200 shots), 8000 particles, seed 3');
    const est = simpleEstRb(readFileSync(join(dir, 'rb-counts.csv'), 'utf8'), { updater: { rng: 3 } });
    expect(r.out).toContain(`p = ${formatUncertainty(est.mean[0]!, est.sd[0]!)}`);
    expect(r.out).toContain(`B = ${formatUncertainty(est.mean[2]!, est.sd[2]!)}`);
    expect(r.out).toContain(`F = ${formatUncertainty(est.fidelity.reference.mean, est.fidelity.reference.sd)}`);
  });
  it('prints exactly what the README shows for its command', async () => {
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const m = /\$ npx tsx src\/cli\/main\.ts (estimate --data examples\/rb-counts\.csv[^\n]*)\n([\s\S]*?)```/.exec(readme);
    expect(m).not.toBeNull();
    const r = await cli(m![1]!.split(' '));
    expect(r.code).toBe(0);
    expect(r.out).toBe(m![2]);
  });
  it('interleaved RB (--param interleaved=true) prints p̃, both fidelities and writes a plot', async () => {
    const r = await cli(['estimate', '--data', 'irb-counts.csv', '--model', 'RandomizedBenchmarkingModel', '--param', 'interleaved=true', '--plot', 'irb.svg', '--dimension', '2']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/p̃ = /);
    expect(r.out).toMatch(/average gate fidelity \(interleaved gate, d = 2\): F = /);
    expect(r.out).toMatch(/average gate fidelity \(reference, d = 2\): F = /);
    expect(readFileSync(join(dir, 'irb.svg'), 'utf8')).toMatch(/^<svg/);
  });
  it('precession counts default to QInfer’s 6000 particles and equal simpleEstPrec', async () => {
    const r = await cli(['estimate', '--data', 'precession-counts.csv']);
    expect(r.code).toBe(0);
    const est = simpleEstPrec(readFileSync(join(dir, 'precession-counts.csv'), 'utf8'), { updater: { rng: 1 } });
    expect(r.out).toContain('6000 particles');
    expect(r.out).toContain(`ω = ${formatUncertainty(est.mean[0]!, est.sd[0]!)}`);
  });
  it('any two-outcome model by name: UnknownT2Model counts with --prior ranges', async () => {
    writeFileSync(join(dir, 't2.csv'), 'counts,t,n_shots\n10,1,40\n22,3,40\n19,6,40\n21,9,40\n');
    const r = await cli(['estimate', '--data', 't2.csv', '--model', 'UnknownT2Model', '--prior', '0:1', '--prior', '0:0.5', '-p', '2000']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ω = .*\n.*T₂⁻¹ = /);
  });
  it('too few particles for the data: a run-time failure that says what to do (exit 1)', async () => {
    const r = await cli(['estimate', '--data', 'irb-counts.csv', '--model', 'RandomizedBenchmarkingModel', '--param', 'interleaved=true', '-p', '200']);
    expect(r.code).toBe(EXIT.failed);
    expect(r.err).toMatch(/All particle weights are zero\. After \d+ rows the counts are sharper than 200 particles resolve: try more particles/);
  });
  it('bad data are usage errors naming the problem (exit 2)', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'counts,m,n_shots\n120,4,100\n');
    const bad = await cli(['estimate', '--data', 'bad.csv', '--model', 'RandomizedBenchmarkingModel']);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toMatch(/counts must be an integer in 0 … n_shots = 100/);
    const missing = await cli(['estimate', '--data', 'nope.csv']);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.err).toMatch(/cannot read 'nope.csv'/);
    const cols = await cli(['estimate', '--data', 'rb-counts.csv', '--model', 'SimpleInversionModel']);
    expect(cols.code).toBe(EXIT.usage);
    expect(cols.err).toMatch(/no column 't' in the counts \(columns: counts, m, n_shots\)/);
  });
});
