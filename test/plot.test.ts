import { describe, expect, it } from 'vitest';
import { bayesRiskChart } from '../src/plot/bayesRiskChart.js';
import { posteriorMarginalChart } from '../src/plot/posteriorMarginalChart.js';
import { renderVegaLiteSvg } from '../src/plot/renderVegaLiteSvg.js';
import { decadeTicks } from '../src/plot/logAxis.js';
import { axisOffset, offsetAxisTitle } from '../src/plot/axisOffset.js';

/** What a test can read back from vega's SVG: axis descriptions, legend labels, marks. */
function readSvg(svg: string) {
  const all = (re: RegExp) => [...svg.matchAll(re)].map((m) => m[1]!);
  return {
    axes: all(/aria-label="([XY]-axis titled [^"]*)"/g),
    legends: all(/aria-label="(Symbol legend [^"]*|Gradient legend [^"]*)"/g),
    legendLabels: all(/<g class="mark-text role-legend-label"[^>]*>(.*?)<\/g>/g).flatMap((g) => [...g.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!)),
    /** `d` of each line path, with the number of vertices. */
    lines: all(/<path [^>]*aria-roledescription="line mark" d="([^"]*)"/g).map((d) => ({ d, points: d.split(/[ML]/).filter(Boolean).length })),
    areas: all(/<path [^>]*aria-roledescription="area mark" d="([^"]*)"/g),
    rules: all(/aria-roledescription="rule mark"/g),
    texts: all(/<text[^>]*>([^<]*)<\/text>/g),
  };
}

describe('bayesRiskChart', () => {
  const runs = [100, 200, 400].map((n) => ({ label: `${n} particles`, risk: Float64Array.from({ length: 30 }, (_, k) => 1 / (n * (k + 1))) }));

  it('renders one line per run on a log y axis, with the axis titles and a legend of the runs', async () => {
    const svg = await renderVegaLiteSvg(bayesRiskChart(runs, { title: 'SimplePrecessionModel' }));
    expect(svg.startsWith('<svg')).toBe(true);
    const s = readSvg(svg);
    expect(s.axes).toHaveLength(2);
    expect(s.axes.find((a) => a.startsWith('X'))).toMatch(/^X-axis titled 'Number of experiments' for a linear scale/);
    expect(s.axes.find((a) => a.startsWith('Y'))).toMatch(/^Y-axis titled 'Bayes risk' for a log scale/);
    expect(s.legends).toEqual(["Symbol legend titled 'Run' for stroke color with 3 values: 100 particles, 200 particles, 400 particles"]);
    expect(s.legendLabels).toEqual(['100 particles', '200 particles', '400 particles']);
    expect(s.lines.map((l) => l.points)).toEqual([30, 30, 30]);
    expect(s.texts).toContain('SimplePrecessionModel');
  });

  it('leaves out points a log axis cannot show', async () => {
    const risk = Float64Array.from([0.5, 0, 0.2, NaN, 0.1]);
    const s = readSvg(await renderVegaLiteSvg(bayesRiskChart([{ label: 'a', risk }, { label: 'b', risk: [0.3, 0.2] }])));
    expect(s.lines.map((l) => l.points)).toEqual([3, 2]);
  });

  it('rejects no runs and duplicate labels', () => {
    expect(() => bayesRiskChart([])).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
    expect(() => bayesRiskChart([runs[0]!, runs[0]!])).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
  });
});

describe('posteriorMarginalChart', () => {
  it('renders the density as an area over the parameter axis, with true-value and mean rules', async () => {
    const ps = Float64Array.from({ length: 50 }, (_, i) => 0.3 + i * 0.004);
    const pr = ps.map((x) => Math.exp(-(((x - 0.4) / 0.02) ** 2)));
    const s = readSvg(await renderVegaLiteSvg(posteriorMarginalChart({ ps, pr }, { paramName: 'ω', trueValue: 0.42, mean: 0.4 })));
    expect(s.axes.find((a) => a.startsWith('X'))).toMatch(/^X-axis titled 'ω'/);
    expect(s.axes.find((a) => a.startsWith('Y'))).toMatch(/^Y-axis titled 'Posterior density'/);
    expect(s.areas).toHaveLength(1);
    expect(s.rules).toHaveLength(2);
    expect(s.legendLabels).toEqual(['posterior mean', 'true value']);
  });

  it('without rules draws the area alone', async () => {
    const s = readSvg(await renderVegaLiteSvg(posteriorMarginalChart({ ps: [0, 1, 2], pr: [0, 1, 0] })));
    expect(s.areas).toHaveLength(1);
    expect(s.rules).toHaveLength(0);
    expect(() => posteriorMarginalChart({ ps: [0], pr: [1] })).toThrow(expect.objectContaining({ code: 'ERR_SHAPE' }));
  });
});

