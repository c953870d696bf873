/**
 * qinfer-rx: Bayesian parameter estimation by sequential Monte Carlo as RxJS pipelines.
 * The one barrel of the core; heavy optional parts have their own subpaths
 * (`qinfer-rx/pool`, `qinfer-rx/gpu`, `qinfer-rx/cluster`, `qinfer-rx/plot`, `qinfer-rx/cli`) so that
 * importing the core never loads piscina, Dawn, ioredis or vega, and the core bundles for a
 * browser with no Node polyfills.
 *
 * @module qinfer-rx
 */

// --- errors, randomness, experiments (core) ---
export { QinferError, QinferArgumentError, isQinferError } from './errors/QinferError.js';
export type { QinferErrorCode, QinferErrorOptions } from './errors/QinferError.js';
export { ignoreWarnings } from './errors/warn.js';
export type { QinferWarning, WarningSink } from './errors/warn.js';
export { abortError } from './errors/abortError.js';
export { importOptionalPeers, isModuleNotFound, missingPeerError } from './errors/optionalPeer.js';
export { Rng, toRng } from './rng/Rng.js';
export type { RngLike } from './rng/Rng.js';
export { fillNormalZiggurat } from './rng/normalZiggurat.js';
export { deriveSeed } from './rng/deriveSeed.js';
export { ExpParams, SCALAR_SCHEMA, SCALAR_KEY, recordSchema } from './expparams/ExpParams.js';
export type { ExpSchema, FieldSpec, FieldType, ExpParamsData, ExpRecord } from './expparams/ExpParams.js';
export { toRowMajor, matrix } from './util/particles.js';
export type { Matrix, ParticlesLike, RowMajor } from './util/particles.js';
export { symmetricEigen, sqrtmPsd } from './util/symmetricEigen.js';
export { cholesky } from './util/cholesky.js';
export { inverseSymmetric } from './util/inverseSymmetric.js';
export { robustSqrtmPsd } from './util/robustSqrtmPsd.js';
export type { RobustSqrtm, SqrtmFallback } from './util/robustSqrtmPsd.js';
export { logFactorial } from './util/logFactorial.js';
export { checkCount } from './util/checkCount.js';
export { checkMemory, checkMemoryLimit, DEFAULT_MEMORY_LIMIT, formatBytes, likelihoodBytes, particleCloudBytes } from './util/memoryBudget.js';
export { compensatedDot, neumaierError } from './util/compensatedSum.js';
export { centeredCovariance, weightedMean } from './util/weightedMoments.js';
export { isPromiseLike, thenMaybe } from './util/maybePromise.js';
export { heapFloat64 } from './util/allocate.js';
export type { Float64Allocator } from './util/allocate.js';
export type { MaybePromise } from './util/maybePromise.js';
export { formatUncertainty, powerOfTen } from './util/formatUncertainty.js';

// --- models ---
export type { Model, ModelSpec, OutcomesLike, DifferentiableModel, CosSquaredForm } from './models/Model.js';
export { FiniteOutcomeModel, toOutcomes } from './models/FiniteOutcomeModel.js';
export { TwoOutcomeModel } from './models/TwoOutcomeModel.js';
export { pr0ToLikelihoodArray } from './models/pr0ToLikelihoodArray.js';
export { SimplePrecessionModel } from './models/SimplePrecessionModel.js';
export type { SimplePrecessionOptions } from './models/SimplePrecessionModel.js';
export { SimpleInversionModel } from './models/SimpleInversionModel.js';
export type { SimpleInversionOptions } from './models/SimpleInversionModel.js';
export { UnknownT2Model } from './models/UnknownT2Model.js';
export { MultiCosModel } from './models/MultiCosModel.js';
export { CoinModel } from './models/CoinModel.js';
export { NoisyCoinModel } from './models/NoisyCoinModel.js';
export { NDieModel } from './models/NDieModel.js';
export type { NDieOptions } from './models/NDieModel.js';
export { DerivedModel } from './models/DerivedModel.js';
export { BinomialModel } from './models/BinomialModel.js';
export { RandomWalkModel } from './models/RandomWalkModel.js';
export { CostlyModel } from './models/CostlyModel.js';
export type { CostlyModelOptions } from './models/CostlyModel.js';
export { RandomizedBenchmarkingModel } from './models/RandomizedBenchmarkingModel.js';
export type { RandomizedBenchmarkingOptions } from './models/RandomizedBenchmarkingModel.js';
export { rbFidelity, rbDepolarizing } from './models/rbFidelity.js';
export { DifferentiableBinomialModel } from './models/DifferentiableBinomialModel.js';
export { MultinomialModel } from './models/MultinomialModel.js';
export { multinomialIndex, multinomialCounts, multinomialOutcomeCount } from './models/multinomialOutcomes.js';
export { GaussianHyperparameterizedModel } from './models/GaussianHyperparameterizedModel.js';
export type { ReadoutBins } from './models/GaussianHyperparameterizedModel.js';
export { PoisonedModel, poisonLikelihoods } from './models/PoisonedModel.js';
export type { PoisonedOptions } from './models/PoisonedModel.js';
export { GaussianRandomWalkModel } from './models/GaussianRandomWalkModel.js';
export type { GaussianRandomWalkOptions } from './models/GaussianRandomWalkModel.js';
export { PoissonCountModel } from './models/PoissonCountModel.js';
export type { PoissonCountOptions } from './models/PoissonCountModel.js';
export { ExtendedParamsModel } from './models/ExtendedParamsModel.js';
export { poissonPmf } from './models/poissonPmf.js';
export { binomialPmf } from './models/binomialPmf.js';
export { fisherInformationFromScore } from './models/fisherInformation.js';
export { registerBuiltinModels } from './models/registerBuiltinModels.js';
export { unicodeName, formatUnit, modelparamLabel } from './models/modelparamLabel.js';
export type { ModelparamLabelOptions } from './models/modelparamLabel.js';

