import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { vi } from 'vitest';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The ```ts blocks of a Markdown text, with their info string's `needs=…` tag when present. */
export function tsBlocks(markdown: string): { readonly code: string; readonly needs: string | undefined }[] {
  return [...markdown.matchAll(/```ts( needs=(\w+))?\n([\s\S]*?)```/g)].map((m) => ({ code: m[3]!, needs: m[2] }));
}

/**
 * Writes a documentation example to `out/<dir>/<name>.ts` with 'qinfer-rx' and its subpaths
 * resolved to this checkout's sources, and returns that file.
 */
export function writeDocBlock(code: string, dir: string, name: string): string {
  const outDir = `${ROOT}out/${dir}`;
  mkdirSync(outDir, { recursive: true });
  const file = `${outDir}/${name}.ts`;
  writeFileSync(file, code.replace(/from 'qinfer-rx(\/[a-z]+)?'/g, (_, sub: string | undefined) => `from '${pathToFileURL(`${ROOT}src${sub ?? ''}/index.ts`).href}'`));
  return file;
}

/** Runs a documentation example as a module in this process; returns what it logged (console.log). */
export async function runDocBlock(code: string, dir: string, name: string): Promise<unknown[][]> {
  const file = writeDocBlock(code, dir, name);
  const logged: unknown[][] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logged.push(args));
  await import(/* @vite-ignore */ `${pathToFileURL(file).href}?t=${Date.now()}`);
  return logged;
}
