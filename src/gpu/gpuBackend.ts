import type { LikelihoodBackend, LikelihoodCallOptions, LikelihoodRequest } from '../backends/LikelihoodBackend.js';
import { QinferArgumentError, QinferError, isQinferError } from '../errors/QinferError.js';
import { ignoreWarnings, type WarningSink } from '../errors/warn.js';
import type { GpuAdapterInfo } from './GpuAdapterInfo.js';
import { GpuHost, type GpuHostOptions } from './GpuHost.js';
import type { GpuModelFactory } from './GpuModel.js';
import { gpuModelFor } from './builtinGpuModels.js';
import { deviceModel, callReference, offsetsFrom, packHostValues } from './deviceModel.js';
import { wireModel } from './wireModel.js';

/** Float32 slack on likelihood values at the ends of [0, 1] (4 ulps of 1). */
const F32_SLACK = 4 * 2 ** -23;

/** Options of {@link gpuBackend}. */
export interface GpuBackendOptions extends GpuHostOptions {
  /** Use this host (shared, e.g. with a `GpuUpdater`); it is then closed by its creator, not by the backend. */
  host?: GpuHost;
  /**
   * Where a call goes when the GPU fails (`ERR_GPU`: crashed or hung host, lost device),
   * has no adapter (`ERR_GPU_UNAVAILABLE`) or has no WGSL for the model (`ERR_UNKNOWN_MODEL`);
   * each such fallback emits a `gpu` warning. Without it those calls reject.
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

  const fallbackOr = async (e: unknown, req: LikelihoodRequest, call: LikelihoodCallOptions): Promise<Float64Array> => {
    const recoverable = isQinferError(e, 'ERR_GPU') || isQinferError(e, 'ERR_GPU_UNAVAILABLE') || isQinferError(e, 'ERR_UNKNOWN_MODEL');
    if (options.fallback === undefined || !recoverable) throw e;
    onWarning({ category: 'gpu', message: `GPU likelihood failed (${(e as QinferError).code}: ${(e as Error).message}); using ${options.fallback.name}` });
    return options.fallback.likelihood(req, call);
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
    const info = await host.adapterInfo();
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
      try {
        if (deviceName === undefined) await adapterInfo();
        return await run(req, call);
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
