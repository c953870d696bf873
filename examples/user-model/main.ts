/**
 * Estimate ω of a user-defined model (DampedPrecessionModel.ts, its own module) with the
 * likelihood computed on a pool of worker threads:
 *
 *   1. `createPool({ modules: [DampedPrecessionModel.ts] })` — every worker registers the model;
 *   2. `ParallelizedModel` checks that the pool's likelihood equals the serial one bit for bit;
 *   3. an estimation pipeline runs its likelihood stage on the pool via `poolBackend(pool)`;
 *   4. the pool is closed, and the process exits on its own.
 *
 *   npx tsx examples/user-model/main.ts [trueOmega] [engines]
 */
import { fileURLToPath } from 'node:url';
import { lastValueFrom } from 'rxjs';
import { estimate } from '../../operators/estimate.js';
import { ExpParams, ExpSparseHeuristic, SMCUpdater, UniformDistribution } from '../../src/index.js';
import { ParallelizedModel, createPool, poolBackend } from '../../src/pool/index.js';
import { DampedPrecessionModel } from './DampedPrecessionModel.js';

/** The path of the model module the workers load. */
export const MODEL_MODULE = fileURLToPath(new URL('./DampedPrecessionModel.ts', import.meta.url));

/** What the example found. */
export interface UserModelExampleResult {
  readonly sameAsSerial: boolean;
  readonly estimate: number;
  readonly sd: number;
  readonly engines: number;
}

/** Runs the example; `log` receives the printed lines. */
export async function runUserModelExample(trueOmega = 0.7, engines = 2, log: (line: string) => void = console.log): Promise<UserModelExampleResult> {
  const pool = createPool({ engines, modules: [MODEL_MODULE] });
  try {
    const model = new DampedPrecessionModel(200);
    const x = Float64Array.from({ length: 20_000 }, (_, j) => (j + 0.5) / 20_000);
    const eps = ExpParams.scalar([1, 5, 25]);
    const parallelL = await new ParallelizedModel(model, pool).likelihoodAsync([0, 1], x, eps);
    const serialL = model.likelihood([0, 1], x, eps);
    const sameAsSerial = parallelL.data.every((v, i) => Object.is(v, serialL.data[i]));
    log(`likelihood of 20000 particles on ${pool.name}: ${sameAsSerial ? 'identical to' : 'DIFFERENT from'} the serial model`);

    const updater = new SMCUpdater(model, 5000, new UniformDistribution([0, 2]), { rng: 7 });
    const final = await lastValueFrom(
      estimate({ updater, heuristic: new ExpSparseHeuristic(updater), nExperiments: 60, trueParams: [trueOmega], rng: 8, backend: poolBackend(pool) }),
    );
    const est = final.mean[0]!, sd = Math.sqrt(final.covariance[0]!);
    log(`true ω = ${trueOmega}; estimate ${est.toFixed(6)} ± ${sd.toExponential(2)} after 60 experiments`);
    return { sameAsSerial, estimate: est, sd, engines: pool.nEngines };
  } finally {
    await pool.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [w, n] = process.argv.slice(2).map(Number);
  await runUserModelExample(w ?? 0.7, n ?? 2);
}
