/**
 * Entry point of the GPU host process (started by {@link GpuHost}; not imported by library
 * code). It owns Dawn: a native crash or hang here kills or stalls only this process, which the
 * client turns into an `ERR_GPU` error. Control messages arrive over Node's IPC channel; bulk
 * data goes through the shared file named in `argv[2]`. Requests are served one at a time.
 */
import { toWireError } from '../boundary/wireError.js';
import { QinferError } from '../errors/QinferError.js';
import { DawnContext } from './DawnContext.js';
import { LikelihoodProgram } from './LikelihoodProgram.js';
import { ResidentCloud } from './ResidentCloud.js';
import { BatchEngine } from './batch/BatchEngine.js';
import type { BatchCreateArgs, BatchStepArgs } from './batch/batchProtocol.js';
import { SharedFile, type Segment } from './SharedFile.js';
import type {
  CloudCreateArgs, CloudResampleArgs, CloudStepArgs, GpuFaultKind, HostReply, HostRequest, InitResult, LikelihoodArgs,
} from './hostProtocol.js';

const file = SharedFile.open(process.argv[2]!);
let ctx: DawnContext | null | undefined;
let likelihood: LikelihoodProgram | undefined;
const clouds = new Map<number, ResidentCloud>();
const batches = new Map<number, BatchEngine>();
let chain: Promise<void> = Promise.resolve();
let armed: GpuFaultKind | undefined;

function send(reply: HostReply): void {
  process.send?.(reply);
}

/** Reads segment `seg` into an aligned scratch copy and returns it as the given typed array. */
function input<T extends Float32Array | Uint32Array>(seg: Segment, Ctor: { new (b: ArrayBuffer, o: number, n: number): T }): T {
  const buf = new ArrayBuffer(Math.ceil(seg.bytes / 4) * 4);
  file.read(seg, new Uint8Array(buf));
  return new Ctor(buf, 0, seg.bytes / 4);
}

function device(): DawnContext {
  if (!ctx) throw new QinferError('ERR_GPU_UNAVAILABLE', 'no WebGPU adapter in the GPU host');
  return ctx;
}


function cloud(id: number): ResidentCloud {
  const c = clouds.get(id);
  if (c === undefined) throw new QinferError('ERR_GPU', `no resident cloud ${id} in this GPU host`);
  return c;
}

function fault(kind: GpuFaultKind): void {
  switch (kind) {
    case 'exit':
      process.exit(70);
    // eslint-disable-next-line no-fallthrough
    case 'abort':
      process.abort();
    // eslint-disable-next-line no-fallthrough
    case 'segfault':
      process.kill(process.pid, 'SIGSEGV');
      return;
    case 'hang':
      for (;;) {
        // a native hang: never returns to the event loop
      }
  }
}

