import { QinferError } from '../src/errors/QinferError.js';
import type { EstimationStep } from './EstimationStep.js';

/**
 * Returns `step[key]`, or throws `ERR_ARGUMENT` naming the stage that is missing before `stage`
 * (e.g. `update` before `likelihood`): the pipeline was composed in the wrong order.
 */
export function requireField<K extends 'expparams' | 'outcome' | 'likelihood'>(
  step: EstimationStep,
  key: K,
  stage: string,
): NonNullable<EstimationStep[K]> {
  const v = step[key];
  if (v === undefined) {
    throw new QinferError('ERR_ARGUMENT', `${stage}: step ${step.index} has no ${key}; compose the pipeline as experiment → (simulate) → likelihood/parallel → update → resample`, {
      details: { index: step.index, missing: key },
    });
  }
  return v as NonNullable<EstimationStep[K]>;
}