describe('risk plot: median, interquartile band, 10ⁿ ticks', () => {
  const n = 20;
  const mean = Float64Array.from({ length: n }, (_, k) => 10 ** (-1 - k / 4));
  const median = mean.map((v) => v / 3);
  const q1 = mean.map((v) => v / 10), q3 = mean.map((v) => v / 1.5);

  it('draws the median solid over the band and the mean dashed, labelled in powers of ten', async () => {
    const s = readSvg(await renderVegaLiteSvg(bayesRiskChart([{ label: 'run', risk: mean, median, quartiles: [q1, q3] }])));
    expect(s.axes.find((a) => a.startsWith('Y'))).toMatch(/^Y-axis titled 'Loss' for a log scale/);
    expect(s.areas).toHaveLength(1);
    expect(s.lines.map((l) => l.points)).toEqual([n, n]);
    expect(s.legendLabels).toEqual(expect.arrayContaining(['median, interquartile band', 'mean (Bayes risk)']));
    // q1 goes down to 10^-6.75 and the mean up to 10^-1: ticks 10⁻⁷ … 10⁻¹, as superscripts
    for (const t of ['10⁻⁷', '10⁻⁴', '10⁻¹']) expect(s.texts).toContain(t);
    expect(s.texts.some((t) => /e-|0\.0001/.test(t))).toBe(false);
  });

  it('rejects quantiles that do not match the experiments', () => {
    expect(() => bayesRiskChart([{ label: 'a', risk: [1, 2], median: [1] }])).toThrow(expect.objectContaining({ code: 'ERR_SHAPE' }));
  });

  it('decadeTicks spans the positive values', () => {
    expect(decadeTicks([3e-6, 0.02, 0, NaN, -1])).toEqual([1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1]);
    expect(decadeTicks([1e-3])).toEqual([1e-3, 1e-2]);
    expect(decadeTicks([0, -2])).toEqual([]);
  });
});

describe('posterior plot: credible interval, smoothed density, offset axis', () => {
  const centre = 0.42, width = 4e-6;
  const ps = Float64Array.from({ length: 80 }, (_, i) => centre - 4 * width + (i * 8 * width) / 79);
  const pr = ps.map((x) => Math.exp(-0.5 * ((x - centre) / width) ** 2) * (1 + 0.3 * Math.sin(x * 3e6)));
  const smooth = ps.map((x) => Math.exp(-0.5 * ((x - centre) / width) ** 2));

  it('offsets and scales a narrow axis, and says so in the title', async () => {
    const spec = posteriorMarginalChart({ ps, pr }, { paramName: 'ω', unit: 'rad/µs', smoothed: { ps, pr: smooth }, interval: { lo: centre - 2 * width, hi: centre + 2 * width, level: 0.95 }, trueValue: centre, mean: centre + 1e-6 });
    const s = readSvg(await renderVegaLiteSvg(spec));
    expect(s.axes.find((a) => a.startsWith('X'))).toMatch(/^X-axis titled 'ω − 0\.4200 \(10⁻⁵ rad\/µs\)'/);
    expect(s.areas).toHaveLength(1); // the smoothed density
    expect(s.lines).toHaveLength(2); // the raw density and the area's outline
    expect(s.rules).toHaveLength(2);
    expect(s.legendLabels).toEqual(['95 % credible interval', 'posterior mean', 'true value']);
    expect(svgHas(s.texts, ['−1.0', '0.0', '1.0'])).toBe(true); // tick labels of a few digits
  });

  it('keeps a wide axis as it is, and can be told not to offset', () => {
    expect(axisOffset(0.1, 0.9)).toBeUndefined();
    const o = axisOffset(0.419996, 0.420004)!;
    expect([o.offsetText, o.exponent]).toEqual(['0.42000', -6]);
    expect(o.apply(0.420001)).toBeCloseTo(1, 6);
    expect(offsetAxisTitle('ω', '', axisOffset(-0.420004, -0.419996))).toBe('ω + 0.42000 (10⁻⁶)');
    const spec = posteriorMarginalChart({ ps, pr }, { paramName: 'ω', offsetAxis: false }) as { layer: { encoding: { x: { title: string } } }[] };
    expect(spec.layer[0]!.encoding.x.title).toBe('ω');
  });

  it('rejects a bad interval or smoothed grid', () => {
    expect(() => posteriorMarginalChart({ ps, pr }, { interval: { lo: 1, hi: 0, level: 0.95 } })).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
    expect(() => posteriorMarginalChart({ ps, pr }, { smoothed: { ps: [0], pr: [1] } })).toThrow(expect.objectContaining({ code: 'ERR_SHAPE' }));
  });
});

function svgHas(texts: string[], wanted: string[]): boolean {
  return wanted.every((w) => texts.includes(w));
}
