/// <reference types="@webgpu/types" preserve="true" />
import { QinferError } from '../errors/QinferError.js';
import type { DawnContext, StagedRead } from './DawnContext.js';
import type { DeviceModel } from './deviceModel.js';
import { WORKGROUP_SIZE, dispatchGrid } from './dispatchGrid.js';
import type { CloudMoments, CloudResampleArgs, CloudStepArgs, CloudStepResult } from './hostProtocol.js';
import {
  MAX_HOST_VALUES, MAX_RESIDENT_PARAMS, PARAMS_BYTES, SMALL_EXP, SMALL_FLOATS, SMALL_MEAN, SMALL_STATE,
  covarianceComponents, reduceShader, residentShader,
} from './residentShader.js';

/** Float32 slack on likelihood values before they count as invalid (a few ulps of 1). */
const LIKELIHOOD_TOL_F32 = 4 * 2 ** -23;

interface Level {
  readonly bind: GPUBindGroup;
  readonly groups: [number, number, number];
}

/**
 * A particle cloud that lives on the device (GPU host side of `GpuUpdater`): particles `x` and
 * two halves of unnormalised weights stay in device buffers across updates; each datum costs one
 * submission (fused likelihood × weight with workgroup partial sums, tree-reduction passes, a
 * finishing kernel computing `S`, `Σu²`, `n_ess` and the resample flag) and a 32-byte readback.
 * See {@link residentShader} for the formulas.
 */
export class ResidentCloud {
  readonly n: number;
  readonly nP: number;
  private readonly ctx: DawnContext;
  private readonly model: DeviceModel;
  private readonly thresh: number;
  private readonly nBlocks: number;
  private parity = 0;
  private readonly buffers: GPUBuffer[] = [];
  private readonly params: GPUBuffer;
  private readonly x: GPUBuffer;
  private readonly w: GPUBuffer;
  private readonly small: GPUBuffer;
  private readonly fin: GPUBuffer;
  private readonly blocks: GPUBuffer;
  private readonly offsets: GPUBuffer;
  private readonly xNew: GPUBuffer;
  private readonly stageSmall: GPUBuffer;
  private readonly stageBlocks: GPUBuffer;
  private stageBig: GPUBuffer | undefined;
  private main!: GPUBindGroup;
  private levels!: Level[];
  private pipes!: Record<string, GPUComputePipeline>;
  private readonly paramsData = new ArrayBuffer(PARAMS_BYTES);

  private constructor(ctx: DawnContext, model: DeviceModel, n: number, thresh: number) {
    if (model.nModelparams > MAX_RESIDENT_PARAMS) {
      throw new QinferError('ERR_ARGUMENT', `the GPU-resident update supports up to ${MAX_RESIDENT_PARAMS} model parameters, got ${model.nModelparams}`);
    }
    if (model.nHostValues > MAX_HOST_VALUES) {
      throw new QinferError('ERR_ARGUMENT', `the GPU-resident update supports up to ${MAX_HOST_VALUES} values per experiment, got ${model.nHostValues}`);
    }
    const lim = ctx.info.limits.maxStorageBufferBindingSize;
    if (2 * n * 4 > lim || n * model.nModelparams * 4 > lim) {
      throw new QinferError('ERR_ARGUMENT', `${n} particles exceed this device's storage binding limit (${lim} bytes: at most ${Math.floor(lim / Math.max(8, 4 * model.nModelparams))} particles)`);
    }
    this.ctx = ctx;
    this.model = model;
    this.n = n;
    this.nP = model.nModelparams;
    this.thresh = thresh;
    this.nBlocks = Math.ceil(n / WORKGROUP_SIZE);
    const U = ctx.usage as unknown as Record<string, number>;
    const S = U['STORAGE']!, CD = U['COPY_DST']!, CS = U['COPY_SRC']!;
    const mk = (bytes: number, usage: number, label: string): GPUBuffer => {
      const b = ctx.buffer(bytes, usage, label);
      this.buffers.push(b);
      return b;
    };
    const ksh = Math.max(3, this.nP, covarianceComponents(this.nP));
    this.params = mk(PARAMS_BYTES, U['UNIFORM']! | CD, 'params');
    this.x = mk(n * this.nP * 4, S | CD | CS, 'x');
    this.w = mk(2 * n * 4, S | CD | CS, 'w');
    this.small = mk(SMALL_FLOATS * 4, S | CD | CS, 'small');
    this.fin = mk(ksh * 4, S | CS, 'fin');
    this.blocks = mk(this.nBlocks * 4, S | CS, 'blocks');
    this.offsets = mk((this.nBlocks + 1) * 4, S | CD, 'offsets');
    this.xNew = mk(n * this.nP * 4, S | CS, 'xNew');
    this.stageSmall = mk(SMALL_FLOATS * 4 + 256, U['MAP_READ']! | CD, 'stageSmall');
    this.stageBlocks = mk(this.nBlocks * 4, U['MAP_READ']! | CD, 'stageBlocks');
    // reduction levels: part (G0 vectors) → … → fin (1 vector); at least one pass
    const counts = [this.nBlocks];
    while (counts[counts.length - 1]! > 1) counts.push(Math.ceil(counts[counts.length - 1]! / WORKGROUP_SIZE));
    if (counts.length === 1) counts.push(1);
    this.levelBuffers = counts.map((c, l) => (l === counts.length - 1 ? this.fin : mk(c * ksh * 4, S, `level${l}`)));
    this.levelCounts = counts;
  }

