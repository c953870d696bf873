import { QinferArgumentError } from '../errors/QinferError.js';
import { chartFrame } from './chartFrame.js';
import { decadeTicks, POW10_LABEL_EXPR } from './logAxis.js';
import type { VegaLiteSpec } from './VegaLiteSpec.js';

/**
 * One run of a risk plot: a label and, per experiment 1, 2, …, n, the mean loss over trials (the
 * Bayes risk) — optionally with the median loss and its interquartile range, which show the
 * typical trial where the mean is driven by a few lost ones (`PerformanceTable.lossQuantile`).
 */
export interface RiskSeries {
  readonly label: string;
  /** Mean loss per experiment (the Bayes risk). */
  readonly risk: ArrayLike<number>;
  /** Median loss per experiment. */
  readonly median?: ArrayLike<number>;
  /** First and third quartiles of the loss per experiment: the band. */
  readonly quartiles?: readonly [q1: ArrayLike<number>, q3: ArrayLike<number>];
}

/** Options of {@link bayesRiskChart}. */
export interface RiskChartOptions {
  readonly title?: string;
  /** Default `'Bayes risk'`, or `'Loss'` when any run has a median. */
  readonly yTitle?: string;
  /** Default `'Run'`. */
  readonly legendTitle?: string;
  readonly width?: number;
  readonly height?: number;
}

const MEAN = 'mean (Bayes risk)';
const MEDIAN = 'median, interquartile band';

function positive(v: number | undefined): v is number {
  return v !== undefined && v > 0 && Number.isFinite(v);
}

/**
 * A vega-lite chart of loss against the number of experiments on a log y axis labelled in
 * powers of ten (`10⁻⁶`), one colour per run — e.g. QInfer's guide compares 100, 200 and 400
 * particles. Each run draws its Bayes risk (the mean loss); runs with a `median` draw it as a
 * solid line over a shaded interquartile band and the mean dashed. Point `k` of a series sits at
 * x = k + 1 (experiments performed); values a log axis cannot show (≤ 0, NaN) are left out.
 * Render it with `renderVegaLiteSvg`.
 *
 * @example
 * ```ts
 * import { bayesRiskChart, renderVegaLiteSvg } from 'qinfer-rx/plot';
 * const spec = bayesRiskChart([{
 *   label: '1000 particles', risk: table.bayesRisk(), median: table.lossQuantile(0.5),
 *   quartiles: [table.lossQuantile(0.25), table.lossQuantile(0.75)],
 * }], { title: 'SimplePrecessionModel' });
 * const svg = await renderVegaLiteSvg(spec);
 * ```
 */
export function bayesRiskChart(runs: readonly RiskSeries[], options: RiskChartOptions = {}): VegaLiteSpec {
  if (runs.length === 0) throw new QinferArgumentError('ERR_ARGUMENT', 'bayesRiskChart needs at least one run');
  const withMedian = runs.some((r) => r.median !== undefined);
  const { title, yTitle = withMedian ? 'Loss' : 'Bayes risk', legendTitle = 'Run', width = 560, height = 340 } = options;
  const labels = new Set<string>();
  const lines: { n: number; value: number; run: string; stat: string }[] = [];
  const band: { n: number; q1: number; q3: number; run: string }[] = [];
  for (const r of runs) {
    if (labels.has(r.label)) throw new QinferArgumentError('ERR_ARGUMENT', `two runs are labelled '${r.label}'`);
    labels.add(r.label);
    for (const a of [r.median, r.quartiles?.[0], r.quartiles?.[1]]) {
      if (a !== undefined && a.length !== r.risk.length) throw new QinferArgumentError('ERR_SHAPE', `run '${r.label}': ${a.length} quantile values for ${r.risk.length} experiments`);
    }
    for (let k = 0; k < r.risk.length; k++) {
      const mean = r.risk[k], median = r.median?.[k], q1 = r.quartiles?.[0][k], q3 = r.quartiles?.[1][k];
      if (positive(mean)) lines.push({ n: k + 1, value: mean, run: r.label, stat: MEAN });
      if (positive(median)) lines.push({ n: k + 1, value: median, run: r.label, stat: MEDIAN });
      if (positive(q1) && positive(q3)) band.push({ n: k + 1, q1, q3, run: r.label });
    }
  }
  const ticks = decadeTicks([...lines.map((l) => l.value), ...band.flatMap((b) => [b.q1, b.q3])]);
  const x = { field: 'n', type: 'quantitative', title: 'Number of experiments', scale: { zero: false } } as const;
  const yScale = { type: 'log', ...(ticks.length === 0 ? {} : { domain: [ticks[0], ticks.at(-1)] }) } as const;
  const yAxis = { values: ticks, labelExpr: POW10_LABEL_EXPR, grid: true };
  const color = { field: 'run', type: 'nominal', title: legendTitle, sort: runs.map((r) => r.label), legend: { labelLimit: 0 } } as const;
  return {
    ...chartFrame({ title, width, height }),
    layer: [
      ...(band.length === 0
        ? []
        : [
            {
              data: { values: band },
              mark: { type: 'area', opacity: 0.18 },
              encoding: { x, y: { field: 'q1', type: 'quantitative', title: yTitle, scale: yScale, axis: yAxis }, y2: { field: 'q3' }, color },
            },
          ]),
      {
        data: { values: lines },
        mark: { type: 'line', interpolate: 'linear' },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: yTitle, scale: yScale, axis: yAxis },
          color,
          detail: { field: 'stat' },
          ...(withMedian
            ? { strokeDash: { field: 'stat', type: 'nominal', title: 'Statistic', scale: { domain: [MEDIAN, MEAN], range: [[1, 0], [5, 3]] }, legend: { labelLimit: 0 } } }
            : {}),
        },
      },
    ],
  };
}