async function handle(req: HostRequest): Promise<{ result: unknown; out?: Segment }> {
  if (armed !== undefined && req.op !== 'init') fault(armed);
  switch (req.op) {
    case 'init': {
      if (ctx === undefined) ctx = await DawnContext.create({ forceGc: (req.args as { forceGc?: boolean }).forceGc });
      const r: InitResult = ctx ? { available: true, info: ctx.info } : { available: false, reason: 'requestAdapter() returned null' };
      return { result: r };
    }
    case 'likelihood': {
      const a = req.args as LikelihoodArgs;
      const c = device();
      likelihood ??= new LikelihoodProgram(c);
      const x = input(req.segs[0]!, Float32Array), e = input(req.segs[1]!, Float32Array), o = input(req.segs[2]!, Uint32Array);
      const { nM, nE, nO } = a;
      const shape = { nM, nP: a.model.nModelparams, nE, nH: Math.max(1, a.model.nHostValues), nO };
      await likelihood.run(a.model.key, a.model, shape, x, e, o, (start, rows, values) => {
        for (let i = 0; i < nO; i++) {
          file.write([values.subarray(i * rows * nE, (i + 1) * rows * nE)], (i * nM * nE + start * nE) * 4);
        }
      });
      return { result: null, out: { offset: 0, bytes: nO * nM * nE * 4 } };
    }
    case 'cloudCreate': {
      const a = req.args as CloudCreateArgs;
      clouds.get(a.cloud)?.destroy();
      const x = input(req.segs[0]!, Float32Array);
      const u = req.segs[1] === undefined ? undefined : input(req.segs[1], Float32Array);
      clouds.set(a.cloud, await ResidentCloud.create(device(), a.model.key, a.model, a.n, a.resampleThresh, x, u));
      return { result: null };
    }
    case 'cloudStep': {
      const a = req.args as CloudStepArgs;
      let out: Segment | undefined;
      const r = await cloud(a.cloud).step(a, (blocks) => (out = file.write([blocks])[0]));
      return { result: r, out };
    }
    case 'cloudPrepare': {
      let out: Segment | undefined;
      const r = await cloud((req.args as { cloud: number }).cloud).prepare((blocks) => (out = file.write([blocks])[0]));
      return { result: r, out };
    }
    case 'cloudMoments':
      return { result: await cloud((req.args as { cloud: number }).cloud).moments() };
    case 'cloudResample': {
      const a = req.args as CloudResampleArgs;
      const mean = await cloud(a.cloud).resample(a, input(req.segs[0]!, Uint32Array));
      return { result: { mean } };
    }
    case 'cloudDownload': {
      let out: Segment | undefined;
      let segs: Segment[] = [];
      await cloud((req.args as { cloud: number }).cloud).download((x, u) => {
        segs = file.write([x, u]);
        out = { offset: 0, bytes: segs[1]!.offset + segs[1]!.bytes };
      });
      return { result: { x: segs[0], u: segs[1] }, out };
    }
    case 'cloudUpload': {
      const c = cloud((req.args as { cloud: number }).cloud);
      c.upload(input(req.segs[0]!, Float32Array), req.segs[1] === undefined ? undefined : input(req.segs[1], Float32Array));
      await device().run(() => {});
      return { result: null };
    }
    case 'cloudDestroy': {
      const id = (req.args as { cloud: number }).cloud;
      clouds.get(id)?.destroy();
      clouds.delete(id);
      return { result: null };
    }
    case 'batchCreate': {
      const a = req.args as BatchCreateArgs;
      batches.get(a.batch)?.destroy();
      const x = input(req.segs[0]!, Float32Array), seeds = input(req.segs[1]!, Uint32Array);
      batches.set(a.batch, await BatchEngine.create(device(), a.model.key, a.model, a.K, a.n, a.settings, x, seeds));
      return { result: null };
    }
    case 'batchStep':
    case 'batchPgh': {
      const a = req.args as BatchStepArgs;
      const b = batches.get(a.batch);
      if (b === undefined) throw new QinferError('ERR_GPU', `no batch ${a.batch} in this GPU host`);
      let out: Segment | undefined;
      const emit = (rows: Float32Array): void => void (out = file.write([rows])[0]);
      if (req.op === 'batchStep') await b.step(a.step, input(req.segs[0]!, Float32Array), a.stop, emit);
      else await b.pgh(a.step, a.stop, emit);
      return { result: null, out };
    }
    case 'batchDestroy': {
      const id = (req.args as { batch: number }).batch;
      batches.get(id)?.destroy();
      batches.delete(id);
      return { result: null };
    }
    default:
      throw new QinferError('ERR_GPU', `unknown GPU host operation '${req.op}'`);
  }
}

function shutdown(code: number): void {
  for (const c of clouds.values()) c.destroy();
  clouds.clear();
  for (const b of batches.values()) b.destroy();
  batches.clear();
  likelihood?.destroy();
  if (ctx) ctx.destroy();
  file.close();
  process.exitCode = code;
  // let the reply flush, then leave even if Dawn keeps handles open
  setTimeout(() => process.exit(code), 20).unref();
  process.disconnect?.();
}

process.on('message', (req: HostRequest) => {
  if (req.op === 'close') {
    chain = chain.then(() => {
      send({ id: req.id, ok: true, result: null });
      shutdown(0);
    });
    return;
  }
  if (req.op === 'fault') {
    // armed now, fired inside the next request: a crash or hang in the middle of GPU work
    armed = (req.args as { kind: GpuFaultKind }).kind;
    return;
  }
  chain = chain.then(async () => {
    try {
      const { result, out } = await handle(req);
      send(out === undefined ? { id: req.id, ok: true, result } : { id: req.id, ok: true, result, out });
    } catch (e) {
      send({ id: req.id, ok: false, error: toWireError(e) });
    }
  });
});
process.on('disconnect', () => shutdown(0));
