import { extname, resolve } from 'node:path';
import { lastValueFrom, tap } from 'rxjs';
import { isQinferError, QinferArgumentError } from '../errors/QinferError.js';
import { isInfrastructureFailure } from '../perf/perfTestMultiple.js';
import { checkPerfTestOptions, type PerfTestOptions } from '../perf/PerfTestOptions.js';
import { perfTestMultiple } from '../perf/perfTestMultiple.js';
import { PerformanceTable } from '../perf/PerformanceTable.js';
import { bayesRiskChart } from '../plot/bayesRiskChart.js';
import { renderVegaLiteSvg } from '../plot/renderVegaLiteSvg.js';
import type { Registry } from '../registry/Registry.js';
import { CLI_BACKENDS, resolveCliBackend, type CliBackendEntry } from './cliBackends.js';
import type { CliIo } from './CliIo.js';
import { formatSummary } from './formatSummary.js';
import { interruptedBy, interruptExit } from './interruption.js';
import { dryRun, modelArgs, type ModelOptionValues } from './modelArgs.js';
import { checkOutputPath, writeFileAtomic } from './outputFile.js';
import { collectKeyValues, parseCount, parseCountList } from './parseArgs.js';
import { writePerfTable, type PerfInterruption, type PerfRun } from './perfOutput.js';
import { createProgressReporter, type ProgressMode } from './progressReporter.js';
import { checkRunMemory, memoryLimitOf } from './runMemory.js';
import { loadUserModels } from './userModels.js';

export type { PerfRun } from './perfOutput.js';

/** `qinfer-rx perf` options as commander gives them. */
export interface PerfCommandOptions extends ModelOptionValues {
  readonly particles: string;
  readonly trials: string;
  readonly experiments: string;
  readonly seed: string;
  readonly concurrency?: string;
  readonly backend: string;
  readonly backendOpt?: readonly string[];
  readonly allowFailures?: boolean;
  /** A path, or false for `--no-out`. */
  readonly out: string | false;
  readonly plot: string | false;
  readonly progress: string;
  /** `--memory-limit` (default: `QINFER_MEMORY_LIMIT`, else 80 % of the machine's memory). */
  readonly memoryLimit?: string;
}

/**
 * An output option's path, resolved against `cwd` and checked before anything runs
 * (`checkOutputPath`: ERR_OUTPUT for a directory, an unwritable place, /proc or /sys);
 * undefined for `--no-out` / `--no-plot`.
 */
export function outputPath(value: string | false | undefined, option: string, exts: readonly string[], cwd: string): string | undefined {
  if (value === false || value === undefined) return undefined;
  const ext = extname(value).toLowerCase();
  if (!exts.includes(ext)) throw new QinferArgumentError('ERR_ARGUMENT', `${option} must end in ${exts.join(' or ')}, got '${value}'`);
  return checkOutputPath(resolve(cwd, value), option);
}

/**
 * `qinfer-rx perf`: runs a performance test per particle count (the same trial seeds for each,
 * so the runs share their true parameters), with progress, then prints the summary table and
 * writes the table (`--out`, JSON or CSV) and the Bayes-risk plot (`--plot`, SVG).
 * Returns the exit status: 0, 1 when a test has no successful trial, or 130 / 143 when
 * interrupted (`io.signal`: Ctrl-C, SIGTERM).
 *
 * Nothing is lost: the output paths are checked before any trial runs (`ERR_OUTPUT`), the run's
 * memory is estimated before anything large is built (`ERR_MEMORY`, `--memory-limit`), files
 * are written atomically (a temporary file renamed over the old one), and an interrupted run
 * writes the trials that finished as a partial table that lists the missing ones (see
 * `perfDocument`); the plot is not drawn from a partial run.
 *
 * @example
 * ```ts
 * process.exitCode = await perfCommand(options, { stdout: process.stdout, stderr: process.stderr }, builtInRegistry());
 * ```
 */
