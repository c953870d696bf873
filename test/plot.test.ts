import { describe, expect, it } from 'vitest';
import { bayesRiskChart } from '../src/plot/bayesRiskChart.js';
import { posteriorMarginalChart } from '../src/plot/posteriorMarginalChart.js';
import { renderVegaLiteSvg } from '../src/plot/renderVegaLiteSvg.js';

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
