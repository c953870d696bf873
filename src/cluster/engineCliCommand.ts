import type { CliIo } from '../cli/CliIo.js';
import { runEngineCli } from './runEngineCli.js';

/**
 * The `qinfer-rx engine …` sub-command for the command's `CLI_COMMANDS` list: runs
 * {@link runEngineCli} with the command's streams and cancellation.
 *
 * @example
 * ```ts
 * // src/cli/cliCommands.ts
 * { name: 'engine', summary: 'serve trials and likelihood chunks from Redis',
 *   load: async () => (await import('../cluster/engineCliCommand.js')).engineCliCommand }
 * ```
 */
export async function engineCliCommand(argv: readonly string[], io: CliIo): Promise<number> {
  return runEngineCli(argv, {
    out: (l) => io.stdout.write(`${l}\n`),
    err: (l) => io.stderr.write(`${l}\n`),
    ...(io.signal === undefined ? {} : { signal: io.signal }),
  });
}
