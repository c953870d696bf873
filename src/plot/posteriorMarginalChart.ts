import { QinferArgumentError } from '../errors/QinferError.js';
import { axisOffset, offsetAxisTitle } from './axisOffset.js';
import { chartFrame } from './chartFrame.js';
import type { VegaLiteSpec } from './VegaLiteSpec.js';

/** A density on a grid: `pr[i]` at `ps[i]` (what `posteriorMarginal` returns). */
export interface DensityGrid {
  readonly ps: ArrayLike<number>;
  readonly pr: ArrayLike<number>;
}

/** Options of {@link posteriorMarginalChart}. */
export interface MarginalChartOptions {
  /** The parameter's display name (x axis title), default `'x₀'`; see `modelparamLabel`. */
  readonly paramName?: string;
  /** The parameter's unit, shown in the axis title (default none). */
  readonly unit?: string;
  readonly title?: string;
  /** Draws a rule at the true value, when known. */
  readonly trueValue?: number;
  /** Draws a rule at the posterior mean. */
  readonly mean?: number;
  /** Shades a credible interval `[lo, hi]` of probability `level` (e.g. `ParticleDistribution.credibleInterval`). */
  readonly interval?: { readonly lo: number; readonly hi: number; readonly level: number };
  /** A smoothed density (e.g. `posteriorMarginal({ smoothing })`) drawn as the area; the raw one becomes a thin line. */
  readonly smoothed?: DensityGrid;
  /** Offset and scale the x axis when the posterior is narrow (default `'auto'`: below 1e-3 of its distance from zero). */
  readonly offsetAxis?: 'auto' | false;
  readonly width?: number;
  readonly height?: number;
}

function checkGrid(g: DensityGrid, what: string): void {
  if (g.ps.length !== g.pr.length || g.ps.length < 2) throw new QinferArgumentError('ERR_SHAPE', `${what}: need matching grids of at least 2 points, got ${g.ps.length} and ${g.pr.length}`);
}

/**
 * A vega-lite chart of the marginal posterior density of one parameter, from the grid of
 * `posteriorMarginal` (`ps` the points, `pr` the density): the density as an area (or, given a
 * `smoothed` density, that as the area over the raw one as a thin line), a shaded credible
 * interval, and rules at the true value and the posterior mean. When the posterior is much
 * narrower than its distance from zero, the x axis shows `(x − offset) / 10ⁿ` and says so in its
 * title (`ω − 0.42000 (10⁻⁶ rad/[t])`), so that tick labels stay short. Render it with
 * `renderVegaLiteSvg`.
 *
 * @example
 * ```ts
 * import { posteriorMarginalChart, renderVegaLiteSvg } from 'qinfer-rx/plot';
 * const raw = updater.posteriorMarginal({ res: 200 });
 * const smoothed = updater.posteriorMarginal({ res: 200, smoothing: 0.03 });
 * const interval = { ...credibleInterval(updater, 0, 0.95), level: 0.95 }; // credibleInterval from 'qinfer-rx'
 * const svg = await renderVegaLiteSvg(posteriorMarginalChart(raw, { paramName: 'ω', unit: 'rad/µs', smoothed, interval, trueValue: 0.42 }));
 * ```
 */
export function posteriorMarginalChart(marginal: DensityGrid, options: MarginalChartOptions = {}): VegaLiteSpec {
  const { paramName = 'x₀', unit = '', title, trueValue, mean, interval, smoothed, width = 560, height = 300 } = options;
  checkGrid(marginal, 'posteriorMarginalChart');
  if (smoothed !== undefined) checkGrid(smoothed, 'posteriorMarginalChart (smoothed)');
  if (interval !== undefined && !(interval.lo <= interval.hi && interval.level > 0 && interval.level < 1)) {
    throw new QinferArgumentError('ERR_ARGUMENT', `credible interval needs lo ≤ hi and 0 < level < 1, got [${interval.lo}, ${interval.hi}] at ${interval.level}`);
  }
  const { ps } = marginal;
  const o = options.offsetAxis === false ? undefined : axisOffset(ps[0]!, ps[ps.length - 1]!);
  const tx = o === undefined ? (v: number) => v : o.apply;
  const grid = (g: DensityGrid) => Array.from({ length: g.ps.length }, (_, i) => ({ x: tx(g.ps[i]!), density: g.pr[i]! }));
  const xEnc = { field: 'x', type: 'quantitative', title: offsetAxisTitle(paramName, unit, o), scale: { zero: false, nice: false } } as const;
  const yEnc = { field: 'density', type: 'quantitative', title: 'Posterior density' } as const;
  const intervalLabel = interval === undefined ? '' : `${Math.round(interval.level * 1000) / 10} % credible interval`;
  const rules: { value: number; what: string }[] = [];
  if (trueValue !== undefined) rules.push({ value: tx(trueValue), what: 'true value' });
  if (mean !== undefined) rules.push({ value: tx(mean), what: 'posterior mean' });
  // One colour legend for the interval and the rules: their labels in this order.
  const keys = [...(interval === undefined ? [] : [intervalLabel]), ...rules.map((r) => r.what)].sort();
  const palette: Record<string, string> = { [intervalLabel]: '#9ecae9', 'posterior mean': '#1f5fa0', 'true value': '#d62728' };
  const what = { field: 'what', type: 'nominal', title: null, scale: { domain: keys, range: keys.map((k) => palette[k]!) }, legend: { labelLimit: 0 } } as const;
  const layer: Record<string, unknown>[] = [];
  if (interval !== undefined) {
    layer.push({
      data: { values: [{ lo: tx(interval.lo), hi: tx(interval.hi), what: intervalLabel }] },
      mark: { type: 'rect', opacity: 0.35 },
      encoding: { x: { ...xEnc, field: 'lo' }, x2: { field: 'hi' }, color: what },
    });
  }
  if (smoothed !== undefined) {
    layer.push({ data: { values: grid(marginal) }, mark: { type: 'line', strokeWidth: 0.8, color: '#9a9a9a' }, encoding: { x: xEnc, y: yEnc } });
  }
  layer.push({ data: { values: grid(smoothed ?? marginal) }, mark: { type: 'area', line: true, opacity: 0.35 }, encoding: { x: xEnc, y: yEnc } });
  if (rules.length > 0) {
    layer.push({
      data: { values: rules },
      mark: { type: 'rule', strokeDash: [4, 3] },
      encoding: { x: { field: 'value', type: 'quantitative' }, color: what },
    });
  }
  return { ...chartFrame({ title, width, height }), layer };
}
