import type { ModelSpec } from '../../models/Model.js';
import type { TrialApply } from '../../perf/TrialSpec.js';
import type { Registry } from '../../registry/Registry.js';

/** What a `--backend` resolves to: where trials run, and how to release it afterwards. */
export interface CliBackend {
  /** Runs one trial (see `TrialApply`). */
  readonly apply: TrialApply;
  /** Trials in flight when `--concurrency` is not given (e.g. twice the worker count). Default 1. */
  readonly concurrency?: number;
  /**
   * Most trials that run at once on this machine, holding their memory (the worker count of a
   * pool, whose further trials in flight only wait in its queue); default: all trials in flight.
   * The run's memory check counts this many.
   */
  readonly running?: number;
  /** One line shown before the run, e.g. `pool: 8 worker threads`. */
  readonly description: string;
  /** Releases workers, devices or connections; the CLI awaits it before exiting. */
  close(): Promise<void>;
  /** True when trials run on other machines (cluster engines): their memory is not this machine's. */
  readonly remote?: boolean;
}

/** What a backend factory receives from the CLI. */
export interface CliBackendContext {
  /** Where models, priors and heuristics are built from their names. */
  readonly registry: Registry;
  /** `--backend-opt key=value` pairs (values parsed as JSON when they parse); check them with `checkBackendOptions`. */
  readonly options: Readonly<Record<string, unknown>>;
  /** `--concurrency`, when given. */
  readonly concurrency?: number;
  /** Writes one line to the user (stderr). */
  readonly log: (line: string) => void;
  /** The model of the run (backends that measure, like `auto`, measure it). */
  readonly model?: ModelSpec;
  /**
   * The user model modules of `--models`, resolved (`resolveModelModules`) and already loaded
   * into `registry`: a backend whose workers rebuild models loads them there too.
   */
  readonly modules?: readonly string[];
  /** Bytes one trial may allocate on this machine (`--memory-limit`). */
  readonly memoryLimit?: number;
}

/** Creates a backend; throw `QinferArgumentError` for bad `--backend-opt` values. */
export type CliBackendFactory = (context: CliBackendContext) => Promise<CliBackend>;
