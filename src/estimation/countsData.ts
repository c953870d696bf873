import { QinferArgumentError } from '../errors/QinferError.js';

/** One row of measured counts: a plain object (`{ counts, n_shots, t }`, …) or positional numbers. */
export type CountsRecord = Readonly<Record<string, number | boolean | string>>;

/**
 * Measured counts as `simpleEst*` and `qinfer-rx estimate --data` take them (QInfer's
 * `simple_est` data argument): CSV text, rows of numbers, or records.
 *
 * - Positional rows (and CSV without a header), in QInfer's column order:
 *   `counts, <first experiment field>, n_shots, <further fields…>` — e.g. `counts, t, n_shots` for
 *   precession, `counts, m, n_shots[, reference]` for randomized benchmarking.
 * - Records (and CSV with a header line): columns by name, `counts` and `n_shots` (or `shots`)
 *   plus the experiment fields; a field may also go by an alias (`t` for a scalar field `x`).
 */
export type CountsData = string | readonly (readonly (number | boolean)[])[] | readonly CountsRecord[];

/** Parsed counts: one entry per row. */
export interface CountsTable {
  readonly counts: Int32Array;
  readonly shots: Float64Array;
  /** Experiment field columns by field name. */
  readonly fields: Readonly<Record<string, Float64Array>>;
  readonly length: number;
}

function toNumber(v: unknown, where: string): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true') return 1;
    if (t === 'false') return 0;
    const n = t === '' ? NaN : Number(t);
    if (Number.isFinite(n)) return n;
  }
  throw new QinferArgumentError('ERR_ARGUMENT', `${where}: '${String(v)}' is not a number`, { details: { value: v } });
}

/** CSV text → header (or undefined) and rows of cells; `#` comments and blank lines skipped. */
function splitCsv(text: string): { header: string[] | undefined; rows: string[][]; lines: number[] } {
  const rows: string[][] = [], lines: number[] = [];
  let header: string[] | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const cells = line.split(',').map((c) => c.trim());
    if (header === undefined && rows.length === 0 && cells.some((c) => c !== '' && !Number.isFinite(Number(c)) && !/^(true|false)$/i.test(c))) {
      header = cells.map((c) => c.replace(/^"|"$/g, ''));
      return;
    }
    rows.push(cells);
    lines.push(i + 1);
  });
  return { header, rows, lines };
}

/**
 * Reads measured counts into columns for experiments with fields `fieldNames` (in the model's
 * order; see {@link CountsData} for the accepted forms), checking every count is an integer in
 * `0 … n_shots` and every field finite (`ERR_ARGUMENT` naming the row, or `ERR_OUTCOME` for a
 * count out of range; missing columns `ERR_SHAPE`).
 *
 * @param aliases - other names a field may have, e.g. `{ x: ['t'] }`
 *
 * @example
 * ```ts
 * import { countsTable } from 'qinfer-rx';
 * countsTable('counts,m,n_shots\n97,1,100\n80,64,100\n', ['m']).counts; // Int32Array [97, 80]
 * ```
 */
export function countsTable(data: CountsData, fieldNames: readonly string[], aliases: Readonly<Record<string, readonly string[]>> = {}): CountsTable {
  if (fieldNames.length === 0) throw new QinferArgumentError('ERR_ARGUMENT', 'counts need at least one experiment field');
  let named: { names: string[]; rows: unknown[][]; where: (r: number) => string } | undefined;
  let positional: { rows: unknown[][]; where: (r: number) => string } | undefined;
  if (typeof data === 'string') {
    const { header, rows, lines } = splitCsv(data);
    const where = (r: number): string => `CSV line ${lines[r]}`;
    if (header === undefined) positional = { rows, where };
    else named = { names: header, rows, where };
  } else if (Array.isArray(data)) {
    if (data.length > 0 && !Array.isArray(data[0])) {
      const recs = data as readonly CountsRecord[];
      const names = [...new Set(recs.flatMap((r) => Object.keys(r)))];
      named = { names, rows: recs.map((r) => names.map((n) => r[n])), where: (r) => `row ${r}` };
    } else positional = { rows: data as unknown[][], where: (r) => `row ${r}` };
  } else throw new QinferArgumentError('ERR_ARGUMENT', 'counts data must be CSV text, rows of numbers or records');
  const rows = (named ?? positional)!.rows, where = (named ?? positional)!.where, n = rows.length;
  if (n === 0) throw new QinferArgumentError('ERR_ARGUMENT', 'no rows of counts');
  // column index of each quantity
  const index = new Map<string, number>();
  if (named !== undefined) {
    const lower = named.names.map((s) => s.toLowerCase());
    const find = (key: string, alts: readonly string[]): number => {
      for (const k of [key, ...alts]) {
        const i = lower.indexOf(k.toLowerCase());
        if (i >= 0) return i;
      }
      throw new QinferArgumentError('ERR_SHAPE', `no column '${key}'${alts.length ? ` (or ${alts.join(', ')})` : ''} in the counts (columns: ${named!.names.join(', ')})`);
    };
    index.set('counts', find('counts', ['count', 'k']));
    index.set('n_shots', find('n_shots', ['shots', 'n_meas', 'n']));
    for (const f of fieldNames) index.set(f, find(f, aliases[f] ?? []));
  } else {
    const order = ['counts', fieldNames[0]!, 'n_shots', ...fieldNames.slice(1)];
    order.forEach((k, i) => index.set(k, i));
  }
  const width = Math.max(...index.values()) + 1;
  const counts = new Int32Array(n), shots = new Float64Array(n), fields: Record<string, Float64Array> = {};
  for (const f of fieldNames) fields[f] = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const row = rows[r]!;
    if (positional !== undefined && row.length < width) {
      throw new QinferArgumentError('ERR_SHAPE', `${where(r)} has ${row.length} columns; expected ${['counts', fieldNames[0], 'n_shots', ...fieldNames.slice(1)].join(', ')}`);
    }
    const c = toNumber(row[index.get('counts')!], `${where(r)}, counts`), s = toNumber(row[index.get('n_shots')!], `${where(r)}, n_shots`);
    if (!Number.isInteger(s) || s < 0) throw new QinferArgumentError('ERR_ARGUMENT', `${where(r)}: n_shots must be a non-negative integer, got ${s}`);
    if (!Number.isInteger(c) || c < 0 || c > s) throw new QinferArgumentError('ERR_OUTCOME', `${where(r)}: counts must be an integer in 0 … n_shots = ${s}, got ${c}`, { details: { row: r } });
    counts[r] = c;
    shots[r] = s;
    for (const f of fieldNames) {
      const v = toNumber(row[index.get(f)!], `${where(r)}, ${f}`);
      if (!Number.isFinite(v)) throw new QinferArgumentError('ERR_ARGUMENT', `${where(r)}: ${f} is not finite`);
      fields[f]![r] = v;
    }
  }
  return { counts, shots, fields, length: n };
}
