// The entry of bench/pool.ts section 5's bare trial threads: a CommonJS file, so that tsx's
// require hook loads the TypeScript (as piscina's worker loads the pool's entry). An eval'd
// entry or a .ts file as the worker's own entry would reach Node's loader untransformed.
require('./trialThread.ts');
