import { expect } from 'vitest';
import { QinferError } from '../../src/errors/QinferError.js';

/** The `QinferError` a promise rejects with (fails the test when it resolves or rejects with anything else). */
export async function rejection(p: Promise<unknown>): Promise<QinferError> {
  const r = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(r, 'the promise should have rejected with a QinferError').toBeInstanceOf(QinferError);
  return r as QinferError;
}
