/// <reference types="@webgpu/types" preserve="true" />
import type { DawnContext } from './DawnContext.js';
import type { DeviceModel } from './deviceModel.js';
import { WORKGROUP_SIZE, dispatchGrid } from './dispatchGrid.js';
import { likelihoodShader } from './likelihoodShader.js';

/** The shape of one likelihood call on the device. */
export interface LikelihoodShape {
  readonly nM: number;
  readonly nP: number;
  readonly nE: number;
  /** Host values per experiment (`NH`). */
  readonly nH: number;
  readonly nO: number;
}

/** A grow-only device buffer with its staging twin (reused across calls). */
interface Slot {
  buf: GPUBuffer | undefined;
  bytes: number;
}

/**
 * The likelihood on the device (GPU host side): uploads float32 particle offsets, host values
 * per experiment and outcomes, dispatches {@link likelihoodShader} and reads `L` back. Calls larger than the
 * device's storage-binding limit are split into particle chunks (one dispatch and readback per
 * chunk). Buffers are kept and grown, never recreated per call.
 */
export class LikelihoodProgram {
  private readonly ctx: DawnContext;
  private readonly slots: Record<'x' | 'e' | 'o' | 'L' | 'stage' | 'dims', Slot> = {
    x: { buf: undefined, bytes: 0 },
    e: { buf: undefined, bytes: 0 },
    o: { buf: undefined, bytes: 0 },
    L: { buf: undefined, bytes: 0 },
    stage: { buf: undefined, bytes: 0 },
    dims: { buf: undefined, bytes: 0 },
  };

  constructor(ctx: DawnContext) {
    this.ctx = ctx;
  }

  private slot(name: keyof LikelihoodProgram['slots'], bytes: number, usage: number): GPUBuffer {
    const s = this.slots[name];
    if (s.buf === undefined || s.bytes < bytes) {
      s.buf?.destroy();
      s.bytes = Math.max(16, Math.ceil(bytes / 256) * 256);
      s.buf = this.ctx.buffer(s.bytes, usage, `likelihood.${name}`);
    }
    return s.buf;
  }

  /** Particles per chunk so that no binding exceeds the device limit. */
  chunkRows(shape: LikelihoodShape): number {
    const lim = this.ctx.info.limits.maxStorageBufferBindingSize;
    const perRow = Math.max(shape.nO * shape.nE, shape.nP) * 4;
    return Math.max(1, Math.min(shape.nM, Math.floor(lim / perRow)));
  }

  /**
   * Computes `L[i, j, k]` (float32) for offsets `x` (`[nM·nP]`), host values `e` (`[nE·nH]`), `outcomes` (`[nO]`) and
   * hands each chunk of `rows` particles to `emit(chunkStart, rows, values)` in order; `values`
   * is `[nO, rows, nE]` and only valid during the call.
   */
  async run(key: string, model: DeviceModel, shape: LikelihoodShape, x: Float32Array, e: Float32Array, outcomes: Uint32Array,
    emit: (start: number, rows: number, values: Float32Array) => void): Promise<void> {
    const { usage } = this.ctx;
    const U = usage as unknown as Record<string, number>;
    const pipe = await this.ctx.pipeline(`lik:${key}`, likelihoodShader(model), 'likelihood');
    const { nM, nP, nE, nH, nO } = shape;
    const rowsMax = this.chunkRows(shape);
    const eBuf = this.slot('e', Math.max(1, nE * nH) * 4, U['STORAGE']! | U['COPY_DST']!);
    this.ctx.write(eBuf, e);
    const oBuf = this.slot('o', nO * 4, U['STORAGE']! | U['COPY_DST']!);
    this.ctx.write(oBuf, outcomes);
    const dims = this.slot('dims', 16, U['UNIFORM']! | U['COPY_DST']!);
    for (let start = 0; start < nM; start += rowsMax) {
      const rows = Math.min(rowsMax, nM - start);
      const total = nO * rows * nE;
      const xBuf = this.slot('x', rows * nP * 4, U['STORAGE']! | U['COPY_DST']!);
      this.ctx.write(xBuf, x.subarray(start * nP, (start + rows) * nP));
      this.ctx.write(dims, Uint32Array.of(rows, nE, nO, 0));
      const LBuf = this.slot('L', total * 4, U['STORAGE']! | U['COPY_SRC']!);
      const stage = this.slot('stage', total * 4, U['MAP_READ']! | U['COPY_DST']!);
      const bind = this.ctx.device.createBindGroup({
        layout: pipe.getBindGroupLayout(0),
        entries: [dims, xBuf, eBuf, oBuf, LBuf].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      const [gx, gy, gz] = dispatchGrid(Math.ceil(total / WORKGROUP_SIZE), this.ctx.info.limits.maxComputeWorkgroupsPerDimension);
      await this.ctx.run(
        (enc) => {
          const pass = enc.beginComputePass();
          pass.setPipeline(pipe);
          pass.setBindGroup(0, bind);
          pass.dispatchWorkgroups(gx, gy, gz);
          pass.end();
          enc.copyBufferToBuffer(LBuf, 0, stage, 0, Math.ceil((total * 4) / 4) * 4);
        },
        [{ buffer: stage, bytes: total * 4, read: (view) => emit(start, rows, new Float32Array(view.buffer, view.byteOffset, total)) }],
      );
    }
  }

  /** Releases the buffers. */
  destroy(): void {
    for (const s of Object.values(this.slots)) {
      s.buf?.destroy();
      s.buf = undefined;
      s.bytes = 0;
    }
  }
}
