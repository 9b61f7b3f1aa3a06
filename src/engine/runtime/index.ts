// Runtime: ORT sessions on one execution provider, the measured `auto` choice, the Trainer, deterministic batches. See README.md.
export {
  openSession,
  availableProviders,
  missingReason,
  ortReason,
  resolveThreads,
  type SessionSettings,
  type OpenedSession,
} from './session';
export {
  PROVIDER_SETTINGS,
  AUTO_CANDIDATES,
  ProviderUnavailableError,
  describeDecision,
  describeChosen,
  isProviderSetting,
  isProvider,
  isProviderDecision,
  type Provider,
  type ProviderSetting,
  type ProviderCandidate,
  type ProviderDecision,
} from './providers';
export { chooseProvider, decide, cacheKey, providerCacheDir, WARMUP_DROP_FACTOR, type Measurement } from './provider-choice';
export { Trainer, type TrainerConfig, type TrainOptions, type TrainResult, type Progress } from './trainer';
export { BatchSampler, datasetBatchSource, type BatchSource } from './batches';
