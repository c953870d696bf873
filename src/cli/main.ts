/**
 * The `qinfer-rx` executable: runs the command line with the process streams, turns the first
 * Ctrl-C into a cancellation (the running test stops, backends close, exit status 130) and a
 * second one into an immediate exit; a closed output pipe (`| head`) ends it quietly.
 */
import { quietOnClosedPipe } from './quietOnClosedPipe.js';
import { runCli } from './runCli.js';

const controller = new AbortController();
// `qinfer-rx … | head`: the reader left, so the output is no longer wanted — stop, quietly.
quietOnClosedPipe([process.stdout, process.stderr], () => {
  controller.abort();
  process.exit(0);
});
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
});
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
// A backend that forgot to release a handle must not keep the process alive.
setTimeout(() => process.exit(), 1000).unref();
