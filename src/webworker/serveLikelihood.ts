import { isQinferError } from '../errors/QinferError.js';
import { ExpParams } from '../expparams/ExpParams.js';
import type { Model } from '../models/Model.js';
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
 * answers with its error as data — name, message and `code` — and the worker keeps serving.
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
  const models = new Map<string, Model>();
  scope.addEventListener('message', (event) => {
    const task = event.data;
    if (!isTask(task)) return;
    let reply: WorkerLikelihoodReply;
    try {
      const key = JSON.stringify([task.model.name, task.model.params ?? {}]);
      let model = models.get(key);
      if (model === undefined) models.set(key, (model = registry.createModel(task.model)));
      const raw = model.likelihood(task.outcomes, matrix(task.x, task.rows, model.nModelparams), ExpParams.fromData(task.eps)).data;
      const L = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength ? raw : raw.slice(); // transfer whole buffers only
      reply = { kind: 'qinfer-rx/likelihood', id: task.id, ok: true, L };
      scope.postMessage(reply, [L.buffer as ArrayBuffer]);
      return;
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      reply = { kind: 'qinfer-rx/likelihood', id: task.id, ok: false, error: { name: err.name, message: err.message, ...(isQinferError(e) ? { code: e.code } : {}) } };
    }
    scope.postMessage(reply, []);
  });
}
