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
  /** Where the choice changes: calls with at least `atElements` elements (`nO·nM·nE`) go to `to`. */
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
 * pool, GPU, …) at a few particle counts, and returns a backend that sends every call to the
 * fastest candidate for its size: a call of `e = nO·nM·nE` elements goes to the best of the
 * measured size nearest on a log scale (switching at the geometric mean between measured sizes).
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
  for (let b = 0; b < candidates.length; b++) {
    const cand = candidates[b]!;
    try {
      for (let s = 0; s < sizes.length; s++) {
        const req: LikelihoodRequest = { model, outcomes, x: xAll.subarray(0, sizes[s]! * nP), nModels: sizes[s]!, expparams: eps };
        const out = new Float64Array(outcomes.length * sizes[s]! * eps.length);
        await cand.likelihood(req, { out }); // warm-up (starts workers / the GPU host, compiles)
        const t: number[] = [];
        for (let r = 0; r < repeats; r++) {
          const t0 = clock();
          await cand.likelihood(req, { out });
          t.push(clock() - t0);
        }
        ms[s]![b] = median(t);
      }
    } catch (e) {
      failures[cand.name] = e instanceof Error ? `${(e as QinferError).code ?? e.name}: ${e.message}` : String(e);
      for (const row of ms) row[b] = NaN;
    }
  }
  const names = candidates.map((c) => c.name);
  const bestIdx = ms.map((row) => {
    let best = -1;
    row.forEach((v, b) => {
      if (Number.isFinite(v) && (best < 0 || v < row[best]!)) best = b;
    });
    return best;
  });
  if (bestIdx.some((b) => b < 0)) {
    throw new QinferError('ERR_ARGUMENT', `no candidate backend could run model '${model.name}': ${JSON.stringify(failures)}`, { details: { failures } });
  }
  const perParticle = outcomes.length * eps.length;
  const crossovers: { atElements: number; from: string; to: string }[] = [];
  for (let s = 1; s < sizes.length; s++) {
    if (bestIdx[s] !== bestIdx[s - 1]) {
      crossovers.push({ atElements: Math.round(Math.sqrt(sizes[s - 1]! * sizes[s]!) * perParticle), from: names[bestIdx[s - 1]!]!, to: names[bestIdx[s]!]! });
    }
  }
  const table: AutoTable = { model: model.name, sizes, elementsPerParticle: perParticle, backends: names, ms, best: bestIdx.map((b) => names[b]!), crossovers, failures };

  const rowFor = (elements: number): number => {
    let s = 0;
    while (s + 1 < sizes.length && elements >= Math.sqrt(sizes[s]! * sizes[s + 1]!) * perParticle) s++;
    return s;
  };
  const choose = (elements: number): LikelihoodBackend => candidates[bestIdx[rowFor(elements)]!]!;
  let closed = false;
  return {
    name: 'auto',
    table,
    choose,
    async likelihood(req: LikelihoodRequest, call: LikelihoodCallOptions = {}) {
      if (closed) throw new QinferError('ERR_CLOSED', 'auto backend used after close()');
      const row = ms[rowFor(req.outcomes.length * req.nModels * req.expparams.length)]!;
      const order = row.map((v, b) => [v, b] as const).filter(([v]) => Number.isFinite(v)).sort((p, q) => p[0] - q[0]).map(([, b]) => b);
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
