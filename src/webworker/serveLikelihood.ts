import { ModelCache } from '../boundary/ModelCache.js';
import { toWireError } from '../boundary/wireError.js';
import { ExpParams } from '../expparams/ExpParams.js';
import type { Registry } from '../registry/Registry.js';
import { builtInRegistry } from '../registry/builtInRegistry.js';
import { matrix } from '../util/particles.js';
import type { WorkerLikelihoodReply, WorkerLikelihoodTask, WorkerScopeLike } from './webWorkerProtocol.js';

function isTask(data: unknown): data is WorkerLikelihoodTask {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'qinfer-rx/likelihood';
}

/**
 * Serves likelihood chunks of a {@link webWorkerBackend} inside a Web Worker: each task's model
 * is rebuilt by name from `registry` (built-ins by default; register your own models there) and
 * cached, its likelihood computed on the chunk and posted back (transferred). A model that throws
 * answers with its error as data — the one `WireError` of every qinfer-rx boundary (name,
 * message, `code`, details) — and the worker keeps serving.
 * Messages that are not likelihood tasks are ignored, so the worker can serve other things too.
 *
 * @example
 * ```ts
 * // likelihood.worker.ts, bundled as its own entry point
 * import { serveLikelihood } from 'qinfer-rx';
 * serveLikelihood(self);
 * ```
 */
export function serveLikelihood(scope: WorkerScopeLike, registry: Registry = builtInRegistry()): void {
  const models = new ModelCache(registry);
  scope.addEventListener('message', (event) => {
    const task = event.data;
    if (!isTask(task)) return;
    let reply: WorkerLikelihoodReply;
    try {
      const model = models.get(task.model);
      const raw = model.likelihood(task.outcomes, matrix(task.x, task.rows, model.nModelparams), ExpParams.fromData(task.eps)).data;
      const L = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength ? raw : raw.slice(); // transfer whole buffers only
      reply = { kind: 'qinfer-rx/likelihood', id: task.id, ok: true, L };
      scope.postMessage(reply, [L.buffer as ArrayBuffer]);
      return;
    } catch (e) {
      reply = { kind: 'qinfer-rx/likelihood', id: task.id, ok: false, error: toWireError(e) };
    }
    scope.postMessage(reply, []);
  });
}
