/**
 * `qinfer-rx/plot`: vega-lite charts of performance tests and posteriors, rendered to SVG
 * headlessly. vega and vega-lite are optional peer dependencies (`npm i vega vega-lite`), loaded
 * on first render; building a chart specification needs neither.
 *
 * @module qinfer-rx/plot
 */
export type { VegaLiteSpec } from './VegaLiteSpec.js';
export { renderVegaLiteSvg, PLOT_PEERS } from './renderVegaLiteSvg.js';
export { bayesRiskChart } from './bayesRiskChart.js';
export type { RiskSeries, RiskChartOptions } from './bayesRiskChart.js';
export { posteriorMarginalChart } from './posteriorMarginalChart.js';
export type { MarginalChartOptions, DensityGrid } from './posteriorMarginalChart.js';
export { decadeTicks, POW10_LABEL_EXPR } from './logAxis.js';
export { axisOffset, offsetAxisTitle } from './axisOffset.js';
export type { AxisOffset } from './axisOffset.js';
