import { totalmem } from 'node:os';
import type { Model } from '../models/Model.js';
import { perfRecordBytes, perfRecordLayout } from '../perf/perfRecordDtype.js';
import { estimateTrialBytes } from '../perf/trialSetup.js';
import { checkMemory, formatBytes } from '../util/memoryBudget.js';
import { parseByteSize } from './parseArgs.js';

/**
 * The memory limit of a command-line run: `--memory-limit`, else `QINFER_MEMORY_LIMIT`, else
 * 80 % of the machine's memory (`os.totalmem()`).
 *
 * @example
 * ```ts
 * memoryLimitOf(undefined, { QINFER_MEMORY_LIMIT: '8G' }); // 8589934592
 * ```
 */
export function memoryLimitOf(option: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  if (option !== undefined) return parseByteSize(option, '--memory-limit');
  const fromEnv = env['QINFER_MEMORY_LIMIT'];
  if (fromEnv !== undefined && fromEnv !== '') return parseByteSize(fromEnv, 'QINFER_MEMORY_LIMIT');
  return Math.floor(0.8 * totalmem());
}

/** What a command-line run holds on this machine at once, for {@link checkRunMemory}. */
export interface RunShape {
  /** Particle counts of the run (one test per count). */
  readonly particles: readonly number[];
  readonly nExp: number;
  /** Trials per test (1 for `estimate`). */
  readonly nTrials: number;
  /** Trials running on this machine at once (0 when they run elsewhere, on cluster engines). */
  readonly inFlight: number;
}

/**
 * Bytes a run of `shape` needs on this machine, estimated before anything large exists: the
 * prior's ranges as the command builds them (`64 · nP`), the trials in flight at the largest
 * particle count (`estimateTrialBytes` each), and every test's table with its export (4 ×
 * `nTrials · nExp · perfRecordBytes`: the columns, the JSON or CSV text and the objects it is
 * built from).
 *
 * @example
 * ```ts
 * runBytes(model, { particles: [1000], nExp: 100, nTrials: 100, inFlight: 1 });
 * ```
 */
export function runBytes(model: Model, shape: RunShape): number {
  const nP = model.nModelparams;
  const biggest = Math.max(...shape.particles);
  const trial = estimateTrialBytes({ nParticles: biggest, nExp: shape.nExp }, model);
  const table = shape.nTrials * shape.nExp * perfRecordBytes(perfRecordLayout(model));
  return 64 * nP + Math.max(1, shape.inFlight) * trial + 4 * shape.particles.length * table;
}

/**
 * Refuses a run that cannot fit in `limit` bytes with `ERR_MEMORY` (exit status 2), naming the
 * estimate, the limit and what dominates it — before the prior's ranges are built and before
 * any trial runs.
 *
 * @example
 * ```ts
 * checkRunMemory(new NDieModel({ n: 1e8 }), { particles: [1000], nExp: 100, nTrials: 100, inFlight: 1 }, 16 * 2 ** 30);
 * // throws ERR_MEMORY: this run (1000 particles × 100000000 parameters of NDieModel, …) needs about 2.9 TiB, above …
 * ```
 */
export function checkRunMemory(model: Model, shape: RunShape, limit: number): void {
  const biggest = Math.max(...shape.particles);
  const nP = model.nModelparams;
  const what = `this run (${biggest} particles × ${nP} parameter${nP === 1 ? '' : 's'} of ${model.name}, ${shape.nTrials} trial(s) × ${shape.nExp} experiments, ${Math.max(1, shape.inFlight)} in flight here)`;
  checkMemory(runBytes(model, shape), limit, what, { nParticles: biggest, nModelparams: model.nModelparams, nTrials: shape.nTrials, nExp: shape.nExp, limitText: formatBytes(limit) });
}
