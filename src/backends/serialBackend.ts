import { QinferError } from '../errors/QinferError.js';
import { modelError } from '../models/modelError.js';
import { matrix } from '../util/particles.js';
import type { LikelihoodBackend } from './LikelihoodBackend.js';

/**
 * The reference backend: the model's own likelihood on this thread.
 *
 * @example
 * ```ts
 * import { serialBackend } from 'qinfer-rx';
 * const L = await serialBackend().likelihood({ model, outcomes: Int32Array.of(0), x, nModels, expparams });
 * ```
 */
export function serialBackend(): LikelihoodBackend {
  return {
    name: 'serial',
    async likelihood(req, options = {}) {
      if (options.signal?.aborted) throw new QinferError('ERR_ABORTED', 'likelihood call aborted', { cause: options.signal.reason });
      // NaN first: rows a kernel leaves unwritten fail the update's check instead of keeping old values.
      options.out?.fill(NaN, 0, req.outcomes.length * req.nModels * req.expparams.length);
      try {
        return req.model.likelihood(req.outcomes, matrix(req.x, req.nModels, req.model.nModelparams), req.expparams, options.out).data;
      } catch (e) {
        throw modelError(req.model.name, 'likelihood', e);
      }
    },
    async close() {},
  };
}
