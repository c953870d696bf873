/// <reference types="@webgpu/types" />
import { QinferError, type LikelihoodBackend, type LikelihoodRequest } from '../../src/index.js';

/**
 * cos²(ω t / 2) for every particle × experiment, in float32 on the device. The phase is split as
 * (ω − ω̄)·t/2 + (ω̄·t/2 mod π): the large part, reduced in float64 on the host, stays exact; the
 * small part is what float32 computes. (A float32 product ω·t alone loses the phase at the long
 * times that ExpSparse reaches: at t = 1e5 one float32 ulp of ω·t/2 is ~2e-3 rad.)
 */
const SHADER = /* wgsl */ `
struct Dims { nM: u32, nE: u32 };
@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> delta: array<f32>;
@group(0) @binding(2) var<storage, read> halfTimes: array<f32>;
@group(0) @binding(3) var<storage, read> phase: array<f32>;
@group(0) @binding(4) var<storage, read_write> pr0: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  if (i >= dims.nM * dims.nE) { return; }
  let k = i % dims.nE;
  let c = cos(delta[i / dims.nE] * halfTimes[k] + phase[k]);
  pr0[i] = c * c;
}`;

/**
 * A WebGPU likelihood backend of the page, for SimplePrecessionModel only (the model the
 * dashboard runs): `Pr(0 | ω; t) = cos²(ωt/2)` in float32 on the device, `1 − Pr(0)` for outcome 1.
 * float32 is not float64: the posterior agrees with the CPU one to the float32 tolerance, not bit
 * for bit (the library's own GPU backend, `qinfer-rx/gpu`, runs Dawn in Node and states its
 * tolerance). Resolves to `undefined` where the browser has no WebGPU adapter.
 */
export async function webgpuBackend(): Promise<(LikelihoodBackend & { readonly adapter: string }) | undefined> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (gpu === undefined) return undefined;
  const adapter = await gpu.requestAdapter();
  if (adapter === null) return undefined;
  const device = await adapter.requestDevice();
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: SHADER }), entryPoint: 'main' } });
  const info = adapter.info;
  let closed = false;
  return {
    name: 'webgpu',
    adapter: [info.vendor, info.architecture, info.description].filter((s) => s !== '').join(' ') || 'WebGPU adapter',
    async likelihood(req: LikelihoodRequest, options = {}): Promise<Float64Array> {
      if (closed) throw new QinferError('ERR_CLOSED', 'webgpu backend used after close()');
      if (req.model.name !== 'SimplePrecessionModel') throw new QinferError('ERR_UNKNOWN_MODEL', `this page's WebGPU kernel computes SimplePrecessionModel only, got ${req.model.name}`);
      req.model.likelihood(req.outcomes, new Float64Array(0), req.expparams); // validates outcomes and experiments
      const eps = req.expparams, t = eps.isScalar ? eps.values() : eps.field('t');
      const nM = req.nModels, nE = t.length, n = nM * nE, nO = req.outcomes.length;
      let mean = 0;
      for (let j = 0; j < nM; j++) mean += req.x[j]! / nM;
      const delta = new Float32Array(nM), halfTimes = new Float32Array(nE), phase = new Float32Array(nE);
      for (let j = 0; j < nM; j++) delta[j] = req.x[j]! - mean;
      for (let k = 0; k < nE; k++) {
        halfTimes[k] = t[k]! / 2;
        phase[k] = ((mean * t[k]!) / 2) % Math.PI; // cos² has period π
      }
      const buffer = (data: Float32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>, usage: number): GPUBuffer => {
        const b = device.createBuffer({ size: Math.max(16, data.byteLength), usage: usage | GPUBufferUsage.COPY_DST });
        device.queue.writeBuffer(b, 0, data);
        return b;
      };
      const dims = buffer(Uint32Array.of(nM, nE, 0, 0), GPUBufferUsage.UNIFORM);
      const inputs = [delta, halfTimes, phase].map((a) => buffer(a, GPUBufferUsage.STORAGE));
      const out = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
      const read = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const bind = device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [dims, ...inputs, out].map((b, binding) => ({ binding, resource: { buffer: b } })),
      });
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bind);
      pass.dispatchWorkgroups(Math.ceil(n / 64));
      pass.end();
      enc.copyBufferToBuffer(out, 0, read, 0, n * 4);
      device.queue.submit([enc.finish()]);
      await read.mapAsync(GPUMapMode.READ);
      const pr0 = new Float32Array(read.getMappedRange().slice(0));
      read.unmap();
      for (const b of [dims, ...inputs, out, read]) b.destroy();
      if (options.signal?.aborted) throw new QinferError('ERR_ABORTED', 'likelihood call aborted');
      const L = options.out !== undefined && options.out.length === nO * n ? options.out : new Float64Array(nO * n);
      for (let i = 0; i < nO; i++) {
        const o = req.outcomes[i]!;
        for (let k = 0; k < n; k++) L[i * n + k] = o === 0 ? pr0[k]! : 1 - pr0[k]!;
      }
      return L;
    },
    async close() {
      closed = true;
      device.destroy();
    },
  };
}
