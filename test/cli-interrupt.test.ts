/**
 * Nothing lost, nothing hung (issue 14, items 1 and 2), through the real `qinfer-rx` command:
 * output paths are checked before any trial runs, files are written atomically, and a run
 * stopped by Ctrl-C (SIGINT) or SIGTERM writes the trials that finished as a partial table and
 * exits with 130 / 143 — on every backend, even in the middle of one long serial trial.
 * Each test waits on the command's own output (never on time); a command that ignores the
 * signal or hangs fails by the test's timeout.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutputPath, writeFileAtomic } from '../src/cli/outputFile.js';
import { isQinferError } from '../src/errors/QinferError.js';
import { RUN_GPU, WHERE } from './gpuGate.js';
import { CLI_BIN, runCliProcess, startCli } from './helpers/cliProcess.js';

const dir = mkdtempSync(join(tmpdir(), 'qinfer-cli-interrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A run far longer than any path check (20 000 trials): if its output paths were checked only at the end, nothing would return. */
const endless = ['perf', '-t', '20000', '-e', '100', '-p', '100', '--progress', 'lines'];
/** One trial that alone would take hours (200 000 particles × 100 000 experiments). */
const longTrial = ['perf', '-t', '1', '-e', '100000', '-p', '200000', '--progress', 'lines', '--no-plot'];

function noTemporaryFiles(where: string): void {
  expect(readdirSync(where).filter((f) => f.endsWith('.tmp'))).toEqual([]);
}

describe('item 1: output paths are checked before any trial runs (exit 2, ERR_OUTPUT)', () => {
  const file = join(dir, 'a-file.txt');
  writeFileSync(file, 'x');
  mkdirSync(join(dir, 'table.json'));
  const cases: [string, string[], RegExp][] = [
    ['an --out under /sys', ['--out', '/sys/perf.json', '--no-plot'], /--out \/sys\/perf\.json: under \/sys, a virtual file system/],
    ['an --out under /proc (before: recursive mkdir never returned)', ['--out', '/proc/self/nope/perf.json', '--no-plot'], /under \/proc/],
    ['an --out that is a directory', ['--out', join(dir, 'table.json'), '--no-plot'], /is a directory/],
    ['an --out below a regular file', ['--out', join(file, 'perf.json'), '--no-plot'], /is not a directory/],
    ['a --plot under /sys', ['--no-out', '--plot', '/sys/risk.svg'], /--plot \/sys\/risk\.svg: under \/sys/],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const r = await runCliProcess([...endless, ...args], { cwd: dir });
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/trials \(\d+ failed\)/); // no trial ran
  });

  it('estimate --plot is checked before the run too', async () => {
    const r = await runCliProcess(['estimate', '-e', '1000000', '--plot', '/sys/posterior.svg'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--plot \/sys\/posterior\.svg: under \/sys/);
    expect(r.stdout).toBe('');
  });

  it('checkOutputPath creates missing directories one level at a time and probes the directory', () => {
    const deep = join(dir, 'new', 'deeper', 'perf.json');
    expect(checkOutputPath(deep, '--out')).toBe(deep);
    expect(existsSync(join(dir, 'new', 'deeper'))).toBe(true);
    noTemporaryFiles(join(dir, 'new', 'deeper'));
    let code: string | undefined;
    try {
      checkOutputPath('/proc/1/x.json', '--out');
    } catch (e) {
      code = isQinferError(e) ? e.code : undefined;
    }
    expect(code).toBe('ERR_OUTPUT');
  });

  it('writeFileAtomic replaces the file in one rename, and leaves the old file and no temporary file when it fails', () => {
    const where = join(dir, 'atomic');
    mkdirSync(where);
    const target = join(where, 't.json');
    writeFileSync(target, 'good');
    writeFileAtomic(target, 'better');
    expect(readFileSync(target, 'utf8')).toBe('better');
    noTemporaryFiles(where);
    // A rename over a non-empty directory fails: the temporary file is removed, nothing else changes.
    const blocked = join(where, 'blocked.json');
    mkdirSync(blocked);
    writeFileSync(join(blocked, 'inside'), 'x');
    expect(() => writeFileAtomic(blocked, 'data')).toThrow(expect.objectContaining({ code: 'ERR_OUTPUT' }));
    expect(readFileSync(join(blocked, 'inside'), 'utf8')).toBe('x');
    noTemporaryFiles(where);
  });
});

