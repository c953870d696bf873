import type { CliIo } from './CliIo.js';

/** A sub-command that parses its own arguments (e.g. `qinfer-rx engine`), returning its exit status. */
export type CliCommandRunner = (argv: readonly string[], io: CliIo) => Promise<number>;

/**
 * A sub-command contributed by another area of the package. `qinfer-rx NAME ARGS…` hands `ARGS`
 * untouched to the runner (loaded lazily, so its heavy imports load only when used);
 * `qinfer-rx --help` lists it with `summary`.
 */
export interface CliCommandEntry {
  readonly name: string;
  readonly summary: string;
  /** Imports the sub-command's module when it is run. */
  readonly load: () => Promise<CliCommandRunner>;
}

/**
 * Sub-commands besides `perf` and `estimate`. The cluster area adds
 * `{ name: 'engine', summary: 'serve trials and likelihood chunks from Redis', load: … }`.
 *
 * @example
 * ```ts
 * runCli(['engine', '--redis', url], io, { commands: [...CLI_COMMANDS, myEntry] });
 * ```
 */
export const CLI_COMMANDS: readonly CliCommandEntry[] = [
  { name: 'engine', summary: 'serve trials and likelihood chunks from Redis (qinfer-rx engine --redis URL)', load: async () => (await import('../cluster/engineCliCommand.js')).engineCliCommand },
];
