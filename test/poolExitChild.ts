/**
 * Run as a child process by pool-lifecycle.test.ts: uses a pool, closes it while a call is still
 * in flight, and then simply ends — the process must exit on its own with code 0.
 */
import { ExpParams } from '../src/expparams/ExpParams.js';
import { CostlyModel } from '../src/models/CostlyModel.js';
import { createPool } from '../src/pool/createPool.js';
import { ParallelizedModel } from '../src/pool/ParallelizedModel.js';

const pool = createPool({ engines: 2 });
const pm = new ParallelizedModel(new CostlyModel({ k: 2 }), pool, { serialThreshold: 0 });
const x = Float64Array.from({ length: 1000 }, (_, j) => 0.001 * (j + 1));
const L = await pm.likelihoodAsync([0, 1], x, ExpParams.scalar([1, 2]));
const inFlight = new ParallelizedModel(new CostlyModel({ k: 5000 }), pool, { serialThreshold: 0 })
  .likelihoodAsync(0, x, ExpParams.scalar([1]))
  .catch((e: unknown) => (e as { code?: string }).code);
await pool.close();
console.log(`computed ${L.data.length}; in-flight call: ${String(await inFlight)}; closed`);
