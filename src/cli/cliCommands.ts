import type { Command } from 'commander';
import type { CliIo } from './CliIo.js';
import { defineEngineCommand, engineCliCommand } from './engineCommand.js';

/** A sub-command run on its own with its arguments (e.g. `qinfer-rx engine`), returning its exit status. */
export type CliCommandRunner = (argv: readonly string[], io: CliIo) => Promise<number>;

/**
 * A sub-command of `qinfer-rx` besides `perf` and `estimate`, listed by `qinfer-rx --help`.
 * With `define`, it is a commander sub-command like them: `define` adds its options and action
 * to `cmd` (commander parses the arguments and prints `--help`), and the action hands its exit
 * status to `done`; its heavy modules should be imported inside the action. Without `define`,
 * `qinfer-rx NAME ARGS…` hands `ARGS` untouched to the runner `load` gives (a plug-in that
 * parses its own arguments). `load` always gives a runner of the command on its own.
 */
export interface CliCommandEntry {
  readonly name: string;
  readonly summary: string;
  /** Adds the sub-command's options and action to commander's `cmd` (then commander parses it). */
  readonly define?: (cmd: Command, io: CliIo, done: (code: number) => void) => Command;
  /** Imports the sub-command's module when it is run on its own (`qinfer-rx NAME ARGS…`). */
  readonly load: () => Promise<CliCommandRunner>;
}

/**
 * Sub-commands besides `perf` and `estimate`: `engine` (serve a cluster's trials and likelihood
 * chunks from Redis).
 *
 * @example
 * ```ts
 * runCli(['engine', '--redis', url], io, { commands: [...CLI_COMMANDS, myEntry] });
 * ```
 */
export const CLI_COMMANDS: readonly CliCommandEntry[] = [
  { name: 'engine', summary: 'serve trials and likelihood chunks from Redis (qinfer-rx engine --redis URL)', define: defineEngineCommand, load: async () => engineCliCommand },
];
