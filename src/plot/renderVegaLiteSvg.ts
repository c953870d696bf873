import type { TopLevelSpec } from 'vega-lite';
import { importOptionalPeers } from '../errors/optionalPeer.js';
import type { VegaLiteSpec } from './VegaLiteSpec.js';

/** The optional peers SVG rendering needs. */
export const PLOT_PEERS: readonly string[] = ['vega', 'vega-lite'];

/**
 * Renders a vega-lite specification to SVG text headlessly: vega-lite compiles it to a vega
 * spec, which a vega `View` with the `'none'` renderer draws with its SVG string renderer (no
 * browser, no canvas). vega and vega-lite are optional peer dependencies, loaded on first use;
 * without them this rejects with `ERR_MISSING_PEER` naming `npm i vega vega-lite`.
 *
 * @example
 * ```ts
 * import { bayesRiskChart, renderVegaLiteSvg } from 'qinfer-rx/plot';
 * const svg = await renderVegaLiteSvg(bayesRiskChart([{ label: '1000 particles', risk: table.bayesRisk() }]));
 * writeFileSync('bayes-risk.svg', svg);
 * ```
 */
export async function renderVegaLiteSvg(spec: VegaLiteSpec): Promise<string> {
  const [vega, vl] = await importOptionalPeers('qinfer-rx/plot (SVG rendering)', PLOT_PEERS, () => Promise.all([import('vega'), import('vega-lite')]));
  const view = new vega.View(vega.parse(vl.compile(spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
