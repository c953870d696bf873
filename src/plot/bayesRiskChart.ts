import type { TopLevelSpec } from 'vega-lite';
import { QinferArgumentError } from '../errors/QinferError.js';
import { chartFrame } from './chartFrame.js';

/** One line of a Bayes-risk plot: a label and the risk after experiment 1, 2, …, n. */
export interface RiskSeries {
  readonly label: string;
  readonly risk: ArrayLike<number>;
}

/** Options of {@link bayesRiskChart}. */
export interface RiskChartOptions {
  readonly title?: string;
  /** Default `'Bayes risk'`. */
  readonly yTitle?: string;
  /** Default `'Run'`. */
  readonly legendTitle?: string;
  readonly width?: number;
  readonly height?: number;
}

/**
 * A vega-lite line chart of risk against the number of experiments (log-scale y), one line
 * per run — e.g. QInfer's guide compares 100, 200 and 400 particles. Point `k` of a series is
 * drawn at x = k + 1 (experiments performed); non-positive or non-finite values cannot sit on a
 * log axis and are left out. Render it with `renderVegaLiteSvg`.
 *
 * @example
 * ```ts
 * import { bayesRiskChart, renderVegaLiteSvg } from 'qinfer-rx/plot';
 * const spec = bayesRiskChart([
 *   { label: '100 particles', risk: t100.bayesRisk() },
 *   { label: '400 particles', risk: t400.bayesRisk() },
 * ], { title: 'SimplePrecessionModel' });
 * const svg = await renderVegaLiteSvg(spec);
 * ```
 */
export function bayesRiskChart(runs: readonly RiskSeries[], options: RiskChartOptions = {}): TopLevelSpec {
  const { title, yTitle = 'Bayes risk', legendTitle = 'Run', width = 560, height = 340 } = options;
  if (runs.length === 0) throw new QinferArgumentError('ERR_ARGUMENT', 'bayesRiskChart needs at least one run');
  const labels = new Set<string>();
  const values: { n: number; risk: number; run: string }[] = [];
  for (const r of runs) {
    if (labels.has(r.label)) throw new QinferArgumentError('ERR_ARGUMENT', `two runs are labelled '${r.label}'`);
    labels.add(r.label);
    for (let k = 0; k < r.risk.length; k++) {
      const v = r.risk[k]!;
      if (v > 0 && Number.isFinite(v)) values.push({ n: k + 1, risk: v, run: r.label });
    }
  }
  return {
    ...chartFrame({ title, width, height }),
    data: { values },
    mark: { type: 'line', interpolate: 'linear' },
    encoding: {
      x: { field: 'n', type: 'quantitative', title: 'Number of experiments', scale: { zero: false } },
      y: { field: 'risk', type: 'quantitative', title: yTitle, scale: { type: 'log' } },
      color: { field: 'run', type: 'nominal', title: legendTitle, sort: runs.map((r) => r.label) },
    },
  };
}
