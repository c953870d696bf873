import { describe, expect, it } from 'vitest';
import { runPrecessionExample } from '../../examples/precession.js';

describe('examples/precession.ts', () => {
  it('estimates ω to within a few posterior standard deviations', async () => {
    const lines: string[] = [];
    const final = await runPrecessionExample(0.42, 2026, (l) => lines.push(l));
    const sd = Math.sqrt(final.covariance[0]!);
    expect(final.index).toBe(99);
    expect(sd).toBeLessThan(1e-3);
    expect(Math.abs(final.mean[0]! - 0.42)).toBeLessThan(5 * sd);
    expect(lines.at(-1)).toMatch(/^true ω = 0.42; estimate 0\.4\d+/);
    expect(lines.length).toBe(6);
  });
});
