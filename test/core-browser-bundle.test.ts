import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The core barrel must bundle for a browser with no Node polyfills: esbuild with
 * `platform: 'browser'` fails on any `node:*` import or a Node-only package (piscina) reached
 * from it. The pool, GPU, cluster, plot and CLI live behind their own subpaths.
 */
describe('the core entry bundles for a browser', () => {
  it('has no Node built-in or Node-only package in its import graph', async () => {
    const result = await build({
      entryPoints: [`${root}src/index.ts`],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((p) => /node_modules\/(piscina|vega|vega-lite|webgpu|bullmq|ioredis|commander|cli-progress)\//.test(p))).toEqual([]);
    expect(inputs.filter((p) => /src\/(pool|gpu|cluster|plot|cli)\//.test(p))).toEqual([]);
    const js = result.outputFiles[0]!.contents;
    expect(js.length).toBeGreaterThan(10_000); // the core is really in it
    expect(gzipSync(js).length).toBeLessThan(200_000);
  });
});
