/** A stream the CLI writes to, as far as {@link quietOnClosedPipe} needs it (`process.stdout`). */
export interface ErrorEmitter {
  on(event: 'error', listener: (error: Error & { code?: string }) => void): unknown;
}

/**
 * Ends the command quietly when the reader of its output goes away — `qinfer-rx estimate | head
 * -2`: once `head` exits, the next write fails with `EPIPE`, which would otherwise surface as an
 * unhandled 'error' event and a stack trace. `onClosed` runs once (the executable aborts the
 * running command and exits with status 0, as a pipeline's writer does when its reader is done);
 * any other stream error is rethrown.
 *
 * @example
 * ```ts
 * quietOnClosedPipe([process.stdout, process.stderr], () => process.exit(0));
 * ```
 */
export function quietOnClosedPipe(streams: readonly ErrorEmitter[], onClosed: () => void): void {
  let closed = false;
  for (const s of streams) {
    s.on('error', (e) => {
      if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
      if (closed) return;
      closed = true;
      onClosed();
    });
  }
}
