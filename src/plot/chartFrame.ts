/**
 * The part every qinfer-rx chart shares: the vega-lite schema, an optional title, the size and a
 * white background (so that the SVG reads well in any viewer).
 *
 * @example
 * ```ts
 * const spec = { ...chartFrame({ title: 'Bayes risk', width: 560, height: 340 }), data, mark, encoding };
 * ```
 */
export function chartFrame(o: { readonly title?: string | undefined; readonly width: number; readonly height: number }): {
  $schema: string;
  title?: string;
  width: number;
  height: number;
  background: string;
} {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(o.title === undefined ? {} : { title: o.title }),
    width: o.width,
    height: o.height,
    background: 'white',
  };
}
