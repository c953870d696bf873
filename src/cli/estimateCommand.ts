import { extname, resolve } from 'node:path';
import { asyncScheduler, lastValueFrom, Observable, tap, type MonoTypeOperatorFunction } from 'rxjs';
import { abortError } from '../errors/abortError.js';
import { estimate } from '../../operators/estimate.js';
import { isQinferError, QinferArgumentError } from '../errors/QinferError.js';
import type { ExpRecord } from '../expparams/ExpParams.js';
import { trialSetup, type TrialSetup } from '../perf/trialSetup.js';
import { formatUnit, unicodeName } from '../models/modelparamLabel.js';
import { posteriorMarginalChart } from '../plot/posteriorMarginalChart.js';
import { renderVegaLiteSvg } from '../plot/renderVegaLiteSvg.js';
import { credibleInterval } from '../smc/credibleInterval.js';
import { kdeBandwidth } from '../smc/kdeBandwidth.js';
import { formatUncertainty } from '../util/formatUncertainty.js';
import type { Registry } from '../registry/Registry.js';
import { Rng } from '../rng/Rng.js';
import { posteriorMarginal } from '../smc/posteriorMarginal.js';
import type { Updater } from '../smc/Updater.js';
import { smcUpdaterFactory } from '../smc/updaterFactory.js';
import type { CliIo } from './CliIo.js';
import { estimateFromData } from './estimateFromData.js';
import { fmt } from './formatSummary.js';
import { dryRun, modelArgs, type ModelOptionValues } from './modelArgs.js';
import { interruptedBy, interruptExit } from './interruption.js';
import { checkOutputPath, writeFileAtomic } from './outputFile.js';
import { parseCount } from './parseArgs.js';
import { checkRunMemory, memoryLimitOf } from './runMemory.js';
import { loadUserModels } from './userModels.js';

/** Probability of the credible intervals printed and plotted. */
const CREDIBLE_LEVEL = 0.95;

/** `qinfer-rx estimate` options as commander gives them. */
export interface EstimateCommandOptions extends ModelOptionValues {
  /** Default 2000 (with `--data`: QInfer's 6000 / 8000). */
  readonly particles?: string;
  /** Measured counts (CSV): estimate from data instead of the simulated closed loop. */
  readonly data?: string;
  /** Hilbert-space dimension of the RB fidelity with `--data` (default 2). */
  readonly dimension?: string;
  readonly experiments: string;
  readonly seed: string;
  readonly every?: string;
  readonly plot?: string;
  readonly plotParam: string;
  /** `cpu` (default: `SMCUpdater`, float64) or `gpu` (`GpuUpdater`, resident on a WebGPU device). */
  readonly updater?: string;
  /** `--memory-limit` (default: `QINFER_MEMORY_LIMIT`, else 80 % of the machine's memory). */
  readonly memoryLimit?: string;
}

/**
 * Ends the stream with `ERR_ABORTED` when `signal` aborts (the first Ctrl-C or SIGTERM),
 * unsubscribing from the run: the estimation loop stops at its next step.
 */
function untilAborted<T>(signal: AbortSignal | undefined): MonoTypeOperatorFunction<T> {
  return (source) =>
    signal === undefined
      ? source
      : new Observable<T>((subscriber) => {
          if (signal.aborted) return subscriber.error(abortError(signal, 'the estimation run was interrupted'));
          const onAbort = (): void => subscriber.error(abortError(signal, 'the estimation run was interrupted'));
          signal.addEventListener('abort', onAbort, { once: true });
          const sub = source.subscribe(subscriber);
          return () => {
            signal.removeEventListener('abort', onAbort);
            sub.unsubscribe();
          };
        });
}

/** Where the posterior of an `estimate` run lives. */
export const ESTIMATE_UPDATERS = ['cpu', 'gpu'] as const;

/**
 * The run's updater from the shared set-up: an `SMCUpdater`, or with `kind: 'gpu'` a
 * `GpuUpdater` from the same generator stream — falling back to the `SMCUpdater` (with a line on
 * `warn` saying why) when the machine has no WebGPU adapter or the device fails to start.
 */
