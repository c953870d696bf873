import { extname } from 'node:path';
import { performanceTableToCSV, performanceTableToJSON } from '../perf/exportPerformanceTable.js';
import type { PerformanceTable } from '../perf/PerformanceTable.js';
import type { InterruptSignal } from './interruption.js';
import { writeFileAtomic } from './outputFile.js';

/** One performance test of the command: its label, particle count and table (partial when the run was interrupted). */
export interface PerfRun {
  readonly label: string;
  readonly nParticles: number;
  readonly table: PerformanceTable;
}

/**
 * Why a `perf` run ended before all its trials ran: a signal (Ctrl-C, SIGTERM), or a failure of
 * the infrastructure (`ERR_CLUSTER`: Redis or the engines gone), with its code and message.
 */
export type PerfInterruption = { readonly signal: InterruptSignal } | { readonly error: { readonly code: string; readonly message: string } };

function why(i: PerfInterruption): string {
  return 'signal' in i ? `interrupted by ${i.signal}` : `the run failed (${i.error.code})`;
}

/**
 * The `--out` document of `qinfer-rx perf` (JSON, format `qinfer-rx/perf@1`): the settings, and
 * per particle count its label and table (`performanceTableToJSON`). `complete` says whether
 * every trial ran. An interrupted run (Ctrl-C, SIGTERM) still writes every trial that finished:
 * `complete: false`, `interrupted: { signal, missing }` (how many trials are missing; `error:
 * { code, message }` instead of `signal` when Redis or the engines failed) and, per
 * run, `missingTrials` —
 * the trials that never ran (masked, with no failure), so that nothing reads a partial table as
 * a whole one.
 *
 * @example
 * ```ts
 * perfDocument(settings, runs, { signal: 'SIGINT' }).runs[0].missingTrials; // e.g. [37, 38, …, 99]
 * ```
 */
export function perfDocument(settings: Record<string, unknown>, runs: readonly PerfRun[], interrupted?: PerfInterruption) {
  const missing = runs.reduce((s, r) => s + r.table.missing.length, 0);
  return {
    format: 'qinfer-rx/perf@1',
    settings,
    complete: interrupted === undefined && missing === 0,
    ...(interrupted === undefined ? {} : { interrupted: { ...interrupted, missing } }),
    runs: runs.map((r) => ({ label: r.label, nParticles: r.nParticles, complete: r.table.missing.length === 0, missingTrials: r.table.missing, table: performanceTableToJSON(r.table) })),
  };
}

/**
 * Writes the table of a `perf` run to `path` (already checked by `checkOutputPath`), atomically:
 * CSV when it ends in `.csv` (one line per record with a `particles` column; a trial that never
 * ran is one line with `failed = 1` and the error `missing: interrupted by SIGINT …`), else the
 * JSON document of {@link perfDocument}.
 *
 * @example
 * ```ts
 * writePerfTable('/data/perf.json', settings, runs);
 * ```
 */
export function writePerfTable(path: string, settings: Record<string, unknown>, runs: readonly PerfRun[], interrupted?: PerfInterruption): void {
  if (extname(path).toLowerCase() === '.csv') {
    const missing = interrupted === undefined ? 'missing' : `missing: ${why(interrupted)} before this trial finished`;
    writeFileAtomic(path, runs.map((r, i) => performanceTableToCSV(r.table, { prefix: { particles: r.nParticles }, header: i === 0, missing })).join(''), '--out');
  } else {
    writeFileAtomic(path, JSON.stringify(perfDocument(settings, runs, interrupted)) + '\n', '--out');
  }
}
