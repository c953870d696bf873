#!/usr/bin/env node
// The `qinfer-rx` command. An installed package runs its compiled CLI (dist/src/cli/main.js,
// built by `npm pack` / `npm publish` through the prepack script). A development checkout —
// recognised by its TypeScript sources and tsconfig.json, which are never published — runs the
// sources through tsx (a dev dependency), so `npx qinfer-rx` never runs a stale build.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'cli', 'main.ts');
const built = join(root, 'dist', 'src', 'cli', 'main.js');
const checkout = existsSync(source) && existsSync(join(root, 'tsconfig.json'));
if (checkout) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
} else if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  process.stderr.write(`qinfer-rx: ${built} is missing — this copy of the package was not built (run \`npm run build\`)\n`);
  process.exitCode = 1;
}
