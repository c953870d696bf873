import { QinferArgumentError, QinferError, isQinferError } from '../errors/QinferError.js';
import { ignoreWarnings, type WarningSink } from '../errors/warn.js';
import { ExpParams } from '../expparams/ExpParams.js';
import type { Model } from '../models/Model.js';
import { toRng, type RngLike } from '../rng/Rng.js';
import type { LikelihoodBackend, LikelihoodCallOptions, LikelihoodRequest } from './LikelihoodBackend.js';

/** Options of {@link autoBackend}. */
export interface AutoBackendOptions {
  /**
   * The backends to choose from, e.g. `[serialBackend(), poolBackend(pool), gpuBackend()]`
   * (this module knows none of them: any {@link LikelihoodBackend} fits).
   */
  candidates: readonly LikelihoodBackend[];
  /** Particle counts to measure (default `[1e3, 1e4, 1e5, 1e6]`). */
  sizes?: readonly number[];
  /** Experiments of the measured calls (default: one scalar experiment `t = 1`, for scalar models). */
  expparams?: ExpParams;
  /** Outcomes of the measured calls (default `[0]`). */
  outcomes?: Int32Array;
  /** Timed calls per cell after one warm-up; the median counts (default 3). */
  repeats?: number;
  /** Generator of the measured particles (uniform on [0, 1) per parameter). Default seed 0. */
  rng?: RngLike;
  /** Close the candidates when the auto backend is closed (default true). */
  closeCandidates?: boolean;
  /** Receives a `gpu` warning when a call falls back from a failing candidate. */
  onWarning?: WarningSink;
  /** The clock of the measurements in ms (default `performance.now`; injectable for tests). */
  clock?: () => number;
}

/** The measurements behind an {@link AutoBackend}'s choice. */
export interface AutoTable {
  readonly model: string;
  /** Measured particle counts. */
  readonly sizes: readonly number[];
  /** Elements per measured call: `nO · nE` per particle. */
  readonly elementsPerParticle: number;
  readonly backends: readonly string[];
  /** `ms[s][b]`: median milliseconds of one call at `sizes[s]` on `backends[b]` (NaN: failed). */
  readonly ms: readonly (readonly number[])[];
  /** Fastest backend per size. */
  readonly best: readonly string[];
  /**
   * Where the choice changes: calls with at least `atElements` elements (`nO·nM·nE`) go to `to` —
   * where the candidates' times, interpolated linearly in log(time) against log(size) between
   * the measured sizes, cross.
   */
  readonly crossovers: readonly { readonly atElements: number; readonly from: string; readonly to: string }[];
  /** Candidates that failed to run, with the reason. */
  readonly failures: Readonly<Record<string, string>>;
}