// --- distributions ---
export type { Distribution, DistributionSpec } from './distributions/Distribution.js';
export { UniformDistribution } from './distributions/UniformDistribution.js';
export { NormalDistribution } from './distributions/NormalDistribution.js';
export type { TruncationBounds } from './distributions/NormalDistribution.js';
export { MultivariateNormalDistribution } from './distributions/MultivariateNormalDistribution.js';
export { ConstantDistribution } from './distributions/ConstantDistribution.js';
export { ProductDistribution } from './distributions/ProductDistribution.js';
export { PostselectedDistribution } from './distributions/PostselectedDistribution.js';
export { requireSpec } from './distributions/requireSpec.js';
export { erfc, normalCdf, normalPdf, normalQuantile } from './distributions/normalCdf.js';
export { truncatedStandardNormal } from './distributions/truncatedStandardNormal.js';
export { BetaDistribution } from './distributions/BetaDistribution.js';
export type { BetaParams } from './distributions/BetaDistribution.js';
export type { ShapeOrMoments } from './distributions/shapeParams.js';
export { GammaDistribution } from './distributions/GammaDistribution.js';
export type { GammaParams } from './distributions/GammaDistribution.js';
export { LogNormalDistribution } from './distributions/LogNormalDistribution.js';
export type { LogNormalParams } from './distributions/LogNormalDistribution.js';
export { DiscreteUniformDistribution } from './distributions/DiscreteUniformDistribution.js';
export { BetaBinomialDistribution } from './distributions/BetaBinomialDistribution.js';
export type { BetaBinomialParams } from './distributions/BetaBinomialDistribution.js';
export { MixtureDistribution } from './distributions/MixtureDistribution.js';
export type { MixtureOptions } from './distributions/MixtureDistribution.js';
export { isDifferentiableDistribution } from './distributions/DifferentiableDistribution.js';
export type { DifferentiableDistribution } from './distributions/DifferentiableDistribution.js';
export { logGammaVariate } from './distributions/logGammaVariate.js';
export { betaVariate } from './distributions/betaVariate.js';
export { binomialVariate } from './distributions/binomialVariate.js';
export { poissonVariate } from './distributions/poissonVariate.js';
export { registerBuiltinDistributions } from './distributions/registerBuiltinDistributions.js';

