import { QinferError } from '../errors/QinferError.js';
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
      const L = req.model.likelihood(req.outcomes, matrix(req.x, req.nModels, req.model.nModelparams), req.expparams, options.out);
      return L.data;
    },
    async close() {},
  };
}
