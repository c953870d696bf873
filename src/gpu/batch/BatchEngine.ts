/// <reference types="@webgpu/types" />
import { QinferError } from '../../errors/QinferError.js';
import type { DawnContext } from '../DawnContext.js';
import type { DeviceModel } from '../deviceModel.js';
import { WORKGROUP_SIZE, dispatchGrid } from '../dispatchGrid.js';
import { BATCH_PARAMS_BYTES, MAX_BATCH_PARAMS, S, ST, inputFloats, maxComponents } from './batchLayout.js';
import type { BatchSettings } from './batchProtocol.js';
import { BATCH_ENTRIES, REDUCE_KERNELS, TRIAL_GROUP, TRIAL_KERNELS, batchShader, type BatchEntry } from './batchShader.js';

/** Float32 slack on likelihood values before they count as invalid (a few ulps of 1). */
const LIKELIHOOD_TOL_F32 = 4 * 2 ** -23;

/** The kernels of one step after the simulation, in order. */
const STEP: readonly BatchEntry[] = [
  'simulate', 'weigh', 'reduceW', 'finish', 'moments2', 'reduceC', 'prepResample', 'resample', 'postResample', 'moments1r', 'reduceM', 'estFinish',
];
/** PGH's draws: the current weights' block sums, then two particles per trial. */
const PGH: readonly BatchEntry[] = ['moments1', 'reduceM', 'pghDraw'];

/**
 * The batched performance-test engine on the device (GPU host side; see {@link batchShader}):
 * K trials × n particles resident together, one submission and one readback of the K state
 * rows (`K·ST` floats) per experiment. Buffers are created once for the batch.
 */
export class BatchEngine {
  readonly K: number;
  readonly n: number;
  readonly G: number;
  private readonly ctx: DawnContext;
  private readonly model: DeviceModel;
  private readonly settings: BatchSettings;
  private readonly buffers: GPUBuffer[] = [];
  private readonly params: GPUBuffer;
  private readonly st: GPUBuffer;
  private readonly inp: GPUBuffer;
  private readonly stage: GPUBuffer;
  private readonly all: GPUBuffer[];
  private bind!: GPUBindGroup;
  private pipes!: Record<string, GPUComputePipeline>;
  private readonly paramsData = new ArrayBuffer(BATCH_PARAMS_BYTES);

  private constructor(ctx: DawnContext, model: DeviceModel, K: number, n: number, settings: BatchSettings) {
    const nP = model.nModelparams;
    if (nP > MAX_BATCH_PARAMS) throw new QinferError('ERR_ARGUMENT', `the batched GPU engine supports up to ${MAX_BATCH_PARAMS} model parameters, got ${nP}`);
    this.ctx = ctx;
    this.model = model;
    this.settings = settings;
    this.K = K;
    this.n = n;
    this.G = Math.ceil(n / WORKGROUP_SIZE);
    const lim = Math.min(ctx.info.limits.maxStorageBufferBindingSize, ctx.info.limits.maxBufferSize);
    const xBytes = 2 * K * n * nP * 4;
    if (xBytes > lim) throw new QinferError('ERR_ARGUMENT', `${K} trials × ${n} particles need ${xBytes} bytes in one binding; this device allows ${lim}`);
    const U = ctx.usage as unknown as Record<string, number>;
    const SB = U['STORAGE']!, CD = U['COPY_DST']!, CS = U['COPY_SRC']!;
    const mk = (bytes: number, usage: number, label: string): GPUBuffer => {
      const b = ctx.buffer(bytes, usage, label);
      this.buffers.push(b);
      return b;
    };
    const CM = maxComponents(nP);
    this.params = mk(BATCH_PARAMS_BYTES, U['UNIFORM']! | CD, 'batch.params');
    const x = mk(xBytes, SB | CD, 'batch.x');
    const w = mk(2 * K * n * 4, SB | CD, 'batch.w');
    this.st = mk(K * ST * 4, SB | CD | CS, 'batch.st');
    this.inp = mk(K * inputFloats(nP, model.nHostValues) * 4, SB | CD, 'batch.inp');
    const part = mk((K * this.G * CM + K * this.G) * 4, SB, 'batch.part');
    const offs = mk((2 * K + K * (this.G + 1)) * 4, SB | CD, 'batch.offs');
    this.stage = mk(K * ST * 4, U['MAP_READ']! | CD, 'batch.stage');
    this.all = [this.params, x, w, this.st, this.inp, part, offs];
  }

  /** Allocates the batch, compiles its kernels, uploads the initial offsets (half 0), unit weights and the seeds. */
  static async create(ctx: DawnContext, key: string, model: DeviceModel, K: number, n: number, settings: BatchSettings, x0: Float32Array, seeds: Uint32Array): Promise<BatchEngine> {
    if (x0.length !== K * n * model.nModelparams || seeds.length !== 2 * K) throw new QinferError('ERR_SHAPE', 'batch upload of the wrong length');
    const e = new BatchEngine(ctx, model, K, n, settings);
    try {
      await e.init(key);
      const [, x, w, st, , , offs] = e.all as [GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer];
      ctx.write(x, x0);
      ctx.write(w, new Float32Array(K * n).fill(1));
      const rows = new Float32Array(K * ST), nP = model.nModelparams;
      for (let t = 0; t < K; t++) {
        rows[t * ST + S.SUM] = n;
        rows[t * ST + S.NESS] = n;
        // the estimate before any accepted datum: the mean of the initial offsets
        for (let p = 0; p < nP; p++) {
          let m = 0;
          for (let i = 0; i < n; i++) m += x0[(t * n + i) * nP + p]!;
          rows[t * ST + S.MUEST + p] = m / n;
        }
      }
      ctx.write(st, rows);
      ctx.write(offs, seeds);
      await ctx.run(() => {});
    } catch (err) {
      e.destroy();
      throw err;
    }
    return e;
  }

