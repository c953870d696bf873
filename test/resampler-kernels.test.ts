import { describe, expect, it } from 'vitest';
import { normalCdf } from '../src/distributions/normalCdf.js';
import { MultinomialGuide } from '../src/resamplers/multinomialGuide.js';
import { fillNormalZiggurat } from '../src/rng/normalZiggurat.js';
import { Rng } from '../src/rng/Rng.js';
import { cumsum, searchRight } from '../src/smc/ParticleDistribution.js';

describe('fillNormalZiggurat', () => {
  const n = 400_000;
  const z = fillNormalZiggurat(new Rng(11), new Float64Array(n));

  it('has the moments of N(0, 1) (4 standard errors)', () => {
    let m = 0, v = 0, k4 = 0;
    for (const x of z) {
      m += x;
      v += x * x;
      k4 += x ** 4;
    }
    m /= n;
    v /= n;
    k4 /= n;
    expect(Math.abs(m)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(v - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(k4 - 3)).toBeLessThan(4 * Math.sqrt(96 / n));
  });

  it('matches the normal CDF: Kolmogorov–Smirnov below the 0.1 % critical value, tails at their rate', () => {
    const s = Float64Array.from(z).sort();
    let ks = 0;
    for (let i = 0; i < n; i++) ks = Math.max(ks, Math.abs(normalCdf(s[i]!) - (i + 0.5) / n));
    expect(ks).toBeLessThan(1.95 / Math.sqrt(n));
    // Beyond R = 3.654 the base layer's tail method is the only source: its rate must be right.
    const tail = s.filter((x) => Math.abs(x) > 3.7).length, p = 2 * normalCdf(-3.7);
    expect(Math.abs(tail - n * p)).toBeLessThan(4 * Math.sqrt(n * p));
    expect(s.filter((x) => x > 0).length / n).toBeCloseTo(0.5, 2);
  });

  it('is reproducible from the generator state and fills only [start, end)', () => {
    const a = fillNormalZiggurat(new Rng(5), new Float64Array(1000));
    const b = fillNormalZiggurat(new Rng(5), new Float64Array(1000));
    expect(Array.from(a)).toEqual(Array.from(b));
    const c = new Float64Array(10).fill(7);
    fillNormalZiggurat(new Rng(5), c, 2, 6);
    expect([c[0], c[1], c[6], c[9]]).toEqual([7, 7, 7, 7]);
    expect(c.subarray(2, 6).every((v) => v !== 7 && Number.isFinite(v))).toBe(true);
  });
});

describe('MultinomialGuide', () => {
  it('draws exactly min(searchsorted(cumsum(w), u, right), last positive) for any u', () => {
    const rng = new Rng(3);
    const g = new MultinomialGuide();
    for (const n of [1, 2, 7, 100, 1000, 4097]) {
      // Unequal weights with runs of zeros (also trailing ones) and a few dominant particles.
      const w = rng.fillUniform(new Float64Array(n)).map((v, i) => (i % 5 === 1 || i > n - 3 ? 0 : v < 0.1 ? 50 * v : v));
      if (!w.some((v) => v > 0)) w[0] = 1;
      const s = w.reduce((a, b) => a + b, 0);
      for (let i = 0; i < n; i++) w[i]! /= s;
      const last = g.prepare(w, n);
      let expectLast = n - 1;
      while (expectLast > 0 && !(w[expectLast]! > 0)) expectLast--;
      expect(last).toBe(expectLast);
      const cdf = cumsum(w);
      const us = [...rng.fillUniform(new Float64Array(2000)), 0, 1 - 2 ** -53, ...Array.from(cdf.subarray(0, 20))];
      for (const u of us) expect(g.draw(u), `n ${n}, u ${u}`).toBe(Math.min(searchRight(cdf, u), last));
    }
  });

  it('never draws a zero-weight particle, also for u beyond the rounded total', () => {
    const g = new MultinomialGuide();
    // Σw = 0.99999999999 < u ≈ 1.
    g.prepare(Float64Array.of(0.5, 0.49999999999, 0), 3);
    expect([g.draw(0.25), g.draw(0.75), g.draw(1 - 2 ** -53)]).toEqual([0, 1, 1]);
    const parents = new Int32Array(3);
    g.drawInto(Float64Array.of(0.1, 0.6, 0.999999999999), parents, 3);
    expect(Array.from(parents)).toEqual([0, 1, 1]);
  });

  it('draws parents with frequencies ∝ weights', () => {
    const w = Float64Array.of(0, 0.1, 0, 0.3, 0.6, 0);
    const g = new MultinomialGuide();
    g.prepare(w, w.length);
    const m = 100_000, u = new Rng(7).fillUniform(new Float64Array(m)), parents = new Int32Array(m);
    g.drawInto(u, parents, m);
    const counts = new Array<number>(w.length).fill(0);
    for (const j of parents) counts[j]!++;
    expect([counts[0], counts[2], counts[5]]).toEqual([0, 0, 0]);
    for (const j of [1, 3, 4]) expect(Math.abs(counts[j]! - m * w[j]!)).toBeLessThan(4 * Math.sqrt(m * w[j]! * (1 - w[j]!)));
  });
});
