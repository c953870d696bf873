import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** Loads a QInfer reference file from test/fixtures/qinfer/. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function loadFixture(name: string): any {
  const path = fileURLToPath(new URL(`../fixtures/qinfer/${name}`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8'), (_k, v) =>
    v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v,
  );
}

/** Flattens nested arrays or `{ values }` arrays into one list of numbers. */
export function flat(v: unknown): number[] {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'values' in (v as object)) return flat((v as { values: unknown }).values);
  if (Array.isArray(v)) return v.flatMap((x) => flat(x));
  if (typeof v === 'boolean') return [v ? 1 : 0];
  return [v as number];
}

/**
 * Element-wise closeness with QInfer's hint: |a − b| ≤ abs + rel · |b| (defaults rel 1e-12,
 * abs 1e-14); NaN matches NaN and infinities must match exactly.
 */
export function expectClose(actual: ArrayLike<number> | number, expected: unknown, rel = 1e-12, abs = 1e-14): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const b = flat(expected);
  expect(a.length, 'length').toBe(b.length);
  const bad: string[] = [];
  for (let i = 0; i < b.length; i++) {
    const x = a[i]!, y = b[i]!;
    const ok = Number.isNaN(y) ? Number.isNaN(x) : !Number.isFinite(y) ? x === y : Math.abs(x - y) <= abs + rel * Math.abs(y);
    if (!ok) bad.push(`[${i}] ${x} vs ${y}`);
  }
  expect(bad.slice(0, 10), `${bad.length} mismatches`).toEqual([]);
}
