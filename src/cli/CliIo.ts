/** Where the CLI writes; tests pass collectors instead of the process streams. */
export interface CliWriter {
  /** Writes `text` as it is (lines end in `\n`). */
  write(text: string): unknown;
  /** True on a terminal: the progress bar is drawn only there. */
  readonly isTTY?: boolean;
}

/** The CLI's environment: output streams, cancellation and the working directory. */
export interface CliIo {
  readonly stdout: CliWriter;
  /** Progress, notes and errors. */
  readonly stderr: CliWriter;
  /** Aborting it (Ctrl-C) cancels the running test; the CLI exits with status 130. */
  readonly signal?: AbortSignal;
  /** Relative output paths resolve against it (default `process.cwd()`). */
  readonly cwd?: string;
}
