/**
 * A bare worker thread for bench/pool.ts section 5 (the ceiling of trials on threads): no
 * piscina, no worker runtime — each message is a batch of trial specs, run with `runTrial` in a
 * plain loop, and the results go back in one message.
 */
import { parentPort } from 'node:worker_threads';
import { builtInRegistry, runTrial, type TrialSpec } from '../src/index.js';

const registry = builtInRegistry();
parentPort!.on('message', (specs: TrialSpec[]) => {
  parentPort!.postMessage(specs.map((s) => runTrial(s, registry)));
});
