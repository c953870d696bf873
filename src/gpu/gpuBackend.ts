import type { LikelihoodBackend, LikelihoodCallOptions, LikelihoodRequest } from '../backends/LikelihoodBackend.js';
import { QinferArgumentError, QinferError, isQinferError } from '../errors/QinferError.js';
import { ignoreWarnings, type WarningSink } from '../errors/warn.js';
import type { GpuAdapterInfo } from './GpuAdapterInfo.js';
import { GpuHost, type GpuHostOptions } from './GpuHost.js';
import type { GpuModelFactory } from './GpuModel.js';
import { gpuModelFor } from './builtinGpuModels.js';
import { GPU_DOCS_URL, GpuUnavailableError } from './GpuUnavailableError.js';
import { deviceModel, callReference, offsetsFrom, packHostValues } from './deviceModel.js';
import { wireModel } from './wireModel.js';

/** `ERR_GPU` failures in a row after which a backend with a fallback stops trying the GPU. */
const MAX_GPU_FAILURES = 3;

/** The first line of a message (warnings are one line). */
function oneLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0]!.trim();
}

/** Float32 slack on likelihood values at the ends of [0, 1] (4 ulps of 1). */
const F32_SLACK = 4 * 2 ** -23;

/** Options of {@link gpuBackend}. */
export interface GpuBackendOptions extends GpuHostOptions {
  /** Use this host (shared, e.g. with a `GpuUpdater`); it is then closed by its creator, not by the backend. */
  host?: GpuHost;
  /**
   * Where a call goes when the GPU cannot run it, with one `gpu` warning line each time the
   * situation changes — never one per call:
   * - no adapter (`ERR_GPU_UNAVAILABLE`): the first failed probe warns with the reason, and every
   *   later call goes straight to the fallback (the adapter is never probed again);
   * - no WGSL for the model (`ERR_UNKNOWN_MODEL`): one warning per model, its calls fall back;
   * - a crashed or hung host, a lost device (`ERR_GPU`): the call falls back with a warning and
   *   the next call starts a fresh host; after 3 such failures in a row the backend falls back
   *   for good (one more warning).
   * Without a fallback those calls reject (a missing adapter with the same error every time,
   * without probing again).
   */
  fallback?: LikelihoodBackend;
  /** Receives fallback warnings. */
  onWarning?: WarningSink;
  /** GPU versions of user models, keyed by model name (see {@link GpuModel}). */
  gpuModels?: Readonly<Record<string, GpuModelFactory>>;
}

/** A {@link LikelihoodBackend} on a WebGPU device. */
export interface GpuBackend extends LikelihoodBackend {
  /** The GPU host process this backend runs on. */
  readonly host: GpuHost;
  /** Starts the host if needed and reports the adapter (name, software or not, limits). */
  adapterInfo(): Promise<GpuAdapterInfo>;
}

