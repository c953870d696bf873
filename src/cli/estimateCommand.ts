import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { asyncScheduler, lastValueFrom, tap } from 'rxjs';
import { estimate } from '../../operators/estimate.js';
import { isQinferError, QinferArgumentError } from '../errors/QinferError.js';
import type { ExpRecord } from '../expparams/ExpParams.js';
import { TRIAL_STREAMS } from '../perf/trialStreams.js';
import { formatUnit, unicodeName } from '../models/modelparamLabel.js';
import { posteriorMarginalChart } from '../plot/posteriorMarginalChart.js';
import { renderVegaLiteSvg } from '../plot/renderVegaLiteSvg.js';
import { credibleInterval } from '../smc/credibleInterval.js';
import { kdeBandwidth } from '../smc/kdeBandwidth.js';
import { formatUncertainty } from '../util/formatUncertainty.js';
import type { Registry } from '../registry/Registry.js';
import { Rng } from '../rng/Rng.js';
import { SMCUpdater } from '../smc/SMCUpdater.js';
import type { CliIo } from './CliIo.js';
import { fmt } from './formatSummary.js';
import { dryRun, modelArgs, type ModelOptionValues } from './modelArgs.js';
import { parseCount } from './parseArgs.js';

/** Probability of the credible intervals printed and plotted. */
const CREDIBLE_LEVEL = 0.95;

/** `qinfer-rx estimate` options as commander gives them. */
export interface EstimateCommandOptions extends ModelOptionValues {
  readonly particles: string;
  readonly experiments: string;
  readonly seed: string;
  readonly every?: string;
  readonly plot?: string;
  readonly plotParam: string;
}

function formatExperiment(e: ExpRecord | undefined): string {
  if (e === undefined) return '';
  return Object.entries(e)
    .map(([k, v]) => `${k === 'value' ? 't' : k}=${Array.isArray(v) ? `[${v.map(fmt).join(',')}]` : fmt(v)}`)
    .join(' ');
}

/**
 * `qinfer-rx estimate`: one closed-loop estimation run against simulated data from true
 * parameters (`--true`, or drawn from the prior): prints the posterior mean ± standard deviation
 * every `--every` experiments and the final estimate; `--plot` writes the marginal posterior
 * of parameter `--plot-param` as SVG. Returns the exit status.
 *
 * @example
 * ```ts
 * await estimateCommand({ model: 'SimplePrecessionModel', heuristic: 'ExpSparseHeuristic', particles: '2000', experiments: '50', seed: '1', plotParam: '0' }, io, builtInRegistry());
 * ```
 */
export async function estimateCommand(o: EstimateCommandOptions, io: CliIo, registry: Registry): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const nParticles = parseCount(o.particles, '--particles');
  const nExp = parseCount(o.experiments, '--experiments');
  const seed = parseCount(o.seed, '--seed', 0);
  const every = o.every === undefined ? Math.max(1, Math.round(nExp / 20)) : parseCount(o.every, '--every');
  const plotPath = o.plot === undefined ? undefined : resolve(cwd, o.plot);
  if (plotPath !== undefined && extname(plotPath).toLowerCase() !== '.svg') throw new QinferArgumentError('ERR_ARGUMENT', `--plot must end in .svg, got '${o.plot}'`);
  const m = modelArgs(o, registry);
  const plotParam = parseCount(o.plotParam, '--plot-param', 0);
  const nP = m.built.nModelparams;
  if (plotParam >= nP) throw new QinferArgumentError('ERR_ARGUMENT', `--plot-param must be below ${nP} for ${m.model.name}, got ${plotParam}`);
  dryRun({ model: m.model, prior: m.prior, heuristic: m.heuristic, nParticles, nExp: 1 }, registry);

  const rng = new Rng(seed);
  const prior = registry.createDistribution(m.prior);
  const truth = m.trueModelparams ?? Array.from(prior.sample(1, rng.split(TRIAL_STREAMS.trueParams)).data.subarray(0, nP));
  const updater = new SMCUpdater(m.built, nParticles, prior, { rng: rng.split(TRIAL_STREAMS.updater) });
  const heuristic = registry.createHeuristic(m.heuristic, updater, rng.split(TRIAL_STREAMS.heuristic));
  const names = m.built.modelparamNames.map(unicodeName);
  const units = names.map((_, p) => formatUnit(m.built.modelparamUnits?.[p] ?? ''));
  const withUnit = (text: string, p: number): string => (units[p] === '' ? text : `${text} ${units[p]}`);
  const out = (s: string): void => void io.stdout.write(s);
  out(`qinfer-rx estimate: ${m.model.name}, ${nParticles} particles, ${nExp} experiments, ${m.heuristic.name}, seed ${seed}\n`);
  out(`true: ${names.map((n, p) => withUnit(`${n} = ${fmt(truth[p]!)}`, p)).join(', ')}\n`);
  const sd = (cov: Float64Array, p: number): number => Math.sqrt(Math.max(0, cov[p * nP + p]!));
  const meanSd = (mean: Float64Array, cov: Float64Array): string => names.map((n, p) => `${n} = ${formatUncertainty(mean[p]!, sd(cov, p))}`).join(', ');

  const last = await lastValueFrom(
    estimate({ updater, heuristic, nExperiments: nExp, trueParams: truth, rng: rng.split(TRIAL_STREAMS.simulation), scheduler: asyncScheduler }).pipe(
      tap((s) => {
        if ((s.index + 1) % every === 0 || s.index + 1 === nExp) {
          out(`${String(s.index + 1).padStart(5)}  ${formatExperiment(s.experiment).padEnd(18)} d=${s.outcome}  ${meanSd(s.mean, s.covariance)}\n`);
        }
      }),
    ),
  );
  out(`final estimate after ${nExp} experiments (posterior mean(σ), ${CREDIBLE_LEVEL * 100} % credible interval; ${last.resampleCount} resamplings):\n`);
  for (let p = 0; p < nP; p++) {
    const value = formatUncertainty(last.mean[p]!, sd(last.covariance, p));
    const { lo, hi } = credibleInterval(updater, p, CREDIBLE_LEVEL);
    const decimals = /\.(\d+)\(/.exec(value)?.[1]?.length; // the interval to the estimate's digits
    const bound = (v: number): string => (decimals === undefined || value.includes('e') ? fmt(v) : v.toFixed(decimals));
    out(`  ${withUnit(`${names[p]} = ${value}`, p)}   [${bound(lo)}, ${bound(hi)}]\n`);
  }
  if (plotPath !== undefined) {
    const raw = updater.posteriorMarginal({ idx: plotParam, res: 200 });
    const smoothed = updater.posteriorMarginal({ idx: plotParam, res: 200, smoothing: kdeBandwidth(sd(last.covariance, plotParam), updater.nEss) });
    const spec = posteriorMarginalChart(raw, {
      paramName: names[plotParam]!,
      unit: units[plotParam]!,
      smoothed,
      interval: { ...credibleInterval(updater, plotParam, CREDIBLE_LEVEL), level: CREDIBLE_LEVEL },
      trueValue: truth[plotParam]!,
      mean: last.mean[plotParam]!,
      title: `${m.model.name}: posterior after ${nExp} experiments`,
    });
    try {
      const svg = await renderVegaLiteSvg(spec);
      mkdirSync(dirname(plotPath), { recursive: true });
      writeFileSync(plotPath, svg);
      out(`plot: ${plotPath}\n`);
    } catch (e) {
      if (!isQinferError(e, 'ERR_MISSING_PEER')) throw e;
      io.stderr.write(`plot not written: ${e.message}\n`);
    }
  }
  return 0;
}
