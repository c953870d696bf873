import { perfRecordBytes, perfRecordLayout } from '../perf/perfRecordDtype.js';
import { estimateTrialBytes } from '../perf/trialSetup.js';
import type { TrialSpec } from '../perf/TrialSpec.js';
import type { Registry } from '../registry/Registry.js';
import { formatBytes } from '../util/memoryBudget.js';
import type { ParsedChunkJob } from './chunkWire.js';
import { payloadError } from './payloadGuards.js';

/** What an engine allows one job: its memory while it runs, and the size of its result. */
export interface JobLimits {
  /** Bytes one job may allocate (`estimateTrialBytes` for a trial; particles plus result for a chunk). */
  readonly maxJobBytes: number;
  /** Bytes of one job's encoded result (it travels through Redis). */
  readonly maxResultBytes: number;
}

/**
 * Parses a job's data from the JSON text Redis holds, in the worker thread that runs it: text that
 * is not JSON, or nests too deeply for the parser, is `ERR_PAYLOAD`.
 *
 * @example
 * ```ts
 * parseJobText('{"v":1,"spec":{}}'); // { v: 1, spec: {} }
 * ```
 */
export function parseJobText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw payloadError(`job data is not valid JSON (${(e as Error).message.slice(0, 120)})`);
  }
}

/**
 * Refuses a trial job an engine cannot afford, before it runs — a few hundred bytes of spec can
 * ask for gigabytes (`NDieModel` n = 8000 × 20 000 particles) or a result of hundreds of megabytes
 * (2²¹ experiments): `ERR_PAYLOAD` naming the estimate and the engine's limit
 * (`--max-job-memory`, `--max-result-bytes`). The models are built from `registry` to count their
 * parameters (cheap: no particles exist yet).
 *
 * @example
 * ```ts
 * checkTrialJobCost(spec, registry, { maxJobBytes: 2 ** 31, maxResultBytes: 64 << 20 }); // throws ERR_PAYLOAD for a job above either
 * ```
 */
export function checkTrialJobCost(spec: TrialSpec, registry: Registry, limits: JobLimits): void {
  const model = registry.createModel(spec.model);
  const trueModel = spec.trueModel === undefined ? model : registry.createModel(spec.trueModel);
  const memory = estimateTrialBytes(spec, model, trueModel);
  if (memory > limits.maxJobBytes) {
    throw payloadError(
      `this trial needs about ${formatBytes(memory)} of memory (${spec.nParticles} particles × ${model.nModelparams} parameters of ${model.name}), above this engine's limit of ${formatBytes(limits.maxJobBytes)} per job (--max-job-memory)`,
      { limit: limits.maxJobBytes, estimate: memory, option: 'maxJobMemory' },
    );
  }
  const result = Math.ceil((spec.nExp * perfRecordBytes(perfRecordLayout(model, trueModel)) * 4) / 3) + 1024;
  if (result > limits.maxResultBytes) {
    throw payloadError(
      `the result of this trial (${spec.nExp} experiments) would take about ${formatBytes(result)}, above this engine's limit of ${formatBytes(limits.maxResultBytes)} (--max-result-bytes)`,
      { limit: limits.maxResultBytes, estimate: result, option: 'maxResultBytes' },
    );
  }
}

/**
 * Refuses a likelihood chunk whose particles and result (`8 · nM · nP + 8 · nO · nM · nE`) exceed
 * the engine's memory limit per job (`ERR_PAYLOAD`). The result alone is checked against
 * `maxResultBytes` when the chunk is parsed.
 *
 * @example
 * ```ts
 * checkChunkJobCost(parsed, 2 ** 31);
 * ```
 */
export function checkChunkJobCost(job: ParsedChunkJob, maxJobBytes: number): void {
  const memory = 8 * job.x.length + 8 * job.outcomes.length * job.nM * job.eps.length;
  if (memory > maxJobBytes) {
    throw payloadError(`this likelihood chunk needs about ${formatBytes(memory)} (${job.nM} particles × ${job.outcomes.length} outcomes × ${job.eps.length} experiments), above this engine's limit of ${formatBytes(maxJobBytes)} per job (--max-job-memory)`, {
      limit: maxJobBytes, estimate: memory, option: 'maxJobMemory',
    });
  }
}
