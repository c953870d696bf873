// The dashboard's likelihood worker: serves chunks of webWorkerBackend, rebuilding models by
// name from the built-in registry (a page with its own models registers them here).
import { serveLikelihood } from '../../src/index.js';

serveLikelihood(globalThis as unknown as Parameters<typeof serveLikelihood>[0]); // globalThis is the worker's self