describe('items 1 and 2: Ctrl-C and SIGTERM write the finished trials as a partial table and exit 130 / 143', () => {
  it('SIGTERM during a serial run: exit 143, the previous table replaced by a valid partial one listing the missing trials', async () => {
    const where = join(dir, 'term');
    mkdirSync(where);
    writeFileSync(join(where, 'perf.json'), '{"previous": "good"}');
    const p = startCli([...endless, '-o', 'perf.json', '--plot', 'risk.svg'], { cwd: where });
    await p.waitFor(/100 particles: [1-9]\d*\/20000 trials/); // some trials have finished
    p.child.kill('SIGTERM');
    const r = await p.exit;
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/interrupted by SIGTERM: \d+ of 20000 trials finished; \d+ missing/);
    expect(r.stderr).toMatch(/plot not written: the run was interrupted/);
    const doc = JSON.parse(readFileSync(join(where, 'perf.json'), 'utf8'));
    expect(doc.complete).toBe(false);
    expect(doc.interrupted.signal).toBe('SIGTERM');
    const run = doc.runs[0];
    const finished = run.table.masked.filter((m: boolean) => !m).length;
    expect(finished).toBeGreaterThan(0);
    expect(run.missingTrials.length + finished).toBe(20_000);
    expect(doc.interrupted.missing).toBe(run.missingTrials.length);
    for (const k of run.missingTrials.slice(0, 100)) expect(run.table.records.loss[k]).toBeNull();
    const k0 = run.table.masked.indexOf(false);
    expect(run.table.records.loss[k0]).toHaveLength(100); // a finished trial keeps all its records
    expect(existsSync(join(where, 'risk.svg'))).toBe(false);
    noTemporaryFiles(where);
  });

  it('Ctrl-C with a CSV table: exit 130, the missing trials are rows that say so', async () => {
    const where = join(dir, 'int-csv');
    mkdirSync(where);
    const p = startCli([...endless, '-o', 'perf.csv', '--no-plot'], { cwd: where });
    await p.waitFor(/100 particles: [1-9]\d*\/20000 trials/);
    p.child.kill('SIGINT');
    const r = await p.exit;
    expect(r.code).toBe(130);
    const lines = readFileSync(join(where, 'perf.csv'), 'utf8').trim().split('\n');
    expect(lines[0]!.startsWith('particles,trial,seed,step,failed,loss')).toBe(true);
    const missing = lines.filter((l) => l.endsWith(',missing: interrupted by SIGINT before this trial finished'));
    const records = lines.filter((l) => /^100,\d+,\d+,\d+,0,/.test(l));
    expect(records.length).toBeGreaterThan(0);
    expect(records.length % 100).toBe(0); // whole trials only
    expect(missing.length + records.length / 100).toBe(20_000);
  });

  it('item 2: the first Ctrl-C stops one long serial trial (before: ignored until the trial ended)', async () => {
    const where = join(dir, 'long');
    mkdirSync(where);
    const p = startCli([...longTrial, '-o', 'perf.json'], { cwd: where });
    await p.waitFor(/200000 particles: 0\/1 trials/); // the trial is running
    p.child.kill('SIGINT');
    const r = await p.exit;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted by SIGINT: 0 of 1 trials finished; 1 missing/);
    const doc = JSON.parse(readFileSync(join(where, 'perf.json'), 'utf8'));
    expect(doc.runs[0].missingTrials).toEqual([0]);
  }, 120_000);

  it('item 2: pool backend — SIGTERM stops the trial running in a worker', async () => {
    const p = startCli([...longTrial, '--backend', 'pool:1', '--no-out'], { cwd: dir });
    await p.waitFor(/200000 particles: 0\/1 trials/);
    p.child.kill('SIGTERM');
    const r = await p.exit;
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/interrupted by SIGTERM/);
  }, 120_000);

  it.runIf(RUN_GPU)(`item 2: gpu backend — Ctrl-C stops a trial whose likelihoods run on the device (${WHERE})`, async () => {
    const p = startCli(['perf', '-t', '1', '-e', '100000', '-p', '20000', '--progress', 'lines', '--no-plot', '--no-out', '--backend', 'gpu'], { cwd: dir });
    await p.waitFor(/20000 particles: 0\/1 trials/);
    p.child.kill('SIGINT');
    const r = await p.exit;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted by SIGINT/);
  }, 180_000);

  it('item 2: estimate reads the signal — the first Ctrl-C stops a long closed-loop run (before: two were needed)', async () => {
    const p = startCli(['estimate', '-e', '1000000', '-p', '100000', '--every', '1', '--true', '0.3'], { cwd: dir });
    await p.waitFor(/^\s+1\s/m, 'stdout'); // the first experiment is done
    p.child.kill('SIGINT');
    const r = await p.exit;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted by SIGINT/);
    expect(r.stdout).not.toMatch(/final estimate/);
  }, 120_000);

  it('a second signal exits at once with the conventional status', async () => {
    const p = startCli(longTrial, { cwd: dir });
    await p.waitFor(/200000 particles: 0\/1 trials/);
    p.child.kill('SIGTERM');
    p.child.kill('SIGTERM');
    expect((await p.exit).code).toBe(143);
  }, 120_000);
});

// Root ignores file permissions: under root (CI) the command runs as the unprivileged user
// `nobody` (uid 65534), for whom the directory is read-only as for any user.
// (Where this checkout is out of nobody's reach, e.g. under a 0700 home, the case cannot run and
// says so in its title.)
const root = process.getuid?.() === 0;
const asUser = root ? { uid: 65534, gid: 65534 } : {};
const reachable = !root || spawnSync(process.execPath, ['-e', 'require("node:fs").accessSync(process.argv[1], require("node:fs").constants.R_OK)', CLI_BIN], { ...asUser, cwd: '/' }).status === 0;
describe.runIf(reachable)(`item 1: an unwritable directory${reachable ? '' : ' — SKIPPED: the checkout is not readable by nobody (uid 65534), so root cannot run the case as another user'}`, () => {
  it(`--out in a read-only directory is ERR_OUTPUT before the run${root ? ' (run as nobody)' : ''}`, async () => {
    const base = mkdtempSync(join(tmpdir(), 'qinfer-cli-ro-'));
    chmodSync(base, 0o755); // the other user must reach it
    const ro = join(base, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    try {
      const r = await runCliProcess([...endless, '--out', join(ro, 'perf.json'), '--no-plot'], { cwd: base, ...asUser });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/ERR_OUTPUT.*cannot write in/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