  private async init(key: string): Promise<void> {
    const dev = this.ctx.device;
    const entry = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry => ({ binding, visibility: 4, buffer: { type } });
    const layout = dev.createBindGroupLayout({
      entries: [entry(0, 'uniform'), entry(1, 'storage'), entry(2, 'storage'), entry(3, 'storage'), entry(4, 'read-only-storage'), entry(5, 'storage'), entry(6, 'storage')],
    });
    const pl = dev.createPipelineLayout({ bindGroupLayouts: [layout] });
    const code = batchShader(this.model);
    const pipes = await Promise.all(BATCH_ENTRIES.map((nm) => this.ctx.pipeline(`batch:${key}`, code, nm, pl)));
    this.pipes = {};
    BATCH_ENTRIES.forEach((nm, i) => (this.pipes[nm] = pipes[i]!));
    this.bind = dev.createBindGroup({ layout, entries: this.all.map((buffer, binding) => ({ binding, resource: { buffer } })) });
  }

  private writeParams(step: number): void {
    const u = new Uint32Array(this.paramsData), f = new Float32Array(this.paramsData), s = this.settings;
    u.fill(0);
    u[0] = this.n; u[1] = this.K; u[2] = this.G; u[3] = step >>> 0;
    u[4] = s.maxiter; u[5] = s.postselect ? 1 : 0; u[6] = s.acceptZero ? 1 : 0; u[7] = s.zeroError ? 1 : 0;
    u[8] = s.pghIters;
    f[12] = s.resampleThresh; f[13] = s.a; f[14] = s.h; f[15] = s.zeroWeightThresh;
    f[16] = s.zeroCovComp; f[17] = LIKELIHOOD_TOL_F32;
    for (let p = 0; p < s.Q.length && p < 4; p++) f[20 + p] = s.Q[p]!;
    this.ctx.write(this.params, f);
  }

  private groups(entry: BatchEntry): [number, number, number] {
    const max = this.ctx.info.limits.maxComputeWorkgroupsPerDimension;
    if (TRIAL_KERNELS.includes(entry)) return dispatchGrid(Math.ceil(this.K / TRIAL_GROUP), max);
    if (REDUCE_KERNELS.includes(entry)) return dispatchGrid(this.K, max);
    return dispatchGrid(this.K * this.G, max);
  }

  /** Marks trials as stopped by the host (their rows stay as they were). */
  private stop(trials: readonly number[]): void {
    for (const t of trials) {
      if (!(Number.isInteger(t) && t >= 0 && t < this.K)) throw new QinferError('ERR_ARGUMENT', `no trial ${t} in this batch`);
      this.ctx.write(this.st, Float32Array.of(3), (t * ST + S.DEAD) * 4);
    }
  }

  private async run(kernels: readonly BatchEntry[], step: number, onRows: (rows: Float32Array) => void): Promise<void> {
    this.writeParams(step);
    const bytes = this.K * ST * 4;
    await this.ctx.run(
      (enc) => {
        const pass = enc.beginComputePass();
        pass.setBindGroup(0, this.bind);
        for (const k of kernels) {
          pass.setPipeline(this.pipes[k]!);
          pass.dispatchWorkgroups(...this.groups(k));
        }
        pass.end();
        enc.copyBufferToBuffer(this.st, 0, this.stage, 0, bytes);
      },
      [{ buffer: this.stage, bytes, read: (v) => onRows(new Float32Array(v.buffer, v.byteOffset, this.K * ST)) }],
    );
  }

  /** One experiment for every live trial from the host inputs `[K·IN]`; hands back the state rows. */
  async step(step: number, inputs: Float32Array, stop: readonly number[], onRows: (rows: Float32Array) => void): Promise<void> {
    const IN = inputFloats(this.model.nModelparams, this.model.nHostValues);
    if (inputs.length !== this.K * IN) throw new QinferError('ERR_SHAPE', `batch step inputs: ${inputs.length} floats, ${this.K * IN} expected`);
    this.stop(stop);
    this.ctx.write(this.inp, inputs);
    await this.run(STEP, step, onRows);
  }

  /** PGH's two particle draws per live trial (rows' PGH slots). */
  async pgh(step: number, stop: readonly number[], onRows: (rows: Float32Array) => void): Promise<void> {
    this.stop(stop);
    await this.run(PGH, step, onRows);
  }

  /** Releases the device buffers. */
  destroy(): void {
    for (const b of this.buffers) b.destroy();
    this.buffers.length = 0;
  }
}
