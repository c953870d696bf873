/** A module with no registering export: every pool and engine must refuse it, naming it. */
export const nothingHere = 1;
