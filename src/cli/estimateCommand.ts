import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { asyncScheduler, lastValueFrom, tap } from 'rxjs';
import { estimate } from '../../operators/estimate.js';
import { QinferArgumentError } from '../errors/QinferError.js';
import type { ExpRecord } from '../expparams/ExpParams.js';
import { TRIAL_STREAMS } from '../perf/trialStreams.js';
import { posteriorMarginalChart } from '../plot/posteriorMarginalChart.js';
import { renderVegaLiteSvg } from '../plot/renderVegaLiteSvg.js';
import type { Registry } from '../registry/Registry.js';
import { Rng } from '../rng/Rng.js';
import { SMCUpdater } from '../smc/SMCUpdater.js';
import type { CliIo } from './CliIo.js';
import { fmt } from './formatSummary.js';
import { dryRun, modelArgs, type ModelOptionValues } from './modelArgs.js';
import { parseCount } from './parseArgs.js';

/** `qinfer-rx estimate` options as commander gives them. */
export interface EstimateCommandOptions extends ModelOptionValues {
  readonly particles: string;
  readonly experiments: string;
  readonly seed: string;
  readonly every?: string;
  readonly plot?: string;
  readonly plotParam: string;
}

const GREEK: Record<string, string> = { omega: 'ω', alpha: 'α', beta: 'β', gamma: 'γ', theta: 'θ', phi: 'φ', lambda: 'λ', tau: 'τ' };

/**
 * A LaTeX parameter name made readable in a terminal (`\\omega` → `ω`, `T_2^{-1}` → `T_2^-1`).
 *
 * @example
 * ```ts
 * plainName('T_2^{-1}'); // 'T_2^-1'
 * ```
 */
export function plainName(latex: string): string {
  return latex.replace(/\\([a-zA-Z]+)/g, (_, w: string) => GREEK[w] ?? w).replace(/[{}$]/g, '');
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
  const names = m.built.modelparamNames.map(plainName);
  const out = (s: string): void => void io.stdout.write(s);
  out(`qinfer-rx estimate: ${m.model.name}, ${nParticles} particles, ${nExp} experiments, ${m.heuristic.name}, seed ${seed}\n`);
  out(`true: ${names.map((n, p) => `${n} = ${fmt(truth[p]!)}`).join(', ')}\n`);
  const meanSd = (mean: Float64Array, cov: Float64Array): string =>
    names.map((n, p) => `${n} = ${fmt(mean[p]!)} ± ${fmt(Math.sqrt(Math.max(0, cov[p * nP + p]!)))}`).join(', ');

  const last = await lastValueFrom(
    estimate({ updater, heuristic, nExperiments: nExp, trueParams: truth, rng: rng.split(TRIAL_STREAMS.simulation), scheduler: asyncScheduler }).pipe(
      tap((s) => {
        if ((s.index + 1) % every === 0 || s.index + 1 === nExp) {
          out(`${String(s.index + 1).padStart(5)}  ${formatExperiment(s.experiment).padEnd(18)} d=${s.outcome}  ${meanSd(s.mean, s.covariance)}\n`);
        }
      }),
    ),
  );
  out(`final estimate after ${nExp} experiments: ${meanSd(last.mean, last.covariance)} (${last.resampleCount} resamplings)\n`);
  if (plotPath !== undefined) {
    const marginal = updater.posteriorMarginal({ idx: plotParam, res: 200 });
    const spec = posteriorMarginalChart(marginal, {
      paramName: names[plotParam]!,
      trueValue: truth[plotParam]!,
      mean: last.mean[plotParam]!,
      title: `${m.model.name}: posterior after ${nExp} experiments`,
    });
    mkdirSync(dirname(plotPath), { recursive: true });
    writeFileSync(plotPath, await renderVegaLiteSvg(spec));
    out(`plot: ${plotPath}\n`);
  }
  return 0;
}
