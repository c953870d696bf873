import { Command, Option } from 'commander';
import type { Registry } from '../registry/Registry.js';
import { builtInRegistry } from '../registry/builtInRegistry.js';
import { CLI_BACKENDS, type CliBackendEntry } from './cliBackends.js';
import { CLI_COMMANDS, type CliCommandEntry } from './cliCommands.js';
import type { CliIo } from './CliIo.js';
import { ESTIMATE_UPDATERS, estimateCommand, type EstimateCommandOptions } from './estimateCommand.js';
import { perfCommand, type PerfCommandOptions } from './perfCommand.js';
import { packageVersion } from './packageVersion.js';
import { repeatable } from './parseArgs.js';
import { commandFor, EXIT, failureExit, runCommand } from './runCommand.js';

export { EXIT } from './runCommand.js';

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Where names are resolved (default `builtInRegistry()`). */
  readonly registry?: Registry;
  /** The `--backend` choices (default `CLI_BACKENDS`). */
  readonly backends?: readonly CliBackendEntry[];
  /** Sub-commands besides `perf` and `estimate` (default `CLI_COMMANDS`: `engine`). */
  readonly commands?: readonly CliCommandEntry[];
}

function modelOptions(cmd: Command): Command {
  return cmd
    .option('-m, --model <name>', 'model, by registry name', 'SimplePrecessionModel')
    .option('--param <key=value>', 'model parameter (repeatable; values read as JSON)', repeatable)
    .option('--prior <lo:hi>', 'uniform prior range, once per model parameter (default 0:1 each)', repeatable)
    .option('--true <values>', 'fixed true parameters, comma-separated (default: drawn from the prior)')
    .option('-H, --heuristic <name>', 'experiment-design heuristic, by registry name', 'ExpSparseHeuristic')
    .option('--heuristic-param <key=value>', 'heuristic parameter (repeatable; values read as JSON)', repeatable)
    .option('--models <modules...>', 'user model modules to load (each exports register(registry)); the pool and the auto/gpu backends load them too, cluster engines need them in their own --models')
    .option('--memory-limit <size>', 'refuse a run estimated above this memory, e.g. 8G (default: $QINFER_MEMORY_LIMIT, else 80% of the machine)');
}

