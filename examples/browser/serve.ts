/**
 * Serves a directory on localhost (the browser dashboard, for a person or for the browser test):
 * static files only, with the MIME types a module page needs.
 *
 *   npx tsx examples/browser/serve.ts [port]       # builds into out/browser, serves it
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBrowserExample } from './build.js';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.map': 'application/json', '.css': 'text/css' };

/** Serves `dir` on 127.0.0.1 (`port` 0: any free port); resolves to its URL and a closer. */
export async function serveDirectory(dir: string, port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const root = resolve(dir);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body),
      () => res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : port}/`;
  return { url, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildBrowserExample('out/browser');
  const { url } = await serveDirectory('out/browser', Number(process.argv[2] ?? 8080));
  console.log(`qinfer-rx browser dashboard: ${url}  (Ctrl-C to stop)`);
}