async function buildUpdater(setup: TrialSetup, kind: string, warn: (s: string) => void): Promise<Updater> {
  if (kind === 'cpu') return smcUpdaterFactory(setup.updaterArgs);
  if (kind !== 'gpu') throw new QinferArgumentError('ERR_ARGUMENT', `--updater must be one of ${ESTIMATE_UPDATERS.join(', ')}, got '${kind}'`);
  const { GpuUpdater } = await import('../gpu/GpuUpdater.js');
  try {
    return await GpuUpdater.factory()(setup.updaterArgs);
  } catch (e) {
    if (!(isQinferError(e, 'ERR_GPU_UNAVAILABLE') || isQinferError(e, 'ERR_GPU'))) throw e;
    warn(`--updater gpu: no usable WebGPU device (${(e as Error).message.split('. ')[0]}); running the CPU updater (SMCUpdater) instead; see docs/gpu.md\n`);
    // A fresh copy of the updater stream: the GPU attempt may have drawn from it.
    return smcUpdaterFactory({ ...setup.updaterArgs, rng: new Rng(setup.updaterArgs.rng.seed) });
  }
}

function formatExperiment(e: ExpRecord | undefined): string {
  if (e === undefined) return '';
  return Object.entries(e)
    .map(([k, v]) => `${k === 'value' ? 't' : k}=${Array.isArray(v) ? `[${v.map(fmt).join(',')}]` : fmt(v)}`)
    .join(' ');
}

/**
 * `qinfer-rx estimate`: with `--data FILE.csv`, the open loop on measured counts
 * ({@link estimateFromData}); otherwise one closed-loop estimation run against simulated data from true
 * parameters (`--true`, or drawn from the prior): prints the posterior mean ± standard deviation
 * every `--every` experiments and the final estimate; `--plot` writes the marginal posterior
 * of parameter `--plot-param` as SVG. `--updater gpu` keeps the posterior on a WebGPU device
 * (`GpuUpdater`; the CPU updater when there is no adapter). The run is built by `trialSetup`,
 * as a performance trial of the same seed (same true parameters, prior draw and data), and runs
 * the estimation step of `estimate()`. Returns the exit status.
 *
 * @example
 * ```ts
 * await estimateCommand({ model: 'SimplePrecessionModel', heuristic: 'ExpSparseHeuristic', particles: '2000', experiments: '50', seed: '1', plotParam: '0' }, io, builtInRegistry());
 * ```
 */
export async function estimateCommand(o: EstimateCommandOptions, io: CliIo, registry: Registry): Promise<number> {
  if (o.data !== undefined) return estimateFromData({ ...o, data: o.data }, io, registry);
  const cwd = io.cwd ?? process.cwd();
  const nParticles = parseCount(o.particles ?? '2000', '--particles');
  const nExp = parseCount(o.experiments, '--experiments');
  const seed = parseCount(o.seed, '--seed', 0);
  const every = o.every === undefined ? Math.max(1, Math.round(nExp / 20)) : parseCount(o.every, '--every');
  if (o.plot !== undefined && extname(o.plot).toLowerCase() !== '.svg') throw new QinferArgumentError('ERR_ARGUMENT', `--plot must end in .svg, got '${o.plot}'`);
  const plotPath = o.plot === undefined ? undefined : checkOutputPath(resolve(cwd, o.plot), '--plot');
  const memoryLimit = memoryLimitOf(o.memoryLimit);
  await loadUserModels(o.models, registry, cwd);
  const m = modelArgs(o, registry, { beforeRanges: (model) => checkRunMemory(model, { particles: [nParticles], nExp, nTrials: 1, inFlight: 1 }, memoryLimit) });
  const plotParam = parseCount(o.plotParam, '--plot-param', 0);
  const nP = m.built.nModelparams;
  if (plotParam >= nP) throw new QinferArgumentError('ERR_ARGUMENT', `--plot-param must be below ${nP} for ${m.model.name}, got ${plotParam}`);
  dryRun({ model: m.model, prior: m.prior, heuristic: m.heuristic, nParticles, nExp: 1 }, registry);

  const setup = trialSetup(
    { index: 0, seed, model: m.model, prior: m.prior, heuristic: m.heuristic, nParticles, nExp, ...(m.trueModelparams === undefined ? {} : { trueModelparams: m.trueModelparams }) },
    registry,
    { memoryLimit },
  );
  const updater = await buildUpdater(setup, o.updater ?? 'cpu', (s) => void io.stderr.write(s));
  try {
    return await runEstimate(io, setup, updater, { nExp, every, plotPath, plotParam, seed });
  } catch (e) {
    if (!(isQinferError(e, 'ERR_ABORTED') && io.signal?.aborted === true)) throw e;
    io.stderr.write(`interrupted by ${interruptedBy(io.signal)}\n`);
    return interruptExit(io.signal);
  } finally {
    await (updater as Updater & { close?: () => Promise<void> }).close?.();
  }
}

