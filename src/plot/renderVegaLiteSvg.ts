import type { TopLevelSpec } from 'vega-lite';

/**
 * Renders a vega-lite specification to SVG text headlessly: vega-lite compiles it to a vega
 * spec, which a vega `View` with the `'none'` renderer draws with its SVG string renderer (no
 * browser, no canvas). vega and vega-lite are loaded on first use, so importing qinfer-rx does
 * not load them.
 *
 * @example
 * ```ts
 * import { bayesRiskChart, renderVegaLiteSvg } from 'qinfer-rx/plot';
 * const svg = await renderVegaLiteSvg(bayesRiskChart([{ label: '1000 particles', risk: table.bayesRisk() }]));
 * writeFileSync('bayes-risk.svg', svg);
 * ```
 */
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
