import { QinferError } from './QinferError.js';

/**
 * True when `e` says that one of `packages` could not be found — Node's `ERR_MODULE_NOT_FOUND`
 * (ESM) or `MODULE_NOT_FOUND` (CommonJS) naming the package, or a bundler's "Failed to resolve"
 * message naming it. A module that is installed but fails inside is not "missing".
 *
 * @example
 * ```ts
 * try { await import('vega'); } catch (e) { if (isModuleNotFound(e, ['vega'])) console.log('npm i vega'); }
 * ```
 */
export function isModuleNotFound(e: unknown, packages: readonly string[]): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as Error & { code?: unknown }).code;
  const notFound = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Failed to resolve|Cannot find (package|module)/.test(e.message);
  return notFound && packages.some((p) => e.message.includes(`'${p}'`) || e.message.includes(`"${p}"`) || e.message.includes(`/node_modules/${p}/`));
}

/**
 * The error for an optional peer dependency that is not installed: `ERR_MISSING_PEER`, its
 * message naming the feature and the command that installs what it needs, e.g. "qinfer-rx/cluster
 * needs the optional peer dependencies bullmq and ioredis, which are not installed: npm i bullmq
 * ioredis". `details.packages` lists them.
 *
 * @example
 * ```ts
 * throw missingPeerError('qinfer-rx/plot (SVG rendering)', ['vega', 'vega-lite'], cause);
 * ```
 */
export function missingPeerError(feature: string, packages: readonly string[], cause?: unknown): QinferError {
  const list = packages.length === 1 ? packages[0]! : `${packages.slice(0, -1).join(', ')} and ${packages.at(-1)!}`;
  const what = packages.length === 1 ? 'dependency' : 'dependencies';
  return new QinferError('ERR_MISSING_PEER', `${feature} needs the optional peer ${what} ${list}, which ${packages.length === 1 ? 'is' : 'are'} not installed: npm i ${packages.join(' ')}`, {
    cause,
    details: { feature, packages: [...packages] },
  });
}

/**
 * Loads optional peer dependencies through `load` (a function doing the dynamic `import()`s, so
 * that bundlers see literal specifiers) and turns "not installed" into {@link missingPeerError};
 * any other failure passes through unchanged.
 *
 * @example
 * ```ts
 * const [vega, vl] = await importOptionalPeers('qinfer-rx/plot (SVG rendering)', ['vega', 'vega-lite'],
 *   () => Promise.all([import('vega'), import('vega-lite')]));
 * ```
 */
export async function importOptionalPeers<T>(feature: string, packages: readonly string[], load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (isModuleNotFound(e, packages)) throw missingPeerError(feature, packages, e);
    throw e;
  }
}
