/**
 * The guide's examples run as written (docs/guide/*.md), against this checkout's sources: every
 * ```ts block is a module, with 'qinfer-rx' and its subpaths resolved to src/. Each block checks
 * itself by what it prints: it must log at least one boolean, and every boolean it logs must be
 * true. Blocks marked `needs=gpu` or `needs=redis` run where the service is (and fail under
 * QINFER_REQUIRE_GPU=1 / QINFER_REQUIRE_REDIS=1), else skip with the reason.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ROOT as root, runDocBlock, tsBlocks, writeDocBlock } from './helpers/docBlocks.js';

const guide = `${root}docs/guide/`;
const pages = readdirSync(guide).filter((f) => f.endsWith('.md')).sort();

interface Block {
  readonly page: string;
  readonly index: number;
  readonly needs: string | undefined;
  readonly code: string;
}

const blocks: Block[] = pages.flatMap((page) => tsBlocks(readFileSync(guide + page, 'utf8')).map((b, index) => ({ page, index, ...b })));

const redisOk = process.env.REDIS_URL !== undefined || process.env.QINFER_REQUIRE_REDIS === '1';
const gpuProbe = blocks.some((b) => b.needs === 'gpu') ? await (await import('../src/gpu/probeGpu.js')).probeGpu() : undefined;
const gpuOk = gpuProbe?.available === true || process.env.QINFER_REQUIRE_GPU === '1';
const available: Record<string, { ok: boolean; why: string }> = {
  gpu: { ok: gpuOk, why: gpuProbe?.available === false ? gpuProbe.reason.slice(0, 80) : '' },
  redis: { ok: redisOk, why: 'REDIS_URL is not set' },
};

/**
 * Runs a block as a module and returns what it logged. Cluster examples start engines, whose
 * worker threads load TypeScript only under tsx: they run in a child process under tsx, their
 * printed `true`/`false` read back from stdout.
 */
async function run(b: Block): Promise<unknown[][]> {
  const name = `${b.page.replace(/\.md$/, '')}-${b.index}`;
  if (b.needs === 'redis') {
    const file = writeDocBlock(b.code, 'guide', name);
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
    return r.stdout.trim().split('\n').map((line) => line.split(/\s+/).map((w) => (w === 'true' ? true : w === 'false' ? false : w)));
  }
  return runDocBlock(b.code, 'guide', name);
}

describe('the guide', () => {
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    // The cluster example's queues live under the prefix `guide-<pid>`: remove them.
    if (process.env.REDIS_URL === undefined) return;
    const { Redis } = await import('ioredis');
    const redis = new Redis(process.env.REDIS_URL);
    try {
      const keys = await redis.keys('guide-*');
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });

  it('has a page for each topic, each with examples', () => {
    for (const p of ['models.md', 'distributions.md', 'smc-updater.md', 'heuristics.md', 'performance-testing.md', 'parallel-execution.md', 'reproducibility.md']) expect(pages).toContain(p);
    for (const p of pages.filter((p) => p !== 'README.md' && p !== 'reproducibility.md')) expect(blocks.some((b) => b.page === p), p).toBe(true);
  });

  for (const b of blocks) {
    const gate = b.needs === undefined ? { ok: true, why: '' } : available[b.needs]!;
    const title = `${b.page} example ${b.index + 1}${b.needs === undefined ? '' : ` (needs ${b.needs})`}`;
    if (!gate.ok) {
      it.skip(`${title} — SKIPPED: ${gate.why}`, () => undefined);
      continue;
    }
    it(`${title} runs and prints only true checks`, async () => {
      const logged = await run(b);
      const checks = logged.flat().filter((v): v is boolean => typeof v === 'boolean');
      expect(checks.length, 'the example prints at least one check').toBeGreaterThan(0);
      expect(checks.every((v) => v), JSON.stringify(logged)).toBe(true);
    }, 120_000);
  }
});
