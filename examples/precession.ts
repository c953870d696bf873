/**
 * Estimate a precession frequency ω with 10 000 particles over 100 exponentially sparse
 * experiments (QInfer's quick-start, as an RxJS pipeline), printing the estimate and its error.
 *
 *   npx tsx examples/precession.ts [trueOmega] [seed]
 */
import { lastValueFrom, tap } from 'rxjs';
import { ExpSparseHeuristic, SimplePrecessionModel, SMCUpdater, UniformDistribution, estimate, type PosteriorSnapshot } from '../src/index.js';

/** Runs the example and returns the final posterior snapshot. */
export async function runPrecessionExample(trueOmega = 0.42, seed = 2026, log: (line: string) => void = console.log): Promise<PosteriorSnapshot> {
  const model = new SimplePrecessionModel();
  const prior = new UniformDistribution([0, 1]);
  const updater = new SMCUpdater(model, 10_000, prior, { rng: seed });
  const heuristic = new ExpSparseHeuristic(updater);
  const final = await lastValueFrom(
    estimate({ updater, heuristic, nExperiments: 100, trueParams: [trueOmega], rng: seed + 1 }).pipe(
      tap((s) => {
        if ((s.index + 1) % 20 === 0) log(`after ${s.index + 1} experiments: ω = ${s.mean[0]!.toFixed(6)} ± ${Math.sqrt(s.covariance[0]!).toExponential(2)}`);
      }),
    ),
  );
  const est = final.mean[0]!, sd = Math.sqrt(final.covariance[0]!);
  log(`true ω = ${trueOmega}; estimate ${est.toFixed(8)} ± ${sd.toExponential(2)}; error ${(est - trueOmega).toExponential(2)} (${(Math.abs(est - trueOmega) / sd).toFixed(2)} sd); resampled ${final.resampleCount} times`);
  return final;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [w, seed] = process.argv.slice(2).map(Number);
  await runPrecessionExample(w ?? 0.42, seed ?? 2026);
}
