// Runtime: ORT sessions with execution-provider fallback, the Trainer, deterministic batches. See README.md.
export { openSession, providerChain, availableProviders, type Provider, type ProviderSetting, type SessionSettings, type OpenedSession } from './session';
export { Trainer, type TrainerConfig, type TrainOptions, type TrainResult, type Progress } from './trainer';
export { BatchSampler, datasetBatchSource, type BatchSource } from './batches';
