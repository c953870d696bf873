/**
 * A module with a visible side effect when imported: the cluster tests name it in a job (as a
 * model name) and check that no engine ever imported it.
 */
import { writeFileSync } from 'node:fs';

const marker = process.env['QINFER_SIDE_EFFECT_MARKER'];
if (marker) writeFileSync(marker, 'imported');

/** Registers nothing. */
export function register(): void {}
