/**
 * A vega-lite specification as plain JSON (what the chart builders of `qinfer-rx/plot` return
 * and {@link renderVegaLiteSvg} draws). Declared here rather than imported from vega-lite so that
 * the package's types do not depend on an optional peer; a spec is also valid input for
 * vega-lite's own `compile`, the vega-embed of a web page, or the online vega editor.
 *
 * @example
 * ```ts
 * import type { VegaLiteSpec } from 'qinfer-rx/plot';
 * const spec: VegaLiteSpec = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', mark: 'point', data: { values: [] } };
 * ```
 */
export interface VegaLiteSpec {
  readonly $schema?: string;
  readonly [key: string]: unknown;
}
