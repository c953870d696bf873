import type { PerformanceTable, PerfSummary } from './PerformanceTable.js';

/** A failed trial as data: index, seed and the error's name, code and message. */
export interface PerfFailureData {
  readonly index: number;
  readonly seed: number;
  readonly error: { readonly name: string; readonly code?: string; readonly message: string };
}

/** The JSON form of a {@link PerformanceTable} (`performanceTableToJSON`). */
export interface PerformanceTableJSON {
  readonly format: 'qinfer-rx/performance-table@1';
  readonly nTrials: number;
  readonly nExp: number;
  /** QInfer's record dtype: `[name, type, shape]`. */
  readonly dtype: readonly (readonly [string, string, readonly number[]])[];
  readonly seeds: readonly (number | null)[];
  readonly masked: readonly boolean[];
  readonly failures: readonly PerfFailureData[];
  /** Absent when no trial has data. */
  readonly summary?: PerfSummary;
  readonly bayesRisk?: readonly number[];
  /** `records[field][trial][experiment]` (a number, or an array for vector fields); null for masked trials. */
  readonly records: Readonly<Record<string, readonly (readonly (number | readonly number[])[] | null)[]>>;
}

function errorData(e: unknown): PerfFailureData['error'] {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { name: e.name, ...(typeof code === 'string' ? { code } : {}), message: e.message };
  }
  return { name: 'Error', message: String(e) };
}

/**
 * The failures of a table as data.
 *
 * @example
 * ```ts
 * failureData(table); // [{ index: 1, seed: 8123…, error: { name: 'QinferError', code: 'ERR_HEURISTIC', message: '…' } }]
 * ```
 */
export function failureData(table: PerformanceTable): PerfFailureData[] {
  return table.failures.map((f) => ({ index: f.index, seed: f.seed, error: errorData(f.error) }));
}

/**
 * A JSON-able copy of a performance table: dtype, seeds, mask, failures, summary, Bayes risk
 * and every record field as `[trial][experiment]` (null rows for masked trials).
 *
 * @example
 * ```ts
 * import { performanceTableToJSON } from 'qinfer-rx';
 * writeFileSync('perf.json', JSON.stringify(performanceTableToJSON(table)));
 * ```
 */
export function performanceTableToJSON(table: PerformanceTable): PerformanceTableJSON {
  const records: Record<string, (number | number[])[][] | null[]> = {};
  for (const f of table.dtype) {
    const { data, width } = table.column(f.name);
    const rows: ((number | number[])[] | null)[] = [];
    for (let t = 0; t < table.nTrials; t++) {
      if (table.mask[t] === 1) {
        rows.push(null);
        continue;
      }
      const row: (number | number[])[] = [];
      for (let k = 0; k < table.nExp; k++) {
        const o = (t * table.nExp + k) * width;
        row.push(width === 1 && f.shape.length === 0 ? data[o]! : Array.from(data.subarray(o, o + width)));
      }
      rows.push(row);
    }
    records[f.name] = rows as (number | number[])[][];
  }
  const hasData = table.nValid > 0 && table.nExp > 0;
  return {
    format: 'qinfer-rx/performance-table@1',
    nTrials: table.nTrials,
    nExp: table.nExp,
    dtype: table.dtype.map((f) => [f.name, f.type, [...f.shape]] as const),
    seeds: Array.from(table.seeds, (s) => (Number.isNaN(s) ? null : s)),
    masked: Array.from(table.mask, (m) => m === 1),
    failures: failureData(table),
    ...(hasData ? { summary: table.summary(), bayesRisk: Array.from(table.bayesRisk()) } : {}),
    records,
  };
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Column names of the CSV form: a vector field `f` of width n gives `f_0 … f_{n−1}`.
 *
 * @example
 * ```ts
 * csvHeader(table); // ['trial', 'seed', 'step', 'failed', 'loss', …, 'true_0', 'true_1', …, 'error']
 * ```
 */
export function csvHeader(table: PerformanceTable): string[] {
  const cols = ['trial', 'seed', 'step', 'failed'];
  for (const f of table.dtype) {
    const w = f.shape[0] ?? 1;
    if (f.shape.length === 0) cols.push(f.name);
    else for (let j = 0; j < w; j++) cols.push(`${f.name}_${j}`);
  }
  cols.push('error');
  return cols;
}

/**
 * The table as CSV text, one line per (trial, experiment) in trial order: `trial, seed, step,
 * failed`, every dtype field (vector fields spread over `name_j` columns), `error`. A failed
 * trial is one line with `failed = 1`, no step, and its error message. `prefix` adds leading
 * constant columns (e.g. `{ run: '1000 particles' }`); `header: false` omits the header line;
 * `missing` is the error text of a trial with no data and no failure (default `missing`; the CLI
 * says why, e.g. after an interruption).
 *
 * @example
 * ```ts
 * import { performanceTableToCSV } from 'qinfer-rx';
 * writeFileSync('perf.csv', performanceTableToCSV(table));
 * ```
 */
export function performanceTableToCSV(
  table: PerformanceTable,
  options: { prefix?: Readonly<Record<string, string | number>>; header?: boolean; missing?: string } = {},
): string {
  const { prefix = {}, header = true, missing = 'missing' } = options;
  const pre = Object.values(prefix).map(csvCell);
  const lines: string[] = [];
  const head = csvHeader(table);
  if (header) lines.push([...Object.keys(prefix).map(csvCell), ...head].join(','));
  const cols = table.dtype.map((f) => table.column(f.name));
  const failures = new Map(failureData(table).map((f) => [f.index, f]));
  for (let t = 0; t < table.nTrials; t++) {
    const seed = Number.isNaN(table.seeds[t]!) ? '' : String(table.seeds[t]);
    if (table.mask[t] === 1) {
      const f = failures.get(t);
      const msg = f === undefined ? missing : `${f.error.code ?? f.error.name}: ${f.error.message}`;
      lines.push([...pre, String(t), seed, '', '1', ...new Array<string>(head.length - 5).fill(''), csvCell(msg)].join(','));
      continue;
    }
    for (let k = 0; k < table.nExp; k++) {
      const cells: string[] = [...pre, String(t), seed, String(k), '0'];
      for (const c of cols) {
        const o = (t * table.nExp + k) * c.width;
        for (let j = 0; j < c.width; j++) cells.push(String(c.data[o + j]));
      }
      cells.push('');
      lines.push(cells.join(','));
    }
  }
  return lines.join('\n') + '\n';
}