  private levelBuffers: GPUBuffer[];
  private levelCounts: number[];

  /** Allocates the buffers, compiles the kernels and uploads the particles (and weights, else 1). */
  static async create(ctx: DawnContext, key: string, model: DeviceModel, n: number, thresh: number, x: Float32Array, u?: Float32Array): Promise<ResidentCloud> {
    const c = new ResidentCloud(ctx, model, n, thresh);
    try {
      await c.init(key);
      c.upload(x, u);
      await ctx.run(() => {});
    } catch (e) {
      c.destroy();
      throw e;
    }
    return c;
  }

  private async init(key: string): Promise<void> {
    const ctx = this.ctx, dev = ctx.device;
    const visibility = 4; // GPUShaderStage.COMPUTE
    const entry = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry => ({ binding, visibility, buffer: { type } });
    const mainLayout = dev.createBindGroupLayout({
      entries: [entry(0, 'uniform'), entry(1, 'read-only-storage'), entry(2, 'storage'), entry(3, 'storage'), entry(4, 'storage'),
        entry(5, 'storage'), entry(6, 'storage'), entry(7, 'read-only-storage'), entry(8, 'storage')],
    });
    const reduceLayout = dev.createBindGroupLayout({ entries: [entry(0, 'uniform'), entry(1, 'read-only-storage'), entry(2, 'storage')] });
    const mainPL = dev.createPipelineLayout({ bindGroupLayouts: [mainLayout] });
    const reducePL = dev.createPipelineLayout({ bindGroupLayouts: [reduceLayout] });
    const code = residentShader(this.model);
    const names = ['weigh', 'finishStep', 'moments1', 'meanFinish', 'moments2', 'blockSums', 'resample'];
    const ks = [...new Set([1, 3, this.nP, covarianceComponents(this.nP)])];
    const pipes = await Promise.all([
      ...names.map((nm) => ctx.pipeline(`res:${key}`, code, nm, mainPL)),
      ...ks.map((k) => ctx.pipeline(`reduce:${k}`, reduceShader(k), 'reduce', reducePL)),
    ]);
    this.pipes = {};
    names.forEach((nm, i) => (this.pipes[nm] = pipes[i]!));
    ks.forEach((k, i) => (this.pipes[`reduce${k}`] = pipes[names.length + i]!));
    this.main = dev.createBindGroup({
      layout: mainLayout,
      entries: [this.params, this.x, this.w, this.small, this.levelBuffers[0]!, this.fin, this.blocks, this.offsets, this.xNew]
        .map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const U = ctx.usage as unknown as Record<string, number>;
    this.levels = [];
    for (let l = 0; l + 1 < this.levelCounts.length; l++) {
      const ub = ctx.buffer(16, U['UNIFORM']! | U['COPY_DST']!, `levelCount${l}`);
      this.buffers.push(ub);
      ctx.write(ub, Uint32Array.of(this.levelCounts[l]!, 0, 0, 0));
      this.levels.push({
        bind: dev.createBindGroup({
          layout: reduceLayout,
          entries: [ub, this.levelBuffers[l]!, this.levelBuffers[l + 1]!].map((buffer, binding) => ({ binding, resource: { buffer } })),
        }),
        groups: dispatchGrid(this.levelCounts[l + 1]!, ctx.info.limits.maxComputeWorkgroupsPerDimension),
      });
    }
  }

  private grid(groups: number): [number, number, number] {
    return dispatchGrid(groups, this.ctx.info.limits.maxComputeWorkgroupsPerDimension);
  }

  /** Writes the `Params` uniform (fields not given are 0). */
  private writeParams(p: {
    outcome?: number; seed0?: number; seed1?: number; maxiter?: number; postselect?: boolean; a?: number; mu?: readonly number[]; hS?: readonly number[];
    refHi?: readonly number[]; refLo?: readonly number[]; mhalf?: number;
  }): void {
    const u = new Uint32Array(this.paramsData), f = new Float32Array(this.paramsData);
    u.fill(0);
    u[0] = this.n; u[1] = p.outcome ?? 0; u[2] = this.parity; u[3] = this.nBlocks;
    u[4] = (p.seed0 ?? 0) >>> 0; u[5] = (p.seed1 ?? 0) >>> 0; u[6] = p.maxiter ?? 0; u[7] = p.postselect === true ? 1 : 0;
    f[8] = this.thresh; f[9] = p.a ?? 0; f[10] = LIKELIHOOD_TOL_F32; u[11] = p.mhalf ?? this.parity;
    const d = this.nP;
    for (let i = 0; i < d; i++) f[12 + i] = p.mu?.[i] ?? 0;
    // mat4x4 is column-major: column c at floats 16 + 4c
    for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) f[16 + 4 * c + r] = p.hS?.[r * d + c] ?? 0;
    for (let i = 0; i < d; i++) {
      f[32 + i] = p.refHi?.[i] ?? 0;
      f[36 + i] = p.refLo?.[i] ?? 0;
    }
    this.ctx.write(this.params, f);
  }

  /** Encodes `entry` over all particles, then the reduction passes with `K` components. */
  private encodeReduced(pass: GPUComputePassEncoder, entry: string, K: number): void {
    pass.setPipeline(this.pipes[entry]!);
    pass.setBindGroup(0, this.main);
    const [gx, gy, gz] = this.grid(this.nBlocks);
    pass.dispatchWorkgroups(gx, gy, gz);
    pass.setPipeline(this.pipes[`reduce${K}`]!);
    for (const lv of this.levels) {
      pass.setBindGroup(0, lv.bind);
      pass.dispatchWorkgroups(...lv.groups);
    }
  }

  private encodeSingle(pass: GPUComputePassEncoder, entry: string): void {
    pass.setPipeline(this.pipes[entry]!);
    pass.setBindGroup(0, this.main);
    pass.dispatchWorkgroups(1);
  }

  private encodeMoments(pass: GPUComputePassEncoder): void {
    this.encodeReduced(pass, 'moments1', this.nP);
    this.encodeSingle(pass, 'meanFinish');
    this.encodeReduced(pass, 'moments2', covarianceComponents(this.nP));
  }

  private readMoments(view: Uint8Array): CloudMoments {
    const fl = new Float32Array(view.buffer, view.byteOffset, view.byteLength / 4);
    const K2 = covarianceComponents(this.nP);
    return {
      S: fl[K2 + SMALL_STATE + 8 * this.parity]!,
      mean: Array.from(fl.subarray(K2 + SMALL_MEAN, K2 + SMALL_MEAN + this.nP)),
      covSums: Array.from(fl.subarray(0, K2)),
    };
  }

  /** Copies `fin` (K2 floats) then `small` into the small staging buffer. */
  private copyMoments(enc: GPUCommandEncoder): number {
    const K2 = covarianceComponents(this.nP);
    enc.copyBufferToBuffer(this.fin, 0, this.stageSmall, 0, K2 * 4);
    enc.copyBufferToBuffer(this.small, 0, this.stageSmall, K2 * 4, SMALL_FLOATS * 4);
    return (K2 + SMALL_FLOATS) * 4;
  }

  /**
   * One datum: weighs, reduces, decides on the device; reads back 32 bytes. Accepts (flips the
   * weight halves) unless a likelihood was invalid or `N = S/n ≤ zeroThresh` without `acceptZero`.
   * With `prepare` and the resample flag set, also runs {@link prepare} (blocks to `onBlocks`).
   */
  async step(args: CloudStepArgs, onBlocks: (blocks: Float32Array) => void): Promise<CloudStepResult> {
    const h = new Float32Array(Math.max(1, this.model.nHostValues));
    if (args.h.length !== this.model.nHostValues) throw new QinferError('ERR_SHAPE', `${args.h.length} host values, the model takes ${this.model.nHostValues}`);
    args.h.forEach((v, i) => (h[i] = v));
    // the posterior mean of the new weights comes back with the step: one round trip per datum
    this.writeParams({ outcome: args.outcome, mhalf: 1 - this.parity });
    this.ctx.write(this.small, h, SMALL_EXP * 4);
    const slot = SMALL_STATE + 8 * (1 - this.parity);
    let r: number[] = [], mean: number[] = [];
    await this.ctx.run(
      (enc) => {
        const pass = enc.beginComputePass();
        this.encodeReduced(pass, 'weigh', 3);
        this.encodeSingle(pass, 'finishStep');
        this.encodeReduced(pass, 'moments1', this.nP);
        this.encodeSingle(pass, 'meanFinish');
        pass.end();
        enc.copyBufferToBuffer(this.small, slot * 4, this.stageSmall, 0, 32);
        enc.copyBufferToBuffer(this.small, SMALL_MEAN * 4, this.stageSmall, 32, 16);
      },
      [{ buffer: this.stageSmall, bytes: 48, read: (v) => {
        const f = new Float32Array(v.buffer, v.byteOffset, 12);
        r = Array.from(f.subarray(0, 8));
        mean = Array.from(f.subarray(8, 8 + this.nP));
      } }],
    );
    const [S, Q, nEss, flag, invalid] = r as [number, number, number, number, number];
    const accepted = invalid === 0 && (S / this.n > args.zeroThresh || args.acceptZero);
    if (accepted) this.parity = 1 - this.parity;
    const result: CloudStepResult = { S, Q, nEss, resampleFlag: flag !== 0, invalid, accepted, mean };
    if (accepted && flag !== 0 && args.prepare) return { ...result, prepared: await this.prepare(onBlocks) };
    return result;
  }

  /** Weighted mean and centred second moments (one submission, a small readback). */
  moments(): Promise<CloudMoments> {
    return this.momentsWith(undefined);
  }

  /** Resampling, first half: per-block weight sums (to `onBlocks`) and the moments, one submission. */
  prepare(onBlocks: (blocks: Float32Array) => void): Promise<CloudMoments> {
    return this.momentsWith(onBlocks);
  }

  private async momentsWith(onBlocks: ((blocks: Float32Array) => void) | undefined): Promise<CloudMoments> {
    this.writeParams({});
    let m: CloudMoments | undefined;
    let bytes = 0;
    const reads: StagedRead[] = [];
    if (onBlocks) reads.push({ buffer: this.stageBlocks, bytes: this.nBlocks * 4, read: (v) => onBlocks(new Float32Array(v.buffer, v.byteOffset, this.nBlocks)) });
    reads.push({ buffer: this.stageSmall, get bytes() { return bytes; }, read: (v) => (m = this.readMoments(v)) });
    await this.ctx.run((enc) => {
      const pass = enc.beginComputePass();
      if (onBlocks) {
        pass.setPipeline(this.pipes['blockSums']!);
        pass.setBindGroup(0, this.main);
        pass.dispatchWorkgroups(...this.grid(this.nBlocks));
      }
      this.encodeMoments(pass);
      pass.end();
      if (onBlocks) enc.copyBufferToBuffer(this.blocks, 0, this.stageBlocks, 0, this.nBlocks * 4);
      bytes = this.copyMoments(enc);
    }, reads);
    return m!;
  }

  /**
   * Resampling, second half: Liu–West on the device from the host's block offsets, the children
   * re-centred on the new reference (offsets from `r + μ`); weights become 1.
   */
  async resample(args: CloudResampleArgs, offsets: Uint32Array): Promise<number[]> {
    if (offsets.length !== this.nBlocks + 1 || offsets[this.nBlocks] !== this.n) {
      throw new QinferError('ERR_RESAMPLER', `block offsets must have ${this.nBlocks + 1} entries ending at ${this.n}`);
    }
    const next = 1 - this.parity;
    this.writeParams({
      seed0: args.seed0, seed1: args.seed1, maxiter: args.maxiter, postselect: args.postselect, a: args.a, mu: args.mu, hS: args.hS, refHi: args.refHi, refLo: args.refLo,
      mhalf: next,
    });
    this.ctx.write(this.offsets, offsets);
    // the children's weights are all 1 (written to the other half): S = Σu² = n_ess = n
    this.ctx.write(this.small, Float32Array.of(this.n, this.n, this.n, 0, 0, 0, 0, 0), (SMALL_STATE + 8 * next) * 4);
    let mean: number[] = [];
    await this.ctx.run(
      (enc) => {
        let pass = enc.beginComputePass();
        pass.setPipeline(this.pipes['resample']!);
        pass.setBindGroup(0, this.main);
        pass.dispatchWorkgroups(...this.grid(this.nBlocks));
        pass.end();
        enc.copyBufferToBuffer(this.xNew, 0, this.x, 0, this.n * this.nP * 4);
        // the new cloud's mean (offsets from the new reference), returned with the resampling
        pass = enc.beginComputePass();
        this.encodeReduced(pass, 'moments1', this.nP);
        this.encodeSingle(pass, 'meanFinish');
        pass.end();
        enc.copyBufferToBuffer(this.small, SMALL_MEAN * 4, this.stageSmall, 0, 16);
      },
      [{ buffer: this.stageSmall, bytes: 16, read: (v) => (mean = Array.from(new Float32Array(v.buffer, v.byteOffset, this.nP))) }],
    );
    this.parity = next;
    return mean;
  }

  /** Replaces the particles (and weights; default all 1). */
  upload(x: Float32Array, u?: Float32Array): void {
    if (x.length !== this.n * this.nP || (u !== undefined && u.length !== this.n)) throw new QinferError('ERR_SHAPE', 'particle or weight upload of the wrong length');
    const w = u ?? new Float32Array(this.n).fill(1);
    let S = 0, Q = 0;
    for (let i = 0; i < this.n; i++) {
      S += w[i]!;
      Q += w[i]! * w[i]!;
    }
    this.ctx.write(this.x, x);
    this.ctx.write(this.w, w, this.parity * this.n * 4);
    this.ctx.write(this.small, Float32Array.of(S, Q, (S * S) / Q, 0, 0, 0, 0, 0), (SMALL_STATE + 8 * this.parity) * 4);
  }

  /** Reads the particles and the current unnormalised weights (`[n·nP]` then `[n]` float32). */
  async download(onData: (x: Float32Array, u: Float32Array) => void): Promise<void> {
    const xb = this.n * this.nP * 4, wb = this.n * 4;
    if (this.stageBig === undefined) {
      const U = this.ctx.usage as unknown as Record<string, number>;
      this.stageBig = this.ctx.buffer(xb + wb, U['MAP_READ']! | U['COPY_DST']!, 'stageBig');
      this.buffers.push(this.stageBig);
    }
    const stage = this.stageBig;
    await this.ctx.run(
      (enc) => {
        enc.copyBufferToBuffer(this.x, 0, stage, 0, xb);
        enc.copyBufferToBuffer(this.w, this.parity * wb, stage, xb, wb);
      },
      [{ buffer: stage, bytes: xb + wb, read: (v) => onData(new Float32Array(v.buffer, v.byteOffset, xb / 4), new Float32Array(v.buffer, v.byteOffset + xb, this.n)) }],
    );
  }

  /** Releases the device buffers. */
  destroy(): void {
    for (const b of this.buffers) b.destroy();
    this.buffers.length = 0;
  }
}