/**
 * The likelihood on a GPU through WebGPU (Dawn, npm `webgpu`), in float32: the Cartesian product
 * outcomes × particles × experiments is one dispatch (workgroups of 256, folded past 65 535
 * groups), with the model's WGSL (see {@link GpuModel}; built in: SimplePrecession,
 * SimpleInversion, UnknownT2, MultiCos). **Phase-exact**: per call the host picks a reference `r`
 * (per parameter, the midpoint of the particles' range moved toward 0 so that no offset exceeds
 * its particle), sends the particles as float32 offsets `d = x − r`, and reduces each
 * experiment's reference phase (e.g. `r t/2 mod π`) in float64 exactly (error-free products, π
 * in four parts); the device adds only the offset phase `d·t/2` in float32. `L` comes back and
 * is widened to float64 into `out`.
 *
 * Tolerance (docs/gpu.md): with Θ_δ the offset phase (SimplePrecession `|x − r|·t/2`),
 * `|L_gpu − L_exact| ≤ 2⁻²¹·(1 + Θ_δ)` whatever the size of `r·t` — measured worst
 * 1.6·2⁻²³·(1 + Θ_δ) on lavapipe at phases up to 1e15 (test/gpu-phase.test.ts), where the
 * float64 CPU models, which round `x·t` to a double, are off by up to 0.1. Since
 * `|x − r| ≤ |x|`, the old float32 bound `2⁻²¹·(1 + Θ)` with Θ the whole phase holds too
 * (test/gpu-models.test.ts).
 *
 * Dawn runs in a child process ({@link GpuHost}): lazy (nothing starts until the first call or
 * `adapterInfo()`), and a native crash or hang there rejects the call with `ERR_GPU` — or runs it
 * on `fallback` — instead of killing this process. `close()` ends the host (idempotent); the
 * process can exit afterwards.
 *
 * @example
 * ```ts
 * import { serialBackend, SimplePrecessionModel, ExpParams } from 'qinfer-rx';
 * import { gpuBackend } from 'qinfer-rx/gpu';
 * const gpu = gpuBackend({ fallback: serialBackend() });
 * const L = await gpu.likelihood({ model: new SimplePrecessionModel(), outcomes: Int32Array.of(0, 1),
 *   x: Float64Array.of(0.1, 0.5), nModels: 2, expparams: ExpParams.scalar([1, 2]) });
 * console.log((await gpu.adapterInfo()).name); // e.g. 'llvmpipe (LLVM 15.0.6, 256 bits)'
 * await gpu.close();
 * ```
 */
