import { readFileSync } from 'node:fs';

let cached: string | undefined;

/**
 * The version of the installed qinfer-rx package, read from its `package.json` — found by walking
 * up from this module, which sits at `src/cli/` in a checkout and at `dist/src/cli/` in the
 * published package. `'unknown'` if no qinfer-rx `package.json` is found.
 *
 * @example
 * ```ts
 * import { packageVersion } from 'qinfer-rx/cli';
 * console.log(packageVersion()); // e.g. '0.1.0'
 * ```
 */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  let dir = new URL('.', import.meta.url);
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'qinfer-rx' && typeof pkg.version === 'string') return (cached = pkg.version);
    } catch {
      // no readable package.json at this level: keep walking up
    }
    const up = new URL('..', dir);
    if (up.href === dir.href) return (cached = 'unknown');
    dir = up;
  }
}
