import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { isQinferError, QinferArgumentError, QinferError } from '../errors/QinferError.js';
import { simpleEstFromCounts, simpleEstPrec, simpleEstRb, type SimpleEstimate } from '../estimation/simpleEst.js';
import { unicodeName } from '../models/modelparamLabel.js';
import { posteriorMarginalChart } from '../plot/posteriorMarginalChart.js';
import { renderVegaLiteSvg } from '../plot/renderVegaLiteSvg.js';
import type { Registry } from '../registry/Registry.js';
import { credibleInterval } from '../smc/credibleInterval.js';
import { posteriorMarginal } from '../smc/posteriorMarginal.js';
import { formatUncertainty } from '../util/formatUncertainty.js';
import type { CliIo } from './CliIo.js';
import { fmt } from './formatSummary.js';
import { collectKeyValues, parseCount, parseRange } from './parseArgs.js';

/** The options of `qinfer-rx estimate --data` (a subset of `estimate`'s, as commander gives them). */
export interface EstimateFromDataOptions {
  readonly data: string;
  readonly model: string;
  readonly param?: readonly string[];
  readonly prior?: readonly string[];
  readonly particles?: string;
  readonly seed: string;
  readonly plot?: string;
  readonly plotParam: string;
  /** Hilbert-space dimension for the RB fidelity (default 2). */
  readonly dimension?: string;
}

const CREDIBLE_LEVEL = 0.95;

/**
 * `qinfer-rx estimate --data FILE.csv`: the open loop on measured data. Reads counts of a
 * two-outcome experiment (`counts, <experiment field>, n_shots[, …]`, with or without a header;
 * see `CountsData`), fits `BinomialModel(--model)` to them as QInfer's `simple_est_*` do
 * (`simpleEstPrec` for SimplePrecessionModel, `simpleEstRb` for RandomizedBenchmarkingModel —
 * with `--param interleaved=true` for interleaved RB — and `simpleEstFromCounts` for any other
 * two-outcome model), and prints the posterior mean(σ) and 95 % credible interval of each
 * parameter (for RB also the average gate fidelity in dimension `--dimension`); `--plot` writes a
 * marginal. Particles default to QInfer's (6000 precession, 8000 otherwise). Returns the exit status.
 *
 * @example
 * ```ts
 * await estimateFromData({ data: 'examples/rb-counts.csv', model: 'RandomizedBenchmarkingModel', seed: '1', plotParam: '0' }, io, builtInRegistry());
 * ```
 */
export async function estimateFromData(o: EstimateFromDataOptions, io: CliIo, registry: Registry): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const path = resolve(cwd, o.data);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new QinferArgumentError('ERR_ARGUMENT', `--data: cannot read '${o.data}' (${(e as Error).message})`, { cause: e });
  }
  const seed = parseCount(o.seed, '--seed', 0);
  const plotPath = o.plot === undefined ? undefined : resolve(cwd, o.plot);
  if (plotPath !== undefined && extname(plotPath).toLowerCase() !== '.svg') throw new QinferArgumentError('ERR_ARGUMENT', `--plot must end in .svg, got '${o.plot}'`);
  const params = collectKeyValues(o.param ?? [], '--param');
  if (!registry.hasModel(o.model)) throw new QinferArgumentError('ERR_UNKNOWN_MODEL', `unknown model '${o.model}' (known: ${registry.names().models.join(', ')})`);
  const underlying = registry.createModel({ name: o.model, params });
  const ranges = (o.prior ?? []).map((r) => parseRange(r, '--prior'));
  const dimension = o.dimension === undefined ? 2 : parseCount(o.dimension, '--dimension');
  const updater = { rng: seed };
  const nParticles = o.particles === undefined ? undefined : parseCount(o.particles, '--particles');
  const common = { ...(nParticles === undefined ? {} : { nParticles }), updater };
  let est: SimpleEstimate;
  let fidelity: { label: string; mean: number; sd: number }[] = [];
  try {
    if (o.model === 'SimplePrecessionModel' && ranges.length <= 1) {
      est = simpleEstPrec(text, { ...common, freqMin: (params['minFreq'] as number | undefined) ?? 0, ...(ranges[0] === undefined ? {} : { freqMax: ranges[0][1] }) });
    } else if (o.model === 'RandomizedBenchmarkingModel' && ranges.length <= 1) {
      const interleaved = params['interleaved'] === true;
      const rb = simpleEstRb(text, { ...common, interleaved, dimension, ...(ranges[0] === undefined ? {} : { pMin: ranges[0][0], pMax: ranges[0][1] }) });
      est = rb;
      fidelity = [{ label: interleaved ? 'reference' : 'gates', ...rb.fidelity.reference }];
      if (rb.fidelity.gate !== undefined) fidelity.push({ label: 'interleaved gate', ...rb.fidelity.gate });
    } else {
      est = simpleEstFromCounts(underlying, text, { ...common, ...(ranges.length === 0 ? {} : { ranges }) });
    }
  } catch (e) {
    if (!isQinferError(e, 'ERR_ZERO_WEIGHTS')) throw e;
    // The particle cloud could not follow the data (a row of many shots is sharper than its
    // resolution): say what to do rather than only what happened.
    throw new QinferError('ERR_ZERO_WEIGHTS', `${e.message} After ${(e.details['step'] as number | undefined) ?? '?'} rows the counts are sharper than ${nParticles ?? 'the default number of'} particles resolve: try more particles (-p), e.g. twice as many, or another --seed.`, { cause: e, details: e.details });
  }
  const up = est.updater, nP = est.mean.length, names = est.names.map(unicodeName);
  const plotParam = parseCount(o.plotParam, '--plot-param', 0);
  if (plotParam >= nP) throw new QinferArgumentError('ERR_ARGUMENT', `--plot-param must be below ${nP} for ${o.model}, got ${plotParam}`);
  const out = (s: string): void => void io.stdout.write(s);
  const shots = est.data.experiments.field('n_meas').reduce((a, b) => a + b, 0);
  out(`qinfer-rx estimate: ${o.model} from ${o.data} (${est.data.outcomes.length} rows, ${shots} shots), ${up.nParticles} particles, seed ${seed}\n`);
  out(`posterior (mean(σ), ${CREDIBLE_LEVEL * 100} % credible interval; ${up.resampleCount} resamplings):\n`);
  const cloud = { locations: up.locations, particleWeights: up.particleWeights, nParticles: up.nParticles, nRvs: nP };
  for (let p = 0; p < nP; p++) {
    const { lo, hi } = credibleInterval(cloud, p, CREDIBLE_LEVEL);
    out(`  ${names[p]} = ${formatUncertainty(est.mean[p]!, est.sd[p]!)}   [${fmt(lo)}, ${fmt(hi)}]\n`);
  }
  for (const f of fidelity) out(`average gate fidelity (${f.label}, d = ${dimension}): F = ${formatUncertainty(f.mean, f.sd)}\n`);
  if (plotPath !== undefined) {
    const marginal = posteriorMarginal(up.locations, up.particleWeights, up.nParticles, nP, { idx: plotParam, res: 200 });
    const spec = posteriorMarginalChart(marginal, {
      paramName: names[plotParam]!,
      interval: { ...credibleInterval(cloud, plotParam, CREDIBLE_LEVEL), level: CREDIBLE_LEVEL },
      mean: est.mean[plotParam]!,
      title: `${o.model}: posterior from ${o.data}`,
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
