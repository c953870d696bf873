// serveLikelihood on a Node worker thread, behind the few lines that make worker_threads look like
// a Web Worker's global scope: the same worker code a browser page runs (test/webworker.test.ts).
import { parentPort } from 'node:worker_threads';
import { builtInRegistry } from '../../src/registry/builtInRegistry.js';
import { serveLikelihood } from '../../src/webworker/serveLikelihood.js';
import { CrashingModel } from './webWorkerModels.js';

const port = parentPort!;
serveLikelihood(
  {
    postMessage: (message, transfer) => port.postMessage(message, transfer),
    addEventListener: (_type, listener) => void port.on('message', (data: unknown) => listener({ data })),
  },
  builtInRegistry().registerModel('CrashingModel', () => new CrashingModel()),
);
