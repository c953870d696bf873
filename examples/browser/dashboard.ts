/**
 * A live dashboard of a closed-loop estimation in the browser: `estimate()` scheduled on
 * `animationFrameScheduler` (one experiment per frame), the likelihood on WebGPU where the browser
 * offers an adapter, else on Web Workers (webWorkerBackend: the workers rebuild the model by name
 * from their registry), drawing the posterior and its width as they arrive. The final result is
 * left in `window.qinferResult` (and in the page) for the browser test.
 *
 * URL parameters: `backend=auto|webgpu|workers|serial`, `workers=N`, `particles`, `experiments`,
 * `true` (ω), `seed`, `dataSeed` (defaults: the README's closed loop).
 */
import { animationFrameScheduler } from 'rxjs';
import { axisOffset } from '../../src/plot/axisOffset.js';
import { formatUncertainty, kdeBandwidth, modelparamLabel, powerOfTen, webWorkerBackend, type LikelihoodBackend } from '../../src/index.js';
import { closedLoop, README_RUN, type ClosedLoopSettings, type DashboardResult } from './closedLoop.js';
import { chart, drawPosterior, drawWidth } from './draw.js';
import { webgpuBackend } from './webgpuBackend.js';

const query = new URLSearchParams(location.search);
const num = (key: string, fallback: number): number => (query.has(key) ? Number(query.get(key)) : fallback);
const settings: ClosedLoopSettings = {
  particles: num('particles', README_RUN.particles),
  experiments: num('experiments', README_RUN.experiments),
  trueOmega: num('true', README_RUN.trueOmega),
  seed: num('seed', README_RUN.seed),
  dataSeed: num('dataSeed', README_RUN.dataSeed),
};
const $ = (id: string): HTMLElement => document.getElementById(id)!;
const report = (r: DashboardResult): void => {
  (window as unknown as { qinferResult: DashboardResult }).qinferResult = r;
  document.body.dataset.state = r.error === undefined ? 'done' : 'failed';
};

async function chooseBackend(want: string): Promise<{ backend: LikelihoodBackend | undefined; label: string; webgpu: string }> {
  let webgpu = 'not tried';
  if (want === 'auto' || want === 'webgpu') {
    try {
      const g = await webgpuBackend();
      if (g !== undefined) return { backend: g, label: `WebGPU (${g.adapter}), float32`, webgpu: `used: ${g.adapter}` };
      webgpu = 'not offered by this browser (no navigator.gpu or no adapter)';
    } catch (e) {
      webgpu = `failed: ${(e as Error).message}`;
    }
    if (want === 'webgpu') throw new Error(`backend=webgpu asked for, but WebGPU is ${webgpu}`);
  }
  if (want === 'serial') return { backend: undefined, label: 'this thread (serial)', webgpu };
  const workers = num('workers', Math.min(4, Math.max(1, (navigator.hardwareConcurrency ?? 2) - 1)));
  const backend = webWorkerBackend({ workers, createWorker: () => new Worker(new URL('./likelihood.worker.js', import.meta.url), { type: 'module' }) });
  return { backend, label: `Web Workers ×${workers} (float64, bit for bit the serial likelihood)`, webgpu };
}

async function main(): Promise<void> {
  const { backend, label, webgpu } = await chooseBackend(query.get('backend') ?? 'auto');
  $('backend').textContent = `likelihood backend: ${label} — WebGPU ${webgpu}`;
  const { updater, run$ } = closedLoop(settings, backend, animationFrameScheduler);
  const posterior = chart($('posterior') as HTMLCanvasElement), width = chart($('width') as HTMLCanvasElement);
  const name = modelparamLabel(updater.model, 0).replace(/ \(.*\)$/, ''), unit = 'rad/[t]';
  const sds: number[] = [];
  let frames = 0;
  let last: { mean: number; sd: number } | undefined;
  const t0 = performance.now();
  run$.subscribe({
    next: (s) => {
      frames++;
      const mean = s.mean[0]!, sd = Math.sqrt(Math.max(0, s.covariance[0]!));
      sds.push(sd);
      last = { mean, sd };
      // The posterior as it is now: read synchronously from the updater (its arrays change with the next datum).
      const lo = Math.max(0, mean - 5 * sd), hi = Math.min(1, mean + 5 * sd);
      const { ps, pr } = updater.posteriorMarginal({ res: 160, smoothing: kdeBandwidth(sd, updater.nEss), rangeMin: lo, rangeMax: hi });
      const o = axisOffset(lo, hi);
      const xTitle = o === undefined ? `${name} (${unit})` : `${name} − ${o.offsetText} (${powerOfTen(o.exponent)} ${unit})`;
      drawPosterior(posterior, { ps, pr, truth: settings.trueOmega, mean, lo, hi, xTitle, offset: o?.offset ?? 0, scale: o === undefined ? 1 : 10 ** o.exponent });
      drawWidth(width, sds, settings.experiments);
      $('estimate').textContent = `${name} = ${formatUncertainty(mean, sd)} ${unit}`;
      $('status').textContent = `experiment ${s.index + 1} of ${settings.experiments}, ${s.resampleCount} resamplings, n_ess = ${s.nEss.toFixed(0)}`;
    },
    error: (e: unknown) => {
      $('status').textContent = `failed: ${(e as Error).message}`;
      report({ done: true, error: String((e as Error).message ?? e), backend: label, webgpu });
      void backend?.close();
    },
    complete: () => {
      const seconds = (performance.now() - t0) / 1000;
      const { mean, sd } = last ?? { mean: Number.NaN, sd: Number.NaN }; // the last snapshot, as the README prints it
      $('status').textContent = `done: ${settings.experiments} experiments in ${seconds.toFixed(2)} s (${frames} frames), ${updater.resampleCount} resamplings`;
      report({ done: true, backend: label, webgpu, settings, mean, sd, resampleCount: updater.resampleCount, frames, seconds });
      void backend?.close();
    },
  });
}

main().catch((e: unknown) => {
  $('status').textContent = `failed: ${(e as Error).message}`;
  report({ done: true, error: String((e as Error).message ?? e) });
});
