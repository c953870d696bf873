import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { isQinferError, QinferArgumentError } from '../errors/QinferError.js';
import { performanceTableToCSV, performanceTableToJSON } from '../perf/exportPerformanceTable.js';
import { checkPerfTestOptions, type PerfTestOptions } from '../perf/PerfTestOptions.js';
import { perfTestMultiple } from '../perf/perfTestMultiple.js';
import type { PerformanceTable } from '../perf/PerformanceTable.js';
import { toPerformanceTable } from '../perf/toPerformanceTable.js';
import { bayesRiskChart } from '../plot/bayesRiskChart.js';
import { renderVegaLiteSvg } from '../plot/renderVegaLiteSvg.js';
import type { Registry } from '../registry/Registry.js';
import { CLI_BACKENDS, resolveCliBackend, type CliBackendEntry } from './cliBackends.js';
import type { CliIo } from './CliIo.js';
import { formatSummary } from './formatSummary.js';
import { dryRun, modelArgs, type ModelOptionValues } from './modelArgs.js';
import { collectKeyValues, parseCount, parseCountList } from './parseArgs.js';
import { createProgressReporter, type ProgressMode } from './progressReporter.js';

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
}

/** One performance test of the command: its label, particle count and table. */
export interface PerfRun {
  readonly label: string;
  readonly nParticles: number;
  readonly table: PerformanceTable;
}

function outputPath(value: string | false, option: string, exts: readonly string[], cwd: string): string | undefined {
  if (value === false) return undefined;
  const ext = extname(value).toLowerCase();
  if (!exts.includes(ext)) throw new QinferArgumentError('ERR_ARGUMENT', `${option} must end in ${exts.join(' or ')}, got '${value}'`);
  return resolve(cwd, value);
}

function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/**
 * `qinfer-rx perf`: runs a performance test per particle count (the same trial seeds for each,
 * so the runs share their true parameters), with progress, then prints the summary table and
 * writes the table (`--out`, JSON or CSV) and the Bayes-risk plot (`--plot`, SVG).
 * Returns the exit status.
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
  const m = modelArgs(o, registry);
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
  const backend = await resolveCliBackend(o.backend, { registry, options: collectKeyValues(o.backendOpt ?? [], '--backend-opt'), concurrency, log, model: m.model }, backends);

  const runs: PerfRun[] = [];
  try {
    const inFlight = concurrency ?? backend.concurrency ?? 1;
    log(`qinfer-rx perf: ${m.built.name}, prior ${m.ranges.map((r) => `U[${r[0]}, ${r[1]}]`).join(' × ')}, ${m.heuristic.name}, ` + `${nTrials} trials × ${nExp} experiments, seed ${seed}`);
    log(`backend ${backend.description}; ${inFlight} trial(s) in flight`);
    for (const nParticles of particles) {
      const label = `${nParticles} particles`;
      const progress = createProgressReporter(io.stderr, mode, label);
      try {
        const table = await lastValueFrom(
          perfTestMultiple(
            nTrials,
            { ...base, nParticles },
            {
              apply: backend.apply,
              concurrency: inFlight,
              seed,
              allowFailures: o.allowFailures === true,
              ...(io.signal === undefined ? {} : { signal: io.signal }),
              onProgress: (p) => progress.update(p),
            },
          ).pipe(toPerformanceTable(nTrials, { ...layout, nExp })),
        );
        runs.push({ label, nParticles, table });
      } finally {
        progress.stop();
      }
    }
  } finally {
    await backend.close();
  }

  const summarised = runs.filter((r) => r.table.nValid > 0);
  io.stdout.write(`\nafter ${nExp} experiments (mean over trials; time per update = one SMC update):\n`);
  io.stdout.write(formatSummary(summarised.map((r) => ({ label: r.label, summary: r.table.summary() }))));
  for (const r of runs) for (const f of r.table.failures) io.stderr.write(`trial ${f.index} (seed ${f.seed}) failed: ${(f.error as Error)?.message ?? String(f.error)}\n`);

  if (outPath !== undefined) {
    if (extname(outPath).toLowerCase() === '.csv') {
      writeFile(outPath, runs.map((r, i) => performanceTableToCSV(r.table, { prefix: { particles: r.nParticles }, header: i === 0 })).join(''));
    } else {
      const settings = { model: m.model, prior: m.prior, heuristic: m.heuristic, trueModelparams: m.trueModelparams ?? null, trials: nTrials, experiments: nExp, seed, backend: o.backend };
      const doc = { format: 'qinfer-rx/perf@1', settings, runs: runs.map((r) => ({ label: r.label, nParticles: r.nParticles, table: performanceTableToJSON(r.table) })) };
      writeFile(outPath, JSON.stringify(doc) + '\n');
    }
    io.stdout.write(`table: ${outPath}\n`);
  }
  if (plotPath !== undefined && summarised.length > 0) {
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
      writeFile(plotPath, await renderVegaLiteSvg(spec));
      io.stdout.write(`plot:  ${plotPath}\n`);
    } catch (e) {
      if (!isQinferError(e, 'ERR_MISSING_PEER')) throw e;
      io.stderr.write(`plot not written: ${e.message}\n`);
    }
  }
  return runs.some((r) => r.table.nValid === 0) ? 1 : 0;
}
