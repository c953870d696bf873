/**
 * `qinfer-rx/plot`: vega-lite charts of performance tests and posteriors, rendered to SVG
 * headlessly. vega and vega-lite are optional peer dependencies (`npm i vega vega-lite`), loaded
 * on first render; building a chart specification needs neither.
 */
export { renderVegaLiteSvg } from './renderVegaLiteSvg.js';
export { bayesRiskChart } from './bayesRiskChart.js';
export type { RiskSeries, RiskChartOptions } from './bayesRiskChart.js';
export { posteriorMarginalChart } from './posteriorMarginalChart.js';
export type { MarginalChartOptions } from './posteriorMarginalChart.js';
