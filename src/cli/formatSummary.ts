import type { PerfSummary } from '../perf/PerformanceTable.js';

/**
 * A number in 4 significant digits (exponent form when small or large).
 *
 * @example
 * ```ts
 * fmt(0.000123456); // '1.235e-4'
 * ```
 */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a < 1e-3 || a >= 1e5 ? x.toExponential(3) : x.toPrecision(4);
}

/**
 * Seconds as µs / ms / s.
 *
 * @example
 * ```ts
 * fmtSeconds(5.2e-5); // '52.0 µs'
 * ```
 */
export function fmtSeconds(s: number): string {
  if (s < 1e-3) return `${(s * 1e6).toFixed(1)} µs`;
  if (s < 1) return `${(s * 1e3).toFixed(2)} ms`;
  return `${s.toFixed(2)} s`;
}

/**
 * Lays out rows as an aligned text table with a header rule.
 *
 * @example
 * ```ts
 * textTable(['run', 'risk'], [['a', '0.1']]);
 * ```
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

/**
 * The end-of-run table of `qinfer-rx perf`: per run, trials (failed; missing, after an
 * interruption), final Bayes risk, median loss with quartiles, mean resamplings per trial and
 * mean time per update.
 *
 * @example
 * ```ts
 * io.stdout.write(formatSummary([{ label: '1000 particles', summary: table.summary() }]));
 * ```
 */
export function formatSummary(runs: readonly { label: string; summary: PerfSummary }[]): string {
  const partial = runs.some((r) => r.summary.nMissing > 0);
  const header = ['run', 'trials', 'failed', ...(partial ? ['missing'] : []), `Bayes risk`, 'median loss [IQR]', 'resamples', 'time/update'];
  const rows = runs.map(({ label, summary: s }) => [
    label,
    String(s.nTrials),
    String(s.nFailed),
    ...(partial ? [String(s.nMissing)] : []),
    fmt(s.finalBayesRisk),
    `${fmt(s.finalMedianLoss)} [${fmt(s.finalLossQuartiles[0])}, ${fmt(s.finalLossQuartiles[1])}]`,
    s.meanResamples.toFixed(1),
    fmtSeconds(s.meanTimePerUpdate),
  ]);
  return textTable(header, rows);
}
