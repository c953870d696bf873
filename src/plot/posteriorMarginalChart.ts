import type { TopLevelSpec } from 'vega-lite';
import { QinferArgumentError } from '../errors/QinferError.js';
import { chartFrame } from './chartFrame.js';

/** Options of {@link posteriorMarginalChart}. */
export interface MarginalChartOptions {
  /** The parameter's name (x axis title), default `'x_0'`. */
  readonly paramName?: string;
  readonly title?: string;
  /** Draws a vertical rule at the true value, when known. */
  readonly trueValue?: number;
  /** Draws a dashed rule at the posterior mean. */
  readonly mean?: number;
  readonly width?: number;
  readonly height?: number;
}

/**
 * A vega-lite area chart of the marginal posterior density of one parameter, from the grid of
 * `posteriorMarginal` (`ps` the points, `pr` the density), with optional rules at the true value
 * and at the posterior mean. Render it with `renderVegaLiteSvg`.
 *
 * @example
 * ```ts
 * import { posteriorMarginalChart, renderVegaLiteSvg } from 'qinfer-rx/plot';
 * const { ps, pr } = updater.posteriorMarginal({ res: 200 });
 * const svg = await renderVegaLiteSvg(posteriorMarginalChart({ ps, pr }, { paramName: 'ω', trueValue: 0.42 }));
 * ```
 */
export function posteriorMarginalChart(marginal: { readonly ps: ArrayLike<number>; readonly pr: ArrayLike<number> }, options: MarginalChartOptions = {}): TopLevelSpec {
  const { paramName = 'x_0', title, trueValue, mean, width = 560, height = 300 } = options;
  const { ps, pr } = marginal;
  if (ps.length !== pr.length || ps.length < 2) throw new QinferArgumentError('ERR_SHAPE', `need matching grids of at least 2 points, got ${ps.length} and ${pr.length}`);
  const values = Array.from({ length: ps.length }, (_, i) => ({ x: ps[i]!, density: pr[i]! }));
  const rules: { value: number; what: string }[] = [];
  if (trueValue !== undefined) rules.push({ value: trueValue, what: 'true value' });
  if (mean !== undefined) rules.push({ value: mean, what: 'posterior mean' });
  return {
    ...chartFrame({ title, width, height }),
    layer: [
      {
        data: { values },
        mark: { type: 'area', line: true, opacity: 0.35 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: paramName, scale: { zero: false } },
          y: { field: 'density', type: 'quantitative', title: 'Posterior density' },
        },
      },
      ...(rules.length === 0
        ? []
        : [
            {
              data: { values: rules },
              mark: { type: 'rule' as const, strokeDash: [4, 3] },
              encoding: {
                x: { field: 'value', type: 'quantitative' as const },
                color: { field: 'what', type: 'nominal' as const, title: null },
              },
            },
          ]),
    ],
  };
}
