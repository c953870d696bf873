/**
 * `qinfer-rx/cli`: the command line as a library — run it in-process, or plug a backend or a
 * sub-command into it. Kept out of the core barrel because it uses Node's file system and
 * terminal.
 *
 * @module qinfer-rx/cli
 */
export { runCli, EXIT } from './runCli.js';
export type { RunCliOptions } from './runCli.js';
export type { CliIo, CliWriter } from './CliIo.js';
export { CLI_BACKENDS, resolveCliBackend, serialCliBackend } from './cliBackends.js';
export type { CliBackend, CliBackendContext, CliBackendEntry, CliBackendFactory } from './cliBackends.js';
export { CLI_COMMANDS } from './cliCommands.js';
export type { CliCommandEntry, CliCommandRunner } from './cliCommands.js';
export { createProgressReporter, progressLine, formatDuration } from './progressReporter.js';
export type { ProgressMode, ProgressReporter } from './progressReporter.js';
export { formatSummary } from './formatSummary.js';
export { packageVersion } from './packageVersion.js';