/** The run itself, on either updater: the progress lines, the final estimate, the plot. */
async function runEstimate(
  io: CliIo,
  setup: TrialSetup,
  updater: Updater,
  a: { nExp: number; every: number; plotPath: string | undefined; plotParam: number; seed: number },
): Promise<number> {
  const { nExp, every, plotPath, plotParam, seed } = a;
  const truth = setup.trueParams, model = setup.model, nP = model.nModelparams, modelName = setup.spec.model.name;
  const heuristic = setup.heuristic(updater);
  const names = model.modelparamNames.map(unicodeName);
  const units = names.map((_, p) => formatUnit(model.modelparamUnits?.[p] ?? ''));
  const withUnit = (text: string, p: number): string => (units[p] === '' ? text : `${text} ${units[p]}`);
  const out = (s: string): void => void io.stdout.write(s);
  const where = updater.residence === 'host' ? '' : ', posterior on the GPU';
  out(`qinfer-rx estimate: ${modelName}, ${updater.nParticles} particles, ${nExp} experiments, ${setup.spec.heuristic.name}, seed ${seed}${where}\n`);
  out(`true: ${names.map((n, p) => withUnit(`${n} = ${fmt(truth[p]!)}`, p)).join(', ')}\n`);
  const sd = (cov: Float64Array, p: number): number => Math.sqrt(Math.max(0, cov[p * nP + p]!));
  const meanSd = (mean: Float64Array, cov: Float64Array): string => names.map((n, p) => `${n} = ${formatUncertainty(mean[p]!, sd(cov, p))}`).join(', ');

  const last = await lastValueFrom(
    estimate({ updater, heuristic, nExperiments: nExp, trueModel: setup.trueModel, trueParams: truth, rng: setup.root, scheduler: asyncScheduler }).pipe(
      tap((s) => {
        if ((s.index + 1) % every === 0 || s.index + 1 === nExp) {
          out(`${String(s.index + 1).padStart(5)}  ${formatExperiment(s.experiment).padEnd(18)} d=${s.outcome}  ${meanSd(s.mean, s.covariance)}\n`);
        }
      }),
      untilAborted(io.signal),
    ),
  );
  // The cloud, read once (a device updater copies it back): intervals and the plot use it.
  const { locations, weights } = await updater.particles();
  const cloud = { locations, particleWeights: weights, nParticles: updater.nParticles, nRvs: nP };
  out(`final estimate after ${nExp} experiments (posterior mean(σ), ${CREDIBLE_LEVEL * 100} % credible interval; ${last.resampleCount} resamplings):\n`);
  for (let p = 0; p < nP; p++) {
    const value = formatUncertainty(last.mean[p]!, sd(last.covariance, p));
    const { lo, hi } = credibleInterval(cloud, p, CREDIBLE_LEVEL);
    const decimals = /\.(\d+)\(/.exec(value)?.[1]?.length; // the interval to the estimate's digits
    const bound = (v: number): string => (decimals === undefined || value.includes('e') ? fmt(v) : v.toFixed(decimals));
    out(`  ${withUnit(`${names[p]} = ${value}`, p)}   [${bound(lo)}, ${bound(hi)}]\n`);
  }
  if (plotPath !== undefined) {
    const marginal = (smoothing?: number) => posteriorMarginal(locations, weights, cloud.nParticles, nP, { idx: plotParam, res: 200, ...(smoothing === undefined ? {} : { smoothing }) });
    const raw = marginal();
    const smoothed = marginal(kdeBandwidth(sd(last.covariance, plotParam), updater.nEss));
    const spec = posteriorMarginalChart(raw, {
      paramName: names[plotParam]!,
      unit: units[plotParam]!,
      smoothed,
      interval: { ...credibleInterval(cloud, plotParam, CREDIBLE_LEVEL), level: CREDIBLE_LEVEL },
      trueValue: truth[plotParam]!,
      mean: last.mean[plotParam]!,
      title: `${modelName}: posterior after ${nExp} experiments`,
    });
    try {
      writeFileAtomic(plotPath, await renderVegaLiteSvg(spec), '--plot');
      out(`plot: ${plotPath}\n`);
    } catch (e) {
      if (!isQinferError(e, 'ERR_MISSING_PEER')) throw e;
      io.stderr.write(`plot not written: ${e.message}\n`);
    }
  }
  return 0;
}
