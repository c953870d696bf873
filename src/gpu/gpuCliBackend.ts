import { availableParallelism } from 'node:os';
import { serialBackend } from '../backends/serialBackend.js';
import type { CliBackendContext, CliBackendFactory } from '../cli/cliBackends.js';
import { QinferArgumentError } from '../errors/QinferError.js';
import { ExpParams } from '../expparams/ExpParams.js';
import { backendTrialApply } from '../perf/backendTrialApply.js';
import { createPool } from '../pool/createPool.js';
import { poolBackend } from '../pool/poolBackend.js';
import { autoBackend, formatAutoTable } from './autoBackend.js';
import { gpuBackend } from './gpuBackend.js';

function checkOptions(options: CliBackendContext['options'], known: readonly string[], what: string): void {
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw new QinferArgumentError('ERR_ARGUMENT', `unknown ${what} option '${k}' (known: ${known.join(', ') || 'none'})`);
  }
}

/**
 * `qinfer-rx perf --backend gpu`: trials run on this thread (`backendTrialApply`), their
 * likelihoods on the WebGPU device in float32; without an adapter, or when the GPU host fails, a
 * call falls back to the CPU with a warning. Two trials are in flight by default so that the CPU
 * work of one overlaps the device work of the other.
 *
 * @example
 * ```sh
 * qinfer-rx perf --backend gpu -p 100000 -t 20
 * ```
 */
export const gpuCliBackend: CliBackendFactory = async ({ registry, options, log }) => {
  checkOptions(options, [], 'gpu');
  const gpu = gpuBackend({ fallback: serialBackend(), onWarning: (w) => log(`gpu: ${w.message}`) });
  const info = await gpu.adapterInfo().catch(() => undefined);
  return {
    apply: backendTrialApply(gpu, registry),
    concurrency: 2,
    description: info === undefined ? 'gpu: no adapter, likelihoods fall back to the CPU' : `gpu: ${info.name}${info.isFallbackAdapter ? ' (software)' : ''}, float32 likelihoods`,
    close: () => gpu.close(),
  };
};

/**
 * `qinfer-rx perf --backend auto`: measures the run's model on this thread, on a worker pool
 * (`--backend-opt engines=N`) and on the GPU at several particle counts, prints the table and
 * the crossovers, then runs each likelihood on the backend that was fastest at its size.
 *
 * @example
 * ```sh
 * qinfer-rx perf --backend auto -p 1000,100000
 * ```
 */
export const autoCliBackend: CliBackendFactory = async ({ registry, options, log, model }) => {
  checkOptions(options, ['engines'], 'auto');
  if (model === undefined) throw new QinferArgumentError('ERR_ARGUMENT', 'the auto backend needs the model of the run');
  const engines = options['engines'] ?? availableParallelism();
  if (typeof engines !== 'number' || !Number.isSafeInteger(engines) || engines < 1) {
    throw new QinferArgumentError('ERR_ARGUMENT', `auto option engines must be an integer >= 1, got ${JSON.stringify(engines)}`);
  }
  const built = registry.createModel(model);
  // A representative experiment to measure with: every field 1 (record models need one).
  const schema = built.expparamsSchema;
  const expparams =
    schema.kind === 'scalar' ? ExpParams.scalar([1]) : ExpParams.records(schema, [Object.fromEntries(schema.fields.map((f) => [f.name, (f.shape ?? 1) === 1 ? 1 : new Array<number>(f.shape!).fill(1)]))]);
  const pool = createPool({ engines });
  const candidates = [serialBackend(), poolBackend(pool, { serialThreshold: 0, closePool: true }), gpuBackend()];
  const auto = await autoBackend(built, { candidates, expparams }).catch(async (e: unknown) => {
    await Promise.all(candidates.map((c) => c.close()));
    throw e;
  });
  for (const line of formatAutoTable(auto.table).split('\n')) log(line);
  return {
    apply: backendTrialApply(auto, registry),
    concurrency: 2,
    description: 'auto: each likelihood on the backend measured fastest at its size',
    close: () => auto.close(),
  };
};
