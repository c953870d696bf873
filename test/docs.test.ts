import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'qinfer-rx-docs-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npm run docs (TypeDoc)', () => {
  it('builds the API reference and the guide with no warning (undocumented exports, broken links, …)', () => {
    // typedoc.json: treatWarningsAsErrors, and every exported function, class, interface, type and variable must be documented.
    const r = spawnSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', out], { cwd: root, encoding: 'utf8', timeout: 300_000 });
    const log = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, '');
    expect(log.split('\n').filter((l) => /\[(warning|error)\]/.test(l))).toEqual([]);
    expect(r.status).toBe(0);
    for (const m of ['qinfer-rx', 'qinfer-rx_pool', 'qinfer-rx_plot', 'qinfer-rx_gpu', 'qinfer-rx_cluster', 'qinfer-rx_cli']) expect(existsSync(join(out, `modules/${m}.html`)), m).toBe(true);
    for (const g of ['models', 'distributions', 'smc-updater', 'heuristics', 'performance-testing', 'parallel-execution', 'reproducibility']) {
      expect(existsSync(join(out, `documents/docs_guide_${g}.html`)), g).toBe(true);
    }
    expect(readFileSync(join(out, 'classes/qinfer-rx.SMCUpdater.html'), 'utf8')).toContain('sequential Monte Carlo');
  }, 300_000);
});

describe('doc text cites only what a user can see', () => {
  it('has no references to internal documents (spec sections, contracts, issue numbers)', () => {
    const r = spawnSync('git', ['grep', '-nE', 'spec §| \\(spec\\)|contract [0-9]|QINFER-SPEC|DESIGN\\.md|STYLE\\.md|\\bissue [0-9]+|\\.\\./shared/', '--', 'src', 'operators', 'docs', 'README.md', 'examples'], { cwd: root, encoding: 'utf8' });
    expect(r.stdout).toBe('');
  });
});
