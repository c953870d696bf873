/**
 * Bundles the browser dashboard with esbuild: the page script and the likelihood worker as two
 * ES modules (the worker is loaded by URL, `new Worker(new URL('./likelihood.worker.js', …))`),
 * for the browser, with no Node polyfills, next to a copy of index.html.
 *
 *   npx tsx examples/browser/build.ts [outdir]     # default out/browser
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Builds the page into `outdir`; returns esbuild's metafile (input and output sizes). */
export async function buildBrowserExample(outdir: string): Promise<Metafile> {
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: { dashboard: `${here}dashboard.ts`, 'likelihood.worker': `${here}likelihood.worker.ts` },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  copyFileSync(`${here}index.html`, `${outdir}/index.html`);
  return result.metafile;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outdir = process.argv[2] ?? 'out/browser';
  const meta = await buildBrowserExample(outdir);
  for (const [file, o] of Object.entries(meta.outputs)) if (!file.endsWith('.map')) console.log(`${file}  ${(o.bytes / 1024).toFixed(1)} KiB`);
}
