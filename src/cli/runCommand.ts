import { CommanderError, type Command } from 'commander';
import { isQinferError } from '../errors/QinferError.js';
import type { CliIo } from './CliIo.js';

/**
 * Exit statuses of the `qinfer-rx` command.
 *
 * @example
 * ```ts
 * if ((await runCli(argv, io)) === EXIT.usage) console.error('see --help');
 * ```
 */
export const EXIT = Object.freeze({ ok: 0, failed: 1, usage: 2, interrupted: 130 } as const);

/**
 * Points commander command `cmd` at the CLI's streams and makes it throw instead of exiting.
 * Call it before adding sub-commands: they inherit these settings when created.
 *
 * @example
 * ```ts
 * const root = commandFor(new Command('qinfer-rx'), io);
 * ```
 */
export function commandFor(cmd: Command, io: CliIo): Command {
  return cmd.configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) }).exitOverride();
}

/**
 * Parses `argv` with commander command `cmd` (set up by {@link commandFor}), runs the chosen
 * action and returns the exit status the action left in `result.code`, or that of its failure
 * (see {@link failureExit}).
 *
 * @example
 * ```ts
 * const result = { code: 0 };
 * process.exitCode = await runCommand(commandFor(myCommand, io), argv, io, result);
 * ```
 */
export async function runCommand(cmd: Command, argv: readonly string[], io: CliIo, result: { code: number }): Promise<number> {
  try {
    await cmd.parseAsync([...argv], { from: 'user' });
    return result.code;
  } catch (e) {
    return failureExit(e, io);
  }
}

/**
 * The exit status for what a command threw, printing it: 0 after `--help`, 2 for a usage error
 * (already printed by commander) or a `QinferArgumentError`, 130 when interrupted
 * (`ERR_ABORTED`), 1 for any other failure, printed with its cause. The error's `code` is
 * printed beside its message: `error [ERR_UNKNOWN_MODEL]: unknown model 'X' (known: …)`.
 *
 * @example
 * ```ts
 * failureExit(new QinferArgumentError('ERR_ARGUMENT', 'bad --x'), io); // 2, after printing 'error [ERR_ARGUMENT]: bad --x'
 * ```
 */
export function failureExit(e: unknown, io: CliIo): number {
  if (e instanceof CommanderError) {
    // --help and --version end here with exit code 0; usage errors were already printed.
    return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (isQinferError(e, 'ERR_ABORTED')) {
    io.stderr.write('interrupted\n');
    return EXIT.interrupted;
  }
  const err = e as Error & { code?: unknown };
  // The code beside the message: what scripts branch on, and what the docs list.
  const code = (c: unknown): string => (typeof c === 'string' && c !== '' ? ` [${c}]` : '');
  io.stderr.write(`error${code(err?.code)}: ${err?.message ?? String(e)}\n`);
  if (e instanceof RangeError && isQinferError(e)) return EXIT.usage;
  const cause = err?.cause as (Error & { code?: unknown }) | undefined;
  if (cause instanceof Error && !err.message.includes(cause.message)) io.stderr.write(`  caused by${code(cause.code)}: ${cause.message}\n`);
  return EXIT.failed;
}