// --- SMC updater, resampling ---
export { ParticleDistribution } from './smc/ParticleDistribution.js';
export { SMCDesignQuantities } from './smc/SMCDesignQuantities.js';
export { SMCUpdater } from './smc/SMCUpdater.js';
export { SMCUpdaterBCRB } from './smc/SMCUpdaterBCRB.js';
export type { SMCUpdaterBCRBOptions } from './smc/SMCUpdaterBCRB.js';
export type { SMCUpdaterOptions } from './smc/SMCUpdaterOptions.js';
export { isHostUpdater } from './smc/Updater.js';
export type { HostUpdater, PosteriorEstimates, ResampleRequest, Updater, UpdateResult } from './smc/Updater.js';
export {
  checkDatum, checkResampleThresh, DEFAULT_RESAMPLE_THRESH, DEFAULT_ZERO_WEIGHT_THRESH, logTotalLikelihood, needsResample, resolveUpdatePolicy,
  SMALL_NESS, warnClippedLikelihood, warnIfSmallNEss, warnResampleWithoutData, ZERO_WEIGHT_POLICIES, zeroWeightAction,
} from './smc/updatePolicy.js';
export type { UpdatePolicy, UpdatePolicyOptions, ZeroWeightAction, ZeroWeightPolicy } from './smc/updatePolicy.js';
export { chooseExperiment, experimentChooser, localLikelihood, resampleStep, stepEstimates, updateStep } from './smc/estimationStep.js';
export type { ExperimentSource } from './smc/estimationStep.js';
export { checkTrueParams, SimulatedSystem } from './smc/SimulatedSystem.js';
export { modelError } from './models/modelError.js';
export type { SystemStreams } from './smc/SimulatedSystem.js';
export { smcUpdaterFactory } from './smc/updaterFactory.js';
export type { UpdaterArgs, UpdaterFactory } from './smc/updaterFactory.js';
export { EPS, LIKELIHOOD_TOLERANCE } from './smc/constants.js';
export { hypotheticalUpdate, bayesRisk, expectedInformationGain } from './smc/designQuantities.js';
export { designByOutcomeSampling, designByOutcomeEnumeration } from './smc/outcomeDesignQuantities.js';
export type { SampledDesign, OutcomeSamplingOptions, EnumeratedDesign, OutcomeEnumerationOptions } from './smc/outcomeDesignQuantities.js';
export type { HypotheticalUpdate } from './smc/designQuantities.js';
export { posteriorMarginal, gaussianFilter1d } from './smc/posteriorMarginal.js';
export type { PosteriorMarginalOptions } from './smc/posteriorMarginal.js';
export { credibleInterval } from './smc/credibleInterval.js';
export type { WeightedCloud } from './smc/credibleInterval.js';
export { kdeBandwidth } from './smc/kdeBandwidth.js';
export type { Resampler, ResampleOptions, ResampledCloud } from './resamplers/Resampler.js';
export { LiuWestResampler, liuWestKernelWidth, liuWestParameters } from './resamplers/LiuWestResampler.js';
export type { LiuWestOptions, LiuWestParameters } from './resamplers/LiuWestResampler.js';
export { sortedUniforms, multinomialParents } from './resamplers/sortedUniforms.js';
export { MultinomialGuide } from './resamplers/multinomialGuide.js';

// --- estimates from measured counts (QInfer's simple_est) ---
export { simpleEstPrec, simpleEstRb, simpleEstFromCounts } from './estimation/simpleEst.js';
export type { SimpleEstOptions, SimpleEstimate, RbEstimate } from './estimation/simpleEst.js';
export { countsTable } from './estimation/countsData.js';
export type { CountsData, CountsRecord, CountsTable } from './estimation/countsData.js';

// --- credible regions ---
export { convexHull, ConvexHullRegion, HULL_TOLERANCE } from './regions/ConvexHullRegion.js';
export { hullDistance } from './regions/hullDistance.js';
export { mvee, mveeAwaySteps, quadForm } from './regions/mvee.js';
export type { MveeResult } from './regions/mvee.js';
export { EllipsoidRegion, minimumVolumeEllipsoid, inEllipsoid, ELLIPSOID_TOLERANCE } from './regions/EllipsoidRegion.js';
export type { MinimumVolumeEllipsoidOptions } from './regions/EllipsoidRegion.js';
export { regionEstHull, regionEstEllipsoid, inCredibleRegion } from './regions/credibleRegions.js';
export type { CredibleRegionOptions, CredibleRegionMethod } from './regions/credibleRegions.js';
export { chiSquareCdf, chiSquareQuantile } from './regions/chiSquareQuantile.js';

// --- heuristics ---
export type { Heuristic, HeuristicSpec } from './heuristics/Heuristic.js';
export { ExpSparseHeuristic } from './heuristics/ExpSparseHeuristic.js';
export type { ExpSparseOptions } from './heuristics/ExpSparseHeuristic.js';
export { PGH } from './heuristics/PGH.js';
export type { PGHOptions, SamplingPosterior } from './heuristics/PGH.js';
export { EnsembleHeuristic } from './heuristics/EnsembleHeuristic.js';
export { registerBuiltinHeuristics } from './heuristics/registerBuiltinHeuristics.js';

// --- registry ---
export { checkParamNames, Registry } from './registry/Registry.js';
export type { ModelFactory, DistributionFactory, HeuristicFactory, RegistrationOptions, RegistryKind } from './registry/Registry.js';
export { builtInRegistry } from './registry/builtInRegistry.js';

