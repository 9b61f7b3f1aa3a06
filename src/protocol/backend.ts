// The typed protocol between the extension host (or CLI) and the backend process.
// One table (BackendMethods) maps each method to its params, result and progress types, so a request's
// result and progress callbacks are typed at the call site and the backend's handler table must match it.
// Messages are plain structured-clone values sent over Node's IPC channel ('advanced' serialization, so
// typed arrays can travel later without base64 round trips).

/** Bump when a message shape changes incompatibly; the backend reports it in `version`. */
export const PROTOCOL_VERSION = 1;

export interface SupportedBackend {
  name: string;
  bundled: boolean;
}

export interface VersionInfo {
  protocolVersion: number;
  node: string;
  onnxruntimeNode: string;
  /** onnxruntime-node's listSupportedBackends(): which execution providers this build can load. */
  backends: SupportedBackend[];
  pid: number;
  platform: string;
  arch: string;
}

export interface SelfCheckParams {
  steps: number;
  stepMs: number;
}
export interface SelfCheckProgress {
  step: number;
  steps: number;
  message: string;
}
export interface SelfCheckResult {
  stepsDone: number;
  elapsedMs: number;
  pid: number;
}

import type { RuntimeParams } from './runtime-params';
export type { RuntimeParams } from './runtime-params';
// The provider list and the decision record are plain data owned by the engine (no onnxruntime import there).
import { isObject } from './guards';
import type { PipelineEvent, RunOutcome } from '../engine/sslmem/run-hooks';
export type { ProviderDecision, ProviderSetting } from '../engine/runtime/providers';
import type { ExecutorSetting } from '../engine/sslmem/cluster/slurm-options';
export type { ExecutorSetting, SlurmOptions } from '../engine/sslmem/cluster/slurm-options';

/** Start an SSLMem run: train f and g on a dataset folder/file, score every subset, write the report. */
export interface RunSslmemParams extends RuntimeParams {
  data: string;
  preset: string;
  /** The run store folder (e.g. <workspace>/.sslmem/runs). */
  storeDir: string;
  seed?: number;
  splitFile?: string;
  /** Decode-cache folder (e.g. <workspace>/.sslmem/cache). */
  cacheDir?: string;
  /** Preset fields to override, e.g. { epochs: 5 } (validated by the engine). */
  overrides?: Record<string, unknown>;
  /** Where the training stages execute (default local; slurm: one job array, the rest here). */
  executor?: ExecutorSetting;
  /** Local executor: how many encoders train at the same time, the threads split between them (default 1). */
  concurrentTraining?: number;
  /** 'paper' (default): f and g on the four-subset split. 'whole': every image scored by m encoders (sslmem/whole/). */
  mode?: 'paper' | 'whole';
  /** Whole mode: the number of encoders m (even, 2..16; default 4), the control set size, the FDR of the count (default 0.1). */
  encoders?: number;
  control?: number;
  fdr?: number;
}
export interface ResumeSslmemParams extends RuntimeParams {
  runDir: string;
  /** Paths outside the run's workspace the user confirms for this resume (dataset, split, encoders named by the manifest). */
  confirmed?: string[];
  executor?: ExecutorSetting;
  /** As in RunSslmemParams. */
  concurrentTraining?: number;
}
/** Execute exactly one stage of an existing run in the backend (what a Slurm array task runs). */
export interface StageSslmemParams extends RuntimeParams {
  runDir: string;
  stage: string;
  confirmed?: string[];
}
/** Score with imported ONNX encoders f and g (images [B,C,H,W] -> [B,D]) on a dataset and a given split. */
export interface ScoreImportedParams extends RuntimeParams {
  f: string;
  g: string;
  data: string;
  splitFile: string;
  storeDir: string;
  cacheDir?: string;
  pairs?: number;
  seed?: number;
  augment?: 'simclr' | 'fashion-mnist' | 'mild' | 'weak' | 'none';
  batch?: number;
}

/** Progress of a run, as the engine reports it (plain JSON): the pipeline's events as they are. */
export type RunProgress = PipelineEvent;
export type RunResult = RunOutcome;
/** Retrain after removal (issue 6): plain types owned by the engine's experiment. */
export type { RetrainSslmemParams, RetrainEvent as RetrainProgress, RetrainOutcome as RetrainResult } from '../engine/sslmem/removal/types';
import type { RetrainSslmemParams, RetrainEvent as RetrainProgress, RetrainOutcome as RetrainResult } from '../engine/sslmem/removal/types';
/** Layer analyses (issue 16): src/protocol/layers.ts. */
export type { LayersSslmemParams, UnitsSslmemParams, HistorySslmemParams, AnalysisProgress, AnalysisResult } from './layers';
import type { LayersSslmemParams, UnitsSslmemParams, HistorySslmemParams, AnalysisProgress, AnalysisResult } from './layers';

/**
 * method -> { params, result, progress }. `kind` separates quick queries from long-running jobs: jobs
 * (self-check now; train / score later) run only in trusted workspaces, queries run everywhere.
 * Adding a method: one entry here, one handler line in src/backend/jobs.ts.
 */