export function gpuBackend(options: GpuBackendOptions = {}): GpuBackend {
  const ownHost = options.host === undefined;
  const host = options.host ?? new GpuHost(options);
  const onWarning = options.onWarning ?? ignoreWarnings;
  const gpuModels = options.gpuModels ?? {};
  let closed = false;
  let deviceName: string | undefined;
  let x32 = new Float32Array(0);

  /** Set by the first failed probe (no adapter) or by repeated host failures: the GPU is done for. */
  let gaveUp: QinferError | undefined;
  let failures = 0;
  const noKernel = new Set<string>();
  const warn = (message: string): void => onWarning({ category: 'gpu', message });

  let warnedGaveUp = false;

  /** Once the GPU is given up: every call on the fallback, the first with one warning line. */
  const fallbackForGood = (why: QinferError, req: LikelihoodRequest, call: LikelihoodCallOptions): Promise<Float64Array> => {
    const fb = options.fallback;
    if (fb === undefined) throw why;
    if (!warnedGaveUp) {
      warnedGaveUp = true;
      warn(isQinferError(why, 'ERR_GPU_UNAVAILABLE')
        ? `no WebGPU adapter (${why instanceof GpuUnavailableError ? why.reason : oneLine(why)}); every likelihood runs on ${fb.name} from now on — see ${GPU_DOCS_URL}`
        : `GPU likelihood failed ${MAX_GPU_FAILURES} times in a row (ERR_GPU: ${oneLine(why)}); every likelihood runs on ${fb.name} from now on`);
    }
    return fb.likelihood(req, call);
  };

  const fallbackOr = async (e: unknown, req: LikelihoodRequest, call: LikelihoodCallOptions): Promise<Float64Array> => {
    const fb = options.fallback;
    if (isQinferError(e, 'ERR_GPU_UNAVAILABLE')) {
      gaveUp = e;
      return fallbackForGood(e, req, call);
    }
    if (isQinferError(e, 'ERR_UNKNOWN_MODEL')) {
      if (fb === undefined) throw e;
      if (!noKernel.has(req.model.name)) warn(`${oneLine(e)}; its likelihoods run on ${fb.name}`);
      noKernel.add(req.model.name);
      return fb.likelihood(req, call);
    }
    if (isQinferError(e, 'ERR_GPU')) {
      failures += 1;
      if (fb !== undefined && failures >= MAX_GPU_FAILURES) {
        gaveUp = e;
        return fallbackForGood(e, req, call);
      }
      if (fb === undefined) throw e;
      warn(`GPU likelihood failed (ERR_GPU: ${oneLine(e)}); this call runs on ${fb.name}, the next one on a fresh GPU host`);
      return fb.likelihood(req, call);
    }
    throw e;
  };

  const run = async (req: LikelihoodRequest, call: LikelihoodCallOptions): Promise<Float64Array> => {
    const { model, outcomes, nModels: nM, expparams: eps } = req;
    const gm = gpuModelFor(model, gpuModels);
    (model as { checkExpparams?: (e: typeof eps) => void }).checkExpparams?.(eps);
    const nO = outcomes.length, nE = eps.length, nP = gm.nModelparams;
    for (const o of outcomes) {
      if (!(Number.isInteger(o) && o >= 0 && o < 2)) {
        throw new QinferArgumentError('ERR_OUTCOME', `outcome ${o} outside the model's outcomes 0..1`, { details: { outcome: o, nOutcomes: 2 } });
      }
    }
    if (req.x.length < nM * nP) throw new QinferArgumentError('ERR_SHAPE', `${req.x.length} particle values for ${nM} particles of ${nP} parameters`);
    const size = nO * nM * nE;
    const out = call.out ?? new Float64Array(size);
    if (out.length < size) throw new QinferArgumentError('ERR_SHAPE', `output buffer holds ${out.length} values, ${size} needed`);
    if (size === 0) return out.length === size ? out : out.subarray(0, size);
    // phase-exact: offsets from this call's reference, reference phases reduced here in float64
    const ref = callReference(gm, req.x, nM);
    if (x32.length < nM * nP) x32 = new Float32Array(nM * nP);
    const ds = x32.subarray(0, nM * nP);
    offsetsFrom(req.x, nM, ref, ds);
    const nH = deviceModel(gm).nHostValues;
    const h32 = new Float32Array(Math.max(1, nE * nH));
    packHostValues(gm, ref, eps, h32);
    const { output } = await host.call<null>('likelihood', { model: wireModel(gm), nM, nE, nO }, [ds, h32, Uint32Array.from(outcomes)], { signal: call.signal });
    if (output === undefined || output.byteLength !== size * 4) throw new QinferError('ERR_GPU', 'the GPU host returned no likelihood');
    const L = new Float32Array(output.buffer, output.byteOffset, size);
    for (let i = 0; i < size; i++) {
      const l = L[i]!;
      // float32 rounding slack at the ends of [0, 1] (a few ulps) is snapped; anything else is passed on
      out[i] = l > 1 && l <= 1 + F32_SLACK ? 1 : l < 0 && l >= -F32_SLACK ? 0 : l;
    }
    return out.length === size ? out : out.subarray(0, size);
  };

  const adapterInfo = async (): Promise<GpuAdapterInfo> => {
    if (closed) throw new QinferError('ERR_CLOSED', 'gpu backend used after close()');
    if (gaveUp !== undefined && isQinferError(gaveUp, 'ERR_GPU_UNAVAILABLE')) throw gaveUp;
    const info = await host.adapterInfo().catch((e: unknown) => {
      if (isQinferError(e, 'ERR_GPU_UNAVAILABLE')) gaveUp = e;
      throw e;
    });
    deviceName = (info.description || info.device || info.vendor || 'device').split(':')[0]!.trim();
    return info;
  };

  return {
    get name() {
      return deviceName === undefined ? 'gpu' : `gpu:${deviceName}`;
    },
    host,
    adapterInfo,
    async likelihood(req, call = {}) {
      if (closed) throw new QinferError('ERR_CLOSED', 'gpu backend used after close()');
      if (call.signal?.aborted) throw new QinferError('ERR_ABORTED', 'likelihood call aborted', { cause: call.signal.reason });
      if (gaveUp !== undefined) return fallbackForGood(gaveUp, req, call);
      if (options.fallback !== undefined && noKernel.has(req.model.name)) return options.fallback.likelihood(req, call);
      try {
        if (deviceName === undefined) await adapterInfo();
        const L = await run(req, call);
        failures = 0;
        return L;
      } catch (e) {
        if (isQinferError(e, 'ERR_ABORTED')) throw e;
        return fallbackOr(e, req, call);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (ownHost) await host.close();
    },
  };
}
