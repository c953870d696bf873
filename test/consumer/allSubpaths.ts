// A TypeScript consumer of the installed package (test/package.test.ts copies it into a fresh
// project and type-checks it under strict + skipLibCheck: false). Every subpath is imported, and
// the types that used to degrade silently (ndarray results, GPU buffers, vega specs) are checked
// to be exact, not `any`.
import * as core from 'qinfer-rx';
import * as pool from 'qinfer-rx/pool';
import * as plot from 'qinfer-rx/plot';
import * as gpu from 'qinfer-rx/gpu';
import * as cluster from 'qinfer-rx/cluster';
import * as cli from 'qinfer-rx/cli';
import pkg from 'qinfer-rx/package.json' with { type: 'json' };

type IsAny<T> = 0 extends 1 & T ? true : false;
type NotAny<T> = IsAny<T> extends true ? never : T;
function exact<T>(value: NotAny<T>): T {
  return value;
}

const model = new core.SimplePrecessionModel();
const L = model.likelihood(Int32Array.of(0, 1), new Float64Array([0.1, 0.5]), core.ExpParams.scalar([1, 2]));
const data: Float64Array = exact<typeof L.data>(L.data);
const shape: number[] = exact<typeof L.shape>(L.shape);
const updater = new core.SMCUpdater(model, 100, new core.UniformDistribution([0, 1]), { rng: 1 });
const label: string = exact(core.modelparamLabel(model, 0));
const interval: { lo: number; hi: number } = exact(core.credibleInterval(updater, 0, 0.9));

const createPool: (options?: pool.PoolOptions) => pool.Pool = exact(pool.createPool);
const spec: plot.VegaLiteSpec = exact(plot.bayesRiskChart([{ label: 'run', risk: [0.1, 0.01] }]));
const render: (s: plot.VegaLiteSpec) => Promise<string> = exact(plot.renderVegaLiteSvg);
const gpuFactory = exact(gpu.gpuBackend);
const probe: () => Promise<gpu.GpuProbe> = exact(gpu.probeGpu);
const backend = exact(cluster.clusterBackend);
const runCli: (argv: readonly string[], io: cli.CliIo) => Promise<number> = exact(cli.runCli);
const version: string = exact(pkg.version);

export const used = [data, shape, label, interval, createPool, spec, render, gpuFactory, probe, backend, runCli, version];
