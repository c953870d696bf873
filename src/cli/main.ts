/**
 * The `qinfer-rx` executable: runs the command line with the process streams. The first Ctrl-C
 * (SIGINT) or SIGTERM cancels the running command — a performance test stops its trials, writes
 * the ones that finished as a partial table, releases its backend and exits with status 130
 * (SIGINT) or 143 (SIGTERM); a second signal exits at once with that status. A command that
 * handles SIGTERM itself (`qinfer-rx engine`, which hands its jobs back first) keeps it. A
 * closed output pipe (`| head`) ends it quietly.
 */
import { interruption, SIGNAL_EXIT, type InterruptSignal } from './interruption.js';
import { quietOnClosedPipe } from './quietOnClosedPipe.js';
import { runCli } from './runCli.js';

const controller = new AbortController();
// `qinfer-rx … | head`: the reader left, so the output is no longer wanted — stop, quietly.
quietOnClosedPipe([process.stdout, process.stderr], () => {
  controller.abort();
  process.exit(0);
});
const onSignal = (signal: InterruptSignal): void => {
  if (signal === 'SIGTERM' && process.listenerCount('SIGTERM') > 1) return; // the command's own handler owns it
  if (controller.signal.aborted) process.exit(SIGNAL_EXIT[signal]);
  controller.abort(interruption(signal));
};
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
// A backend that forgot to release a handle must not keep the process alive.
setTimeout(() => process.exit(), 1000).unref();
