// ONNX Runtime sessions on one execution provider, never a silent substitute.
// ORT does not fall back by itself (['webgpu', 'cpu'] still throws at creation when no WebGPU adapter
// exists), and a fallback we did ourselves would hide that a user's explicit choice cannot run. So an
// explicit provider that fails is a ProviderUnavailableError naming it and ORT's reason; `auto` for a plain
// session means the CPU (only the train step measures the providers: see provider-choice.ts).
import * as ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { Graph, relu, toOnnxBytes } from '../graph';
import { ProviderUnavailableError, type Provider, type ProviderSetting } from './providers';

export type { Provider, ProviderSetting } from './providers';

export interface SessionSettings {
  /** A provider, or 'auto' = cpu for sessions that are not measured (encode, scoring, probes). Default 'auto'. */
  provider?: ProviderSetting;
  /** intraOpNumThreads (CPU); 0 or undefined = every core Node reports (os.availableParallelism()). */
  threads?: number;
  /** Outputs to leave on the device (GPU providers only); others come back to the CPU. */
  deviceOutputs?: readonly string[];
  /** ORT profiling (writes a JSON trace with this prefix in the working directory). */
  profilePrefix?: string;
  /**
   * CPU provider only: ORT session options over ours, for measuring ones that leave float results unchanged
   * (memory arena/pattern, spinning: bench/ab-step.ts). `extra` merges per section (`session`, `optimization`).
   */
  cpuOverrides?: CpuOverrides;
  log?: (message: string) => void;
}

export type CpuOverrides = Pick<ort.InferenceSession.SessionOptions, 'enableCpuMemArena' | 'enableMemPattern' | 'executionMode'> & {
  extra?: Record<string, Record<string, string>>;
};

export interface OpenedSession {
  session: ort.InferenceSession;
  provider: Provider;
  /** intraOpNumThreads the CPU session was created with; null on a GPU provider. */
  threads: number | null;
  /** True when `deviceOutputs` really stay on the device (GPU provider chosen). */
  onDevice: boolean;
}

/** The thread count a CPU session really gets: set explicitly, so that what is reported is what ran. */
export function resolveThreads(threads: number | undefined): number {
  return threads && threads > 0 ? Math.floor(threads) : availableParallelism();
}

/**
 * The useful part of an ORT error: its first line without the C++ source location and failed check, e.g.
 * "/onnxruntime_src/…/webgpu_context.cc:136 … Success was false. Failed to get a WebGPU adapter: No supported
 * adapters" -> "Failed to get a WebGPU adapter: No supported adapters".
 */
export function ortReason(e: unknown): string {
  const first = (e instanceof Error ? e.message : String(e)).split('\n')[0].trim();
  const afterCheck = / was false\. (.+)$/.exec(first);
  if (afterCheck) return afterCheck[1];
  return first.replace(/^\/\S+:\d+ /, '') || 'unknown error';
}

/**
 * Providers this onnxruntime-node build can load. `listSupportedBackends()` lists cuda/tensorrt with
 * `bundled: false`: their libraries come from the package's install script, which may have been skipped
 * (no network), so for those we also look for the provider library next to the native binding.
 */
export function availableProviders(): Map<string, string | null> {
  const result = new Map<string, string | null>(); // name -> null if usable, else why not
  let bindingDir: string | null = null;
  try {
    bindingDir = join(dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    /* unusual packaging: cannot look, so let session creation decide */
  }
  for (const b of ort.listSupportedBackends()) {
    if (b.bundled || !bindingDir || !existsSync(bindingDir)) {
      result.set(b.name, null);
      continue;
    }
    const lib = process.platform === 'win32' ? `onnxruntime_providers_${b.name}.dll` : `libonnxruntime_providers_${b.name}.so`;
    result.set(b.name, existsSync(join(bindingDir, lib)) ? null : `${lib} missing next to the onnxruntime-node binding`);
  }
  return result;
}

function sessionOptions(provider: Provider, s: SessionSettings, outputNames: readonly string[]): ort.InferenceSession.SessionOptions {
  const opts: ort.InferenceSession.SessionOptions = { executionProviders: [provider], graphOptimizationLevel: 'all' };
  if (provider === 'cpu') {
    opts.intraOpNumThreads = resolveThreads(s.threads);
    opts.interOpNumThreads = 1;
    // NchwcTransformer only rewrites the constant one-hot im2col convs and adds layout conversions around
    // them: about 10% of a train step on CPU (measured in the probe).
    const extra: Record<string, Record<string, string>> = { optimization: { disable_specified_optimizers: 'NchwcTransformer' } };
    const { extra: extraOverrides, ...overrides } = s.cpuOverrides ?? {};
    for (const [section, values] of Object.entries(extraOverrides ?? {})) extra[section] = { ...extra[section], ...values };
    Object.assign(opts, overrides);
    opts.extra = extra;
  } else if (s.deviceOutputs?.length) {
    const keep = new Set(s.deviceOutputs);
    opts.preferredOutputLocation = Object.fromEntries(outputNames.map((n) => [n, keep.has(n) ? 'gpu-buffer' : 'cpu'])) as Record<
      string,
      ort.Tensor.DataLocation
    >;
  }
  if (s.profilePrefix) {
    opts.enableProfiling = true;
    opts.profileFilePrefix = s.profilePrefix;
  }
  return opts;
}

/** Why this install cannot load `provider` (library absent, not in the build), or null when it may. */
export function missingReason(provider: Provider, available = availableProviders()): string | null {
  if (!available.has(provider)) return 'not in this onnxruntime-node build';
  return available.get(provider) ?? null;
}

/**
 * Creates a session on exactly one provider ('auto' = cpu here). `outputNames` are the model's outputs
 * (needed for the per-output location map of GPU providers). Throws ProviderUnavailableError when the
 * provider is missing or ORT cannot create the session on it; other errors (a bad model) pass through.
 */
export async function openSession(
  model: Uint8Array | string,
  outputNames: readonly string[],
  settings: SessionSettings = {},
): Promise<OpenedSession> {
  const provider: Provider = !settings.provider || settings.provider === 'auto' ? 'cpu' : settings.provider;
  const missing = missingReason(provider);
  if (missing) throw new ProviderUnavailableError(provider, missing);
  let session: ort.InferenceSession;
  try {
    // A path lets onnxruntime resolve external data (weights in a file beside the model) relative to it; it
    // refuses external data that points outside the model's folder.
    const options = sessionOptions(provider, settings, outputNames);
    session = await (typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options));
  } catch (e) {
    // On the CPU a creation failure is the model's fault (unsupported op, corrupt bytes), not the provider's.
    if (provider === 'cpu') throw e;
    throw new ProviderUnavailableError(provider, ortReason(e));
  }
  const threads = provider === 'cpu' ? resolveThreads(settings.threads) : null;
  return { session, provider, threads, onDevice: provider !== 'cpu' && !!settings.deviceOutputs?.length };
}

/**
 * Fails fast, before a run folder or a dataset load, when an explicit provider cannot even open a one-op
 * model here (no adapter, library missing). 'auto' and 'cpu' always pass. The train step's own session can
 * still fail later (an op the provider lacks): that is the same typed error, from Trainer.create.
 */
export async function assertProviderUsable(setting: ProviderSetting | undefined): Promise<void> {
  if (!setting || setting === 'auto' || setting === 'cpu') return;
  const g = new Graph('provider-check');
  g.output('y', relu(g.input('x', [1])));
  const { session } = await openSession(toOnnxBytes(g), ['y'], { provider: setting });
  await session.release();
}