// --- backends ---
export type { LikelihoodBackend, LikelihoodRequest, LikelihoodCallOptions } from './backends/LikelihoodBackend.js';
export { serialBackend } from './backends/serialBackend.js';
export { backendLikelihood, checkBackendLikelihood, likelihoodRequest } from './backends/backendLikelihood.js';
export { webWorkerBackend } from './webworker/webWorkerBackend.js';
export type { WebWorkerBackend, WebWorkerBackendOptions } from './webworker/webWorkerBackend.js';
export { serveLikelihood } from './webworker/serveLikelihood.js';
export type { WorkerLike, WorkerScopeLike, WorkerLikelihoodTask, WorkerLikelihoodReply } from './webworker/webWorkerProtocol.js';
export type { EngineView, Chunk, SimulationRequest, SimulationChunk } from './backends/EngineView.js';
export { autoBackend, formatAutoTable } from './backends/autoBackend.js';
export type { AutoBackend, AutoBackendOptions, AutoTable } from './backends/autoBackend.js';

// --- performance testing ---
export type { TrialSpec, TrialResult, TrialApply, UpdaterOptionsSpec } from './perf/TrialSpec.js';
export { runTrial } from './perf/runTrial.js';
export { TrialRun } from './perf/TrialRun.js';
export type { TrialRunOptions, TrialRunUpdaterOptions } from './perf/TrialRun.js';
export { estimateTrialBytes, trialSetup } from './perf/trialSetup.js';
export type { TrialSetup } from './perf/trialSetup.js';
export { TRIAL_STREAMS } from './rng/trialStreams.js';
export type { PerfRecord } from './perf/PerfRecord.js';
export { perfLoss, rightAlignedDelta } from './perf/perfLoss.js';
export { perfRecordBytes, perfRecordDtype, perfRecordLayout, experimentFields } from './perf/perfRecordDtype.js';
export type { PerfField, PerfFieldType, PerfRecordLayout } from './perf/perfRecordDtype.js';
export { trialSpec, checkPerfTestOptions } from './perf/PerfTestOptions.js';
export type { PerfTestOptions } from './perf/PerfTestOptions.js';
export { perfTest } from './perf/perfTest.js';
export type { PerfTestRunOptions } from './perf/perfTest.js';
export { isInfrastructureFailure, perfTestMultiple } from './perf/perfTestMultiple.js';
export type { PerfRunOptions } from './perf/perfTestMultiple.js';
export type { PerfProgress } from './perf/PerfProgress.js';
export { runTrialSliced, SERIAL_SLICE_MS, serialApply } from './perf/serialApply.js';
export { backendTrialApply, runTrialOn } from './perf/backendTrialApply.js';
export { runTrialAsync, updaterTrialApply } from './perf/updaterTrialApply.js';
export { isTrialFailure } from './perf/TrialFailure.js';
export type { TrialFailure, TrialOutcome } from './perf/TrialFailure.js';
export { PerformanceTable, sortedQuantile } from './perf/PerformanceTable.js';
export type { PerfTableLayout, PerfColumn, PerfSummary } from './perf/PerformanceTable.js';
export { toPerformanceTable } from './perf/toPerformanceTable.js';
export { performanceTableToJSON, performanceTableToCSV, csvHeader, failureData } from './perf/exportPerformanceTable.js';
export type { PerformanceTableJSON, PerfFailureData } from './perf/exportPerformanceTable.js';

// --- reactive operators (operators/) ---
export type { EstimationStep, Datum } from '../operators/EstimationStep.js';
export { experiment } from '../operators/experiment.js';
export { simulate } from '../operators/simulate.js';
export { likelihood } from '../operators/likelihood.js';
export { parallel } from '../operators/parallel.js';
export type { LikelihoodScheduler } from '../operators/parallel.js';
export { update } from '../operators/update.js';
export { resample } from '../operators/resample.js';
export type { ResampleOperatorOptions } from '../operators/resample.js';
export { posterior } from '../operators/posterior.js';
export type { PosteriorSnapshot, SnapshotMode } from '../operators/posterior.js';
export { estimate } from '../operators/estimate.js';
export type { EstimateOptions } from '../operators/estimate.js';
export { fromInstrument } from '../operators/fromInstrument.js';
export type { FromInstrumentOptions } from '../operators/fromInstrument.js';
export { bayesStages } from '../operators/bayesStages.js';
export type { BayesStageOptions } from '../operators/bayesStages.js';