export async function perfCommand(o: PerfCommandOptions, io: CliIo, registry: Registry, backends: readonly CliBackendEntry[] = CLI_BACKENDS): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const particles = parseCountList(o.particles, '--particles');
  const nTrials = parseCount(o.trials, '--trials');
  const nExp = parseCount(o.experiments, '--experiments');
  const seed = parseCount(o.seed, '--seed', 0);
  const concurrency = o.concurrency === undefined ? undefined : parseCount(o.concurrency, '--concurrency');
  if (!['auto', 'bar', 'lines', 'none'].includes(o.progress)) {
    throw new QinferArgumentError('ERR_ARGUMENT', `--progress must be auto, bar, lines or none, got '${o.progress}'`);
  }
  const mode: ProgressMode = o.progress === 'auto' ? (io.stderr.isTTY === true ? 'bar' : 'lines') : (o.progress as ProgressMode);
  const outPath = outputPath(o.out, '--out', ['.json', '.csv'], cwd);
  const plotPath = outputPath(o.plot, '--plot', ['.svg'], cwd);
  const memoryLimit = memoryLimitOf(o.memoryLimit);
  const modules = await loadUserModels(o.models, registry, cwd);
  const shape = { particles, nExp, nTrials, inFlight: concurrency ?? 1 };
  const m = modelArgs(o, registry, { beforeRanges: (model) => checkRunMemory(model, shape, memoryLimit) });
  const base: Omit<PerfTestOptions, 'nParticles'> = {
    model: m.model,
    prior: m.prior,
    heuristic: m.heuristic,
    nExp,
    ...(m.trueModelparams === undefined ? {} : { trueModelparams: m.trueModelparams }),
  };
  const layout = checkPerfTestOptions({ ...base, nParticles: particles[0]! }, registry);
  dryRun({ ...base, nParticles: particles[0]! }, registry);
  const log = (line: string): void => void io.stderr.write(line + '\n');
  const backend = await resolveCliBackend(o.backend, { registry, options: collectKeyValues(o.backendOpt ?? [], '--backend-opt'), concurrency, log, model: m.model, modules, memoryLimit }, backends);

  // Every requested test has a table from the start: an interrupted run keeps what finished.
  const runs: PerfRun[] = particles.map((nParticles) => ({ label: `${nParticles} particles`, nParticles, table: new PerformanceTable(nTrials, { ...layout, nExp }) }));
  let interrupted: PerfInterruption | undefined;
  let failure: unknown;
  try {
    const inFlight = concurrency ?? backend.concurrency ?? 1;
    const running = backend.remote === true ? 0 : Math.min(inFlight, backend.running ?? inFlight);
    checkRunMemory(m.built, { ...shape, inFlight: running }, memoryLimit); // the trials that hold memory here at once
    log(`qinfer-rx perf: ${m.built.name}, prior ${m.ranges.map((r) => `U[${r[0]}, ${r[1]}]`).join(' × ')}${m.postselected ? ' postselected on its validity' : ''}, ${m.heuristic.name}, ` + `${nTrials} trials × ${nExp} experiments, seed ${seed}`);
    log(`backend ${backend.description}; ${inFlight} trial(s) in flight`);
    for (const run of runs) {
      const progress = createProgressReporter(io.stderr, mode, run.label);
      try {
        await lastValueFrom(
          perfTestMultiple(
            nTrials,
            { ...base, nParticles: run.nParticles },
            {
              apply: backend.apply,
              concurrency: inFlight,
              seed,
              allowFailures: o.allowFailures === true,
              ...(io.signal === undefined ? {} : { signal: io.signal }),
              onProgress: (p) => progress.update(p),
            },
          ).pipe(tap((outcome) => run.table.add(outcome))),
          { defaultValue: undefined },
        );
      } catch (e) {
        // What finished is kept: after a signal, and after a failure of Redis or the engines.
        if (isQinferError(e, 'ERR_ABORTED') && io.signal?.aborted === true) interrupted = { signal: interruptedBy(io.signal) };
        else if (isInfrastructureFailure(e)) {
          failure = e;
          interrupted = { error: { code: (e as { code: string }).code, message: (e as Error).message } };
        } else throw e;
        break;
      } finally {
        progress.stop();
      }
    }
  } finally {
    await backend.close();
  }

  const summarised = runs.filter((r) => r.table.nValid > 0);
  if (summarised.length > 0) {
    io.stdout.write(`\nafter ${nExp} experiments (mean over ${interrupted ? 'the trials that finished' : 'trials'}; time per update = one SMC update):\n`);
    io.stdout.write(formatSummary(summarised.map((r) => ({ label: r.label, summary: r.table.summary() }))));
  }
  for (const r of runs) for (const f of r.table.failures) io.stderr.write(`trial ${f.index} (seed ${f.seed}) failed: ${(f.error as Error)?.message ?? String(f.error)}\n`);
  if (interrupted !== undefined) {
    const missing = runs.reduce((s, r) => s + r.table.missing.length, 0);
    const what = 'signal' in interrupted ? `interrupted by ${interrupted.signal}` : `stopped by ${interrupted.error.code}`;
    io.stderr.write(`${what}: ${nTrials * runs.length - missing} of ${nTrials * runs.length} trials finished; ${missing} missing\n`);
  }

  if (outPath !== undefined) {
    const settings = { model: m.model, prior: m.prior, heuristic: m.heuristic, trueModelparams: m.trueModelparams ?? null, trials: nTrials, experiments: nExp, seed, backend: o.backend };
    writePerfTable(outPath, settings, runs, interrupted);
    io.stdout.write(`table: ${outPath}${interrupted !== undefined ? ' (partial: it lists the missing trials)' : ''}\n`);
  }
  if (failure !== undefined) throw failure; // exit 1 with its code, the finished trials written
  if (plotPath !== undefined && interrupted !== undefined) io.stderr.write(`plot not written: the run was interrupted\n`);
  else if (plotPath !== undefined && summarised.length > 0) {
    const spec = bayesRiskChart(
      summarised.map((r) => ({
        label: r.label,
        risk: r.table.bayesRisk(),
        median: r.table.lossQuantile(0.5),
        quartiles: [r.table.lossQuantile(0.25), r.table.lossQuantile(0.75)] as const,
      })),
      { title: `${m.built.name}: loss over ${nTrials} trials` },
    );
    try {
      writeFileAtomic(plotPath, await renderVegaLiteSvg(spec), '--plot');
      io.stdout.write(`plot:  ${plotPath}\n`);
    } catch (e) {
      if (!isQinferError(e, 'ERR_MISSING_PEER')) throw e;
      io.stderr.write(`plot not written: ${e.message}\n`);
    }
  }
  if (interrupted !== undefined) return interruptExit(io.signal);
  return runs.some((r) => r.table.nValid === 0) ? 1 : 0;
}