function program(io: CliIo, registry: Registry, backends: readonly CliBackendEntry[], commands: readonly CliCommandEntry[], result: { code: number }): Command {
  const root = commandFor(new Command('qinfer-rx'), io)
    .description('Bayesian parameter estimation by sequential Monte Carlo: performance tests and closed-loop estimation')
    .version(packageVersion(), '-V, --version', 'print the version of qinfer-rx')
    .showHelpAfterError('(add --help for usage)');
  const names = registry.names();

  const perf = modelOptions(root.command('perf'))
    .description('performance test: Bayes risk of an estimator over many simulated trials')
    .option('-p, --particles <n[,n…]>', 'particle count; a list runs one test per count', '1000')
    .option('-t, --trials <n>', 'number of trials', '100')
    .option('-e, --experiments <n>', 'experiments per trial', '100')
    .option('-s, --seed <n>', 'root seed (trial k uses deriveSeed(seed, k))', '1')
    .option('-c, --concurrency <n>', "trials in flight (default: the backend's choice)")
    .option('-b, --backend <name>', `where trials run: ${backends.map((b) => b.name).join(', ')}, pool:N or redis://HOST:PORT`, 'serial')
    .option('--backend-opt <key=value>', 'backend option (repeatable)', repeatable)
    .option('--allow-failures', 'mask failed trials instead of stopping')
    .option('-o, --out <file>', 'write the table (.json or .csv)', 'out/perf.json')
    .option('--no-out', 'do not write the table')
    .option('--plot <file>', 'write the Bayes-risk plot (.svg)', 'out/bayes-risk.svg')
    .option('--no-plot', 'do not write the plot')
    .addOption(new Option('--progress <mode>', 'progress display').default('auto').choices(['auto', 'bar', 'lines', 'none']))
    .addHelpText(
      'after',
      `\nModels: ${names.models.join(', ')}\nHeuristics: ${names.heuristics.join(', ')}\nBackends:\n${backends.map((b) => `  ${b.name.padEnd(10)} ${b.summary}`).join('\n')}\n\n` +
        'Examples:\n  qinfer-rx perf                                  # SimplePrecessionModel, 1000 particles, 100 trials\n' +
        '  qinfer-rx perf -p 100,200,400 -t 200 --plot risk.svg\n' +
        '  qinfer-rx perf -m UnknownT2Model --prior 0:1 --prior 0:0.1 --heuristic-param tField=t --heuristic-param otherFields={} -o t2.csv\n',
    )
    .action(async (o: PerfCommandOptions) => {
      result.code = await perfCommand(o, io, registry, backends);
    });
  void perf;

  modelOptions(root.command('estimate'))
    .description('one closed-loop estimation run on simulated data, printing the posterior as it goes; or, with --data, the posterior from measured counts')
    .option('-p, --particles <n>', 'particle count (default 2000; with --data QInfer\'s 6000 for precession, 8000 otherwise)')
    .option('--data <file>', 'measured counts (CSV: counts, <experiment field>, n_shots[, ...], header optional): estimate from data as QInfer\'s simple_est')
    .option('--dimension <d>', 'Hilbert-space dimension of the RB average gate fidelity (with --data)', '2')
    .option('-e, --experiments <n>', 'number of experiments', '50')
    .option('-s, --seed <n>', 'seed', '1')
    .option('--every <n>', 'print every n experiments (default: about 20 lines)')
    .option('--plot <file>', 'write the posterior marginal (.svg)')
    .option('--plot-param <index>', 'parameter of the marginal plot', '0')
    .addOption(
      new Option('-u, --updater <kind>', 'where the posterior lives: cpu (SMCUpdater, float64) or gpu (GpuUpdater, resident on a WebGPU device; cpu when there is no adapter)')
        .default('cpu')
        .choices([...ESTIMATE_UPDATERS]),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  qinfer-rx estimate --true 0.42 -e 100 --plot posterior.svg\n  qinfer-rx estimate --true 0.42 -p 100000 -e 200 --updater gpu\n' +
        '  qinfer-rx estimate --data examples/rb-counts.csv --model RandomizedBenchmarkingModel\n' +
        '  qinfer-rx estimate --data examples/irb-counts.csv --model RandomizedBenchmarkingModel --param interleaved=true\n',
    )
    .action(async (o: EstimateCommandOptions) => {
      result.code = await estimateCommand(o, io, registry);
    });
  for (const c of commands) {
    const sub = root.command(c.name).description(c.summary);
    if (c.define !== undefined) c.define(sub, io, (code) => (result.code = code)).summary(c.summary);
    // Listed for --help only: runCli hands their arguments over before commander parses.
    else sub.helpOption(false).allowUnknownOption().allowExcessArguments();
  }
  return root;
}

/**
 * Runs the `qinfer-rx` command line (`perf`, `estimate`, `engine`) with `argv` (the arguments after the
 * program name) and returns its exit status: 0 on success, 1 when the run failed, 2 for bad
 * arguments (with a message naming the option), 130 when interrupted through `io.signal`.
 *
 * @example
 * ```ts
 * import { runCli } from 'qinfer-rx/cli';
 * process.exitCode = await runCli(['perf', '--trials', '10'], { stdout: process.stdout, stderr: process.stderr });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo, options: RunCliOptions = {}): Promise<number> {
  const registry = options.registry ?? builtInRegistry();
  const result = { code: EXIT.ok as number };
  const commands = options.commands ?? CLI_COMMANDS;
  const own = commands.find((c) => c.name === argv[0] && c.define === undefined);
  if (own !== undefined) {
    try {
      return await (await own.load())(argv.slice(1), io);
    } catch (e) {
      return failureExit(e, io);
    }
  }
  return runCommand(program(io, registry, options.backends ?? CLI_BACKENDS, commands, result), argv, io, result);
}