/** A backend that runs each call on the candidate measured fastest for its size. */
export interface AutoBackend extends LikelihoodBackend {
  readonly table: AutoTable;
  /** The candidate a call of `elements = nO·nM·nE` goes to. */
  choose(elements: number): LikelihoodBackend;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Measures, for `model`, how long one likelihood call takes on each candidate backend (serial,
 * pool, GPU, …) at a few particle counts — the candidates interleaved, one call of each per
 * round, so that a loaded machine's drift hits them alike — and returns a backend that sends
 * every call to the candidate its measurements show fastest for its size: a call of
 * `e = nO·nM·nE` elements goes to the candidate with the least time at `e`, the times
 * interpolated linearly in log(time) against log(size) between the measured sizes (at a measured
 * size: the measured fastest; beyond the measured range: the fastest at the nearest end). So it
 * never sends a call to a candidate that its own table shows slower there.
 * The table (`.table`, printable with {@link formatAutoTable}) shows the timings, the winner per
 * size and the crossovers. Candidates that fail while measuring (no GPU adapter, …) are left out
 * and listed in `failures`; a call whose chosen candidate fails with `ERR_GPU` /
 * `ERR_GPU_UNAVAILABLE` is rerun on the next best (with a `gpu` warning).
 *
 * @example
 * ```ts
 * import { SimplePrecessionModel, autoBackend, formatAutoTable, serialBackend } from 'qinfer-rx';
 * import { gpuBackend } from 'qinfer-rx/gpu';
 * const auto = await autoBackend(new SimplePrecessionModel(), { candidates: [serialBackend(), gpuBackend()] });
 * console.log(formatAutoTable(auto.table));
 * // … parallel(auto) …
 * await auto.close();
 * ```
 */
export async function autoBackend(model: Model, options: AutoBackendOptions): Promise<AutoBackend> {
  const candidates = options?.candidates;
  if (!Array.isArray(candidates) || candidates.length === 0) throw new QinferArgumentError('ERR_ARGUMENT', 'autoBackend needs at least one candidate');
  const sizes = [...(options.sizes ?? [1e3, 1e4, 1e5, 1e6])].sort((a, b) => a - b);
  for (const s of sizes) if (!(Number.isInteger(s) && s > 0)) throw new QinferArgumentError('ERR_ARGUMENT', `sizes must be positive integers, got ${s}`);
  const repeats = options.repeats ?? 3;
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new QinferArgumentError('ERR_ARGUMENT', `repeats must be a positive integer, got ${repeats}`);
  let eps = options.expparams;
  if (eps === undefined) {
    if (model.expparamsSchema.kind !== 'scalar') throw new QinferArgumentError('ERR_ARGUMENT', `autoBackend needs expparams for model '${model.name}' (record experiments)`);
    eps = ExpParams.scalar([1]);
  }
  const outcomes = options.outcomes ?? Int32Array.of(0);
  const onWarning = options.onWarning ?? ignoreWarnings;
  const clock = options.clock ?? (() => performance.now());
  const rng = toRng(options.rng ?? 0);
  const nP = model.nModelparams;
  const xAll = new Float64Array(sizes[sizes.length - 1]! * nP);
  rng.fillUniform(xAll);

  const ms: number[][] = sizes.map(() => candidates.map(() => NaN));
  const failures: Record<string, string> = {};
  const alive = candidates.map(() => true);
  const fail = (b: number, e: unknown): void => {
    failures[candidates[b]!.name] = e instanceof Error ? `${(e as QinferError).code ?? e.name}: ${e.message}` : String(e);
    alive[b] = false;
    for (const row of ms) row[b] = NaN;
  };
  for (let s = 0; s < sizes.length; s++) {
    const req: LikelihoodRequest = { model, outcomes, x: xAll.subarray(0, sizes[s]! * nP), nModels: sizes[s]!, expparams: eps };
    const out = new Float64Array(outcomes.length * sizes[s]! * eps.length);
    const t: number[][] = candidates.map(() => []);
    // Round 0 warms up (starts workers / the GPU host, compiles); then one timed call of each per round.
    for (let r = 0; r <= repeats; r++) {
      for (let b = 0; b < candidates.length; b++) {
        if (!alive[b]) continue;
        try {
          const t0 = clock();
          await candidates[b]!.likelihood(req, { out });
          if (r > 0) t[b]!.push(clock() - t0);
        } catch (e) {
          fail(b, e);
        }
      }
    }
    for (let b = 0; b < candidates.length; b++) if (alive[b]) ms[s]![b] = median(t[b]!);
  }
  const names = candidates.map((c) => c.name);
  const perParticle = outcomes.length * eps.length;
  const rank = rankAt(sizes.map((n) => n * perParticle), ms);
  const bestIdx = sizes.map((n) => rank(n * perParticle)[0] ?? -1);
  if (bestIdx.some((b) => b < 0)) {
    throw new QinferError('ERR_ARGUMENT', `no candidate backend could run model '${model.name}': ${JSON.stringify(failures)}`, { details: { failures } });
  }
  const crossovers = crossoversOf(sizes.map((n) => n * perParticle), ms, rank).map((c) => ({ atElements: c.atElements, from: names[c.from]!, to: names[c.to]! }));
  const table: AutoTable = { model: model.name, sizes, elementsPerParticle: perParticle, backends: names, ms, best: bestIdx.map((b) => names[b]!), crossovers, failures };
  const choose = (elements: number): LikelihoodBackend => candidates[rank(elements)[0]!]!;
  let closed = false;
  return {
    name: 'auto',
    table,
    choose,
    async likelihood(req: LikelihoodRequest, call: LikelihoodCallOptions = {}) {
      if (closed) throw new QinferError('ERR_CLOSED', 'auto backend used after close()');
      const order = rank(req.outcomes.length * req.nModels * req.expparams.length);
      let last: unknown;
      for (const b of order) {
        try {
          return await candidates[b]!.likelihood(req, call);
        } catch (e) {
          if (!(isQinferError(e, 'ERR_GPU') || isQinferError(e, 'ERR_GPU_UNAVAILABLE'))) throw e;
          last = e;
          onWarning({ category: 'gpu', message: `${candidates[b]!.name} failed (${(e as Error).message}); trying the next backend` });
        }
      }
      throw last;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (options.closeCandidates !== false) await Promise.all(candidates.map((c) => c.close()));
    },
  };
}

/**
 * The candidates that ran, fastest first, for a call of `e` elements: their times interpolated
 * linearly in log(time) against log(elements) between the measured points `at` (ascending),
 * clamped to the nearest end beyond them; ties go to the earlier candidate. `ms[s][b]` NaN: `b`
 * left out.
 */
function rankAt(at: readonly number[], ms: readonly (readonly number[])[]): (e: number) => number[] {
  const lt = ms.map((row) => row.map((v) => Math.log(Math.max(v, 1e-9))));
  const lx = at.map((v) => Math.log(v));
  const ok = ms[0]!.map((_, b) => ms.every((row) => Number.isFinite(row[b]!)));
  return (e: number): number[] => {
    const le = Math.log(Math.max(e, 1e-300));
    let s = 0;
    while (s + 2 < lx.length && le >= lx[s + 1]!) s++;
    const f = lx.length === 1 ? 0 : Math.min(1, Math.max(0, (le - lx[s]!) / (lx[s + 1]! - lx[s]!)));
    const time = (b: number): number => (f === 0 ? lt[s]![b]! : f === 1 ? lt[s + 1]![b]! : (1 - f) * lt[s]![b]! + f * lt[s + 1]![b]!);
    return ok.flatMap((good, b) => (good ? [b] : [])).sort((p, q) => time(p) - time(q) || p - q);
  };
}

/** Where the fastest candidate changes between the measured points (the interpolated times' crossings), in order. */
function crossoversOf(at: readonly number[], ms: readonly (readonly number[])[], rank: (e: number) => number[]): { atElements: number; from: number; to: number }[] {
  const lt = ms.map((row) => row.map((v) => Math.log(Math.max(v, 1e-9))));
  const out: { atElements: number; from: number; to: number }[] = [];
  let prev = rank(at[0]!)[0]!;
  for (let s = 0; s + 1 < at.length; s++) {
    const lx0 = Math.log(at[s]!), lx1 = Math.log(at[s + 1]!);
    // Every pairwise crossing of the straight lines inside this interval, in order.
    const fs: number[] = [];
    for (let p = 0; p < lt[s]!.length; p++) {
      for (let q = p + 1; q < lt[s]!.length; q++) {
        const d0 = lt[s]![p]! - lt[s]![q]!, d1 = lt[s + 1]![p]! - lt[s + 1]![q]!;
        if (Number.isFinite(d0) && Number.isFinite(d1) && d0 !== d1) {
          const f = d0 / (d0 - d1);
          if (f > 0 && f <= 1) fs.push(f);
        }
      }
    }
    fs.sort((a, b) => a - b);
    for (const f of fs) {
      const e = Math.exp(lx0 + f * (lx1 - lx0));
      // The winner just past the crossing (at f = 1: at the measured point itself).
      const next = rank(f === 1 ? at[s + 1]! : e * (1 + 1e-9))[0]!;
      if (next !== prev) {
        out.push({ atElements: Math.round(e), from: prev, to: next });
        prev = next;
      }
    }
  }
  return out;
}

/**
 * The table of an {@link AutoBackend} as text: one line per measured size with each backend's
 * milliseconds and the winner, then the crossovers and failures.
 *
 * @example
 * ```ts
 * console.log(formatAutoTable(auto.table));
 * // particles   serial      gpu:llvmpipe   best
 * // 1000        0.031       1.9            serial …
 * ```
 */
export function formatAutoTable(t: AutoTable): string {
  const w = Math.max(12, ...t.backends.map((b) => b.length + 2));
  const lines = [`auto backend for ${t.model} (${t.elementsPerParticle} element(s) per particle; median ms per call)`];
  lines.push(['particles'.padEnd(12), ...t.backends.map((b) => b.padEnd(w)), 'best'].join(''));
  t.sizes.forEach((s, i) => {
    lines.push([String(s).padEnd(12), ...t.ms[i]!.map((v) => (Number.isFinite(v) ? v.toPrecision(3) : 'failed').padEnd(w)), t.best[i]!].join(''));
  });
  for (const c of t.crossovers) lines.push(`crossover: ${c.from} → ${c.to} from ${c.atElements} elements per call`);
  for (const [b, why] of Object.entries(t.failures)) lines.push(`left out: ${b} (${why})`);
  return lines.join('\n');
}
