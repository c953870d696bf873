import { describe, expect, it } from 'vitest';
import { Rng } from '../src/rng/Rng.js';
import { cosSquared } from '../src/util/cosSquared.js';

describe('cosSquared (the fast cos² kernel)', () => {
  it('agrees with Math.cos(y)² to 5e-16 absolute from 1e-3 to 1.3e10 rad (the exact-reduction range)', () => {
    const rng = new Rng(1);
    let worst = 0;
    for (const scale of [1e-3, 1, 10, 1e3, 1e6, 1e9, 4e9, 1.3e10]) {
      for (let i = 0; i < 200_000; i++) {
        const y = (2 * rng.uniform() - 1) * scale;
        const c = Math.cos(y);
        worst = Math.max(worst, Math.abs(cosSquared(y) - c * c));
      }
    }
    expect(worst).toBeLessThan(5e-16);
  });

  it('is exact where it matters: 1 at 0, even, and near zeros of cos', () => {
    expect(cosSquared(0)).toBe(1);
    expect(cosSquared(-0.7)).toBe(cosSquared(0.7));
    expect(cosSquared(Math.PI / 2)).toBeLessThan(1e-31);
    expect(cosSquared(Math.PI)).toBeCloseTo(1, 15);
  });

  it('falls back to Math.cos beyond the exact-reduction range and propagates NaN', () => {
    const y = 1e12 + 0.123;
    expect(cosSquared(y)).toBe(Math.cos(y) ** 2);
    expect(cosSquared(NaN)).toBeNaN();
    expect(cosSquared(Infinity)).toBeNaN();
  });
});
