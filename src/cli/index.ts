/**
 * `qinfer-rx/cli`: the command line as a library — run it in-process, or plug a backend or a
 * sub-command into it. Kept out of the core barrel because it uses Node's file system and
 * terminal.
 *
 * @module qinfer-rx/cli
 */
export { runCli, EXIT } from './runCli.js';
export type { RunCliOptions } from './runCli.js';
export { runCommand, commandFor, failureExit } from './runCommand.js';
export type { CliIo, CliWriter } from './CliIo.js';
export { CLI_BACKENDS, resolveCliBackend, serialCliBackend } from './cliBackends.js';
export type { CliBackend, CliBackendContext, CliBackendEntry, CliBackendFactory } from './cliBackends.js';
export { CLI_COMMANDS } from './cliCommands.js';
export type { CliCommandEntry, CliCommandRunner } from './cliCommands.js';
export { engineCliCommand, parseEngineArgs, engineOptions, engineOptionsFrom, defineEngineCommand, serveEngine } from './engineCommand.js';
export type { EngineCommandValues } from './engineCommand.js';
export { checkBackendOptions, MAX_TIMEOUT_MS } from './backends/backendOptions.js';
export type { BackendOptionSpec, BackendOptionValues } from './backends/backendOptions.js';
export { poolCliBackend, MAX_CLI_ENGINES } from './backends/poolCliBackend.js';
export { gpuCliBackend } from './backends/gpuCliBackend.js';
export { autoCliBackend } from './backends/autoCliBackend.js';
export { clusterCliBackend } from './backends/clusterCliBackend.js';
export { createProgressReporter, progressLine, formatDuration } from './progressReporter.js';
export type { ProgressMode, ProgressReporter } from './progressReporter.js';
export { formatSummary } from './formatSummary.js';
export { packageVersion } from './packageVersion.js';
