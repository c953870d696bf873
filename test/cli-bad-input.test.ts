/**
 * Bad input through the real `qinfer-rx` command (issue 14): unknown model and heuristic
 * parameters (item 10) and runs that cannot fit in memory (item 11) are usage errors (exit 2)
 * before anything runs — before: ignored, or a V8 heap OOM after a minute.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliProcess } from './helpers/cliProcess.js';

const dir = mkdtempSync(join(tmpdir(), 'qinfer-cli-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quick = ['-t', '2', '-e', '3', '-p', '50', '--no-out', '--no-plot', '--progress', 'none'];

describe('item 10: unknown parameters are refused, naming the known ones', () => {
  it('perf --param minfreq=0.5 (a typo of minFreq)', async () => {
    const r = await runCliProcess(['perf', ...quick, '--param', 'minfreq=0.5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown parameter 'minfreq' of model SimplePrecessionModel \(known: minFreq; did you mean 'minFreq'\?\)/);
  });

  it('estimate --heuristic-param scal=2 (a typo of scale)', async () => {
    const r = await runCliProcess(['estimate', '-e', '3', '-p', '50', '--heuristic-param', 'scal=2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown parameter 'scal' of heuristic ExpSparseHeuristic \(known: scale, base, tField, otherFields, integer; did you mean 'scale'\?\)/);
    expect(r.stdout).toBe('');
  });
});

describe('item 11: memory is estimated before allocating (ERR_MEMORY with the estimate and the limit)', () => {
  it('-m NDieModel --param n=100000000 is refused before its prior ranges are built', async () => {
    const r = await runCliProcess(['perf', ...quick, '-m', 'NDieModel', '--param', 'n=100000000', '-H', 'ExpSparseHeuristic', '--heuristic-param', 'tField=exp_num', '--heuristic-param', 'otherFields={}']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/this run \(50 particles × 100000000 parameters of NDieModel.*\) needs about [\d.]+ [GT]iB, above the memory limit of [\d.]+ [GMT]iB/);
  });

  it('-p 1000000000 is refused at once, with the estimate and the limit', async () => {
    const r = await runCliProcess(['perf', '-t', '1', '-e', '3', '-p', '1000000000', '--no-out', '--no-plot']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/1000000000 particles × 1 parameter of SimplePrecessionModel.*needs about 59\.6 GiB, above the memory limit/);
  });

  it('--memory-limit sets the limit (and QINFER_MEMORY_LIMIT its default)', async () => {
    const [small, env, ok] = await Promise.all([
      runCliProcess(['perf', ...quick, '-p', '100000', '--memory-limit', '1M']),
      runCliProcess(['estimate', '-e', '3', '-p', '100000'], { env: { QINFER_MEMORY_LIMIT: '2M' } }),
      runCliProcess(['perf', ...quick, '--memory-limit', '1G']),
    ]);
    expect(small.code).toBe(2);
    expect(small.stderr).toMatch(/above the memory limit of 1 MiB/);
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/above the memory limit of 2 MiB/);
    expect(ok.code).toBe(0);
    const bad = await runCliProcess(['perf', ...quick, '--memory-limit', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--memory-limit must be a size such as 8G/);
  });
});

describe('item 13: --models names a user model on every backend; errors print their code', () => {
  const user = ['-m', 'DampedPrecessionModel', '--param', 't2=20', '--models', 'examples/user-model/DampedPrecessionModel.ts'];
  const run = ['perf', '-t', '6', '-e', '8', '-p', '80', '--no-plot', '--progress', 'none', '-s', '5'];

  it('serial and pool runs of a user model give the same records (before: -m DampedPrecessionModel was refused)', async () => {
    const [serial, pool] = await Promise.all([
      runCliProcess([...run, ...user, '-o', join(dir, 'serial.json')]),
      runCliProcess([...run, ...user, '-o', join(dir, 'pool.json'), '--backend', 'pool:2']),
    ]);
    expect(serial.stderr).not.toMatch(/error/);
    expect([serial.code, pool.code]).toEqual([0, 0]);
    const records = (f: string) => {
      const t = JSON.parse(readFileSync(join(dir, f), 'utf8')).runs[0].table;
      return { loss: t.records.loss, est: t.records.est, outcome: t.records.outcome };
    };
    expect(records('pool.json')).toEqual(records('serial.json'));
    expect(JSON.parse(readFileSync(join(dir, 'serial.json'), 'utf8')).settings.model).toEqual({ name: 'DampedPrecessionModel', params: { t2: 20 } });
  });

  it('the user model\'s declared parameters are checked too; a missing module is ERR_ARGUMENT naming it', async () => {
    const [typo, missing] = await Promise.all([
      runCliProcess([...run, '--no-out', '-m', 'DampedPrecessionModel', '--param', 'T2=20', '--models', 'examples/user-model/DampedPrecessionModel.ts']),
      runCliProcess([...run, '--no-out', '-m', 'DampedPrecessionModel', '--models', 'no/such/models.ts']),
    ]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/error \[ERR_UNKNOWN_PARAM\]: .*unknown parameter 'T2' of model DampedPrecessionModel \(known: t2; did you mean 't2'\?\)/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/error \[ERR_ARGUMENT\]: model module not found: .*no\/such\/models\.ts/);
  });

  it('the error code is printed beside the message', async () => {
    const r = await runCliProcess(['perf', '-m', 'NoSuchModel', '--no-out', '--no-plot']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error \[ERR_UNKNOWN_MODEL\]: unknown model 'NoSuchModel'/m);
  });
});