export interface BackendMethods {
  version: { kind: 'query'; params: Record<string, never>; result: VersionInfo; progress: never };
  ping: { kind: 'query'; params: { echo?: string }; result: { echo?: string; pid: number; receivedAt: number }; progress: never };
  selfCheck: { kind: 'job'; params: SelfCheckParams; result: SelfCheckResult; progress: SelfCheckProgress };
  runSslmem: { kind: 'job'; params: RunSslmemParams; result: RunResult; progress: RunProgress };
  resumeSslmem: { kind: 'job'; params: ResumeSslmemParams; result: RunResult; progress: RunProgress };
  stageSslmem: { kind: 'job'; params: StageSslmemParams; result: RunResult; progress: RunProgress };
  retrainSslmem: { kind: 'job'; params: RetrainSslmemParams; result: RetrainResult; progress: RetrainProgress };
  scoreImported: { kind: 'job'; params: ScoreImportedParams; result: RunResult; progress: RunProgress };
  layersSslmem: { kind: 'job'; params: LayersSslmemParams; result: AnalysisResult; progress: AnalysisProgress };
  unitsSslmem: { kind: 'job'; params: UnitsSslmemParams; result: AnalysisResult; progress: AnalysisProgress };
  historySslmem: { kind: 'job'; params: HistorySslmemParams; result: AnalysisResult; progress: AnalysisProgress };
}

export type MethodName = keyof BackendMethods;
export type ParamsOf<M extends MethodName> = BackendMethods[M]['params'];
export type ResultOf<M extends MethodName> = BackendMethods[M]['result'];
export type ProgressOf<M extends MethodName> = BackendMethods[M]['progress'];

/** Runtime copy of each method's kind (types vanish at run time; the host's trust gate needs this). */
export const METHOD_KINDS: { [M in MethodName]: BackendMethods[M]['kind'] } = {
  version: 'query',
  ping: 'query',
  selfCheck: 'job',
  runSslmem: 'job',
  resumeSslmem: 'job',
  stageSslmem: 'job',
  retrainSslmem: 'job',
  scoreImported: 'job',
  layersSslmem: 'job',
  unitsSslmem: 'job',
  historySslmem: 'job',
};

export type ErrorCode =
  | 'cancelled' // the job honoured a cancel message
  | 'unknown-method'
  | 'invalid-params'
  | 'job-failed' // the handler threw
  | 'provider-unavailable' // an explicitly requested execution provider cannot run here (CLI exit code 2)
  | 'untrusted-path' // a run's manifest names a path outside its workspace: resume again with it confirmed (`path`)
  | 'backend-exited' // host side: the process died with this request pending
  | 'untrusted' // host side: a job was refused in an untrusted workspace
  | 'protocol'; // a malformed message

export interface WireError {
  message: string;
  code: ErrorCode;
  /** With 'untrusted-path': the path to confirm. */ path?: string;
}

// ---- host -> backend ----
export interface RequestMessage<M extends MethodName = MethodName> {
  kind: 'request';
  id: number;
  method: M;
  params: ParamsOf<M>;
}
export interface CancelMessage {
  kind: 'cancel';
  id: number;
}
export type HostToBackend = RequestMessage | CancelMessage;

// ---- backend -> host ----
export type ResponseMessage =
  { kind: 'response'; id: number; ok: true; result: unknown } | { kind: 'response'; id: number; ok: false; error: WireError };
export interface ProgressMessage {
  kind: 'progress';
  id: number;
  data: unknown;
}
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
/** `id` ties a log line to the request it came from, when there is one. */
export interface LogMessage {
  kind: 'log';
  level: LogLevel;
  message: string;
  id?: number;
}
export type BackendToHost = ResponseMessage | ProgressMessage | LogMessage;

// ---- guards: both ends check what arrives, since a bad message must not crash either process ----
const isId = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const LOG_LEVELS: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error'];

export function isMethodName(x: unknown): x is MethodName {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(METHOD_KINDS, x);
}

/** Shape check only; params are checked by each method's validator in the backend. */
export function isHostToBackend(x: unknown): x is HostToBackend {
  if (!isObject(x) || !isId(x.id)) return false;
  if (x.kind === 'cancel') return true;
  return x.kind === 'request' && typeof x.method === 'string' && isObject(x.params);
}

export function isBackendToHost(x: unknown): x is BackendToHost {
  if (!isObject(x)) return false;
  switch (x.kind) {
    case 'response':
      if (!isId(x.id) || typeof x.ok !== 'boolean') return false;
      return x.ok ? 'result' in x : isObject(x.error) && typeof x.error.message === 'string' && typeof x.error.code === 'string';
    case 'progress':
      return isId(x.id) && 'data' in x;
    case 'log':
      return (
        typeof x.level === 'string' && LOG_LEVELS.includes(x.level) && typeof x.message === 'string' && (x.id === undefined || isId(x.id))
      );
    default:
      return false;
  }
}

/** An error that carries a protocol error code across the process boundary. */
export class BackendError extends Error {
  constructor(
    message: string,
    readonly code: ErrorCode,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'BackendError';
  }
}
