/** Timing helpers shared by the benchmarks (never used by tests: timing is not asserted). */

/** Milliseconds since an arbitrary origin. */
export const now = (): number => performance.now();

/** The median of `a` (the upper one for an even count). */
export function median(a: readonly number[]): number {
  const s = [...a].sort((p, q) => p - q);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)]!;
}

/** Median ms of `fn` over `reps` runs after `warm` warm-up runs. */
export async function timeMedian(fn: () => unknown, reps: number, warm = 2): Promise<number> {
  for (let i = 0; i < warm; i++) await fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = now();
    await fn();
    ts.push(now() - t0);
  }
  return median(ts);
}
