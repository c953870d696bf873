import { availableParallelism } from 'node:os';
import { autoBackend, formatAutoTable } from '../../backends/autoBackend.js';
import { serialBackend } from '../../backends/serialBackend.js';
import { QinferArgumentError } from '../../errors/QinferError.js';
import { ExpParams } from '../../expparams/ExpParams.js';
import { gpuBackend } from '../../gpu/gpuBackend.js';
import { backendTrialApply } from '../../perf/backendTrialApply.js';
import { createPool } from '../../pool/createPool.js';
import { poolBackend } from '../../pool/poolBackend.js';
import { checkBackendOptions } from './backendOptions.js';
import type { CliBackendFactory } from './CliBackend.js';
import { MAX_CLI_ENGINES } from './poolCliBackend.js';

/**
 * `qinfer-rx perf --backend auto`: measures the run's model on this thread, on a worker pool
 * (`--backend-opt engines=N`, an integer in [1, 1024]) and on the GPU at several particle counts,
 * prints the table and the crossovers, then runs each likelihood on the backend that was fastest
 * at its size.
 *
 * @example
 * ```sh
 * qinfer-rx perf --backend auto -p 1000,100000
 * ```
 */
export const autoCliBackend: CliBackendFactory = async ({ registry, options, log, model, modules }) => {
  const o = checkBackendOptions('auto', options, { engines: { kind: 'integer', min: 1, max: MAX_CLI_ENGINES } });
  if (model === undefined) throw new QinferArgumentError('ERR_ARGUMENT', 'the auto backend needs the model of the run');
  const built = registry.createModel(model);
  // A representative experiment to measure with: every field 1 (record models need one).
  const schema = built.expparamsSchema;
  const expparams =
    schema.kind === 'scalar' ? ExpParams.scalar([1]) : ExpParams.records(schema, [Object.fromEntries(schema.fields.map((f) => [f.name, (f.shape ?? 1) === 1 ? 1 : new Array<number>(f.shape!).fill(1)]))]);
  const pool = createPool({ engines: o.engines ?? availableParallelism(), modules: modules ?? [] });
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
