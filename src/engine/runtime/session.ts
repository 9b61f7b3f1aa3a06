// ONNX Runtime sessions with an explicit execution-provider fallback chain.
// ORT does not fall back by itself: a session asked for ['webgpu', 'cpu'] still throws at creation when no
// WebGPU adapter exists. So each provider is tried alone, in order, and every failure is logged with its
// reason before the next one is tried.
import * as ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type ProviderSetting = 'auto' | 'cpu' | 'webgpu' | 'cuda';
export type Provider = 'cpu' | 'webgpu' | 'cuda';

export interface SessionSettings {
  /** 'auto' tries cuda → webgpu → cpu, skipping providers this build does not have. Default 'auto'. */
  provider?: ProviderSetting;
  /** intraOpNumThreads (CPU); 0 or undefined lets ORT choose. */
  threads?: number;
  /** Outputs to leave on the device (GPU providers only); others come back to the CPU. */
  deviceOutputs?: readonly string[];
  /** ORT profiling (writes a JSON trace with this prefix in the working directory). */
  profilePrefix?: string;
  log?: (message: string) => void;
}

export interface OpenedSession {
  session: ort.InferenceSession;
  provider: Provider;
  /** True when `deviceOutputs` really stay on the device (GPU provider chosen). */
  onDevice: boolean;
  /** Providers tried before the chosen one, with why each failed or was skipped. */
  fallbacks: { provider: Provider; reason: string }[];
}

/** Providers to try, in order, for a setting. An explicit GPU choice still ends with cpu, with a logged reason. */
export function providerChain(setting: ProviderSetting): Provider[] {
  switch (setting) {
    case 'cpu': return ['cpu'];
    case 'webgpu': return ['webgpu', 'cpu'];
    case 'cuda': return ['cuda', 'cpu'];
    case 'auto': return ['cuda', 'webgpu', 'cpu'];
  }
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
  } catch { /* unusual packaging: cannot look, so let session creation decide */ }
  for (const b of ort.listSupportedBackends()) {
    if (b.bundled || !bindingDir || !existsSync(bindingDir)) { result.set(b.name, null); continue; }
    const lib = process.platform === 'win32' ? `onnxruntime_providers_${b.name}.dll` : `libonnxruntime_providers_${b.name}.so`;
    result.set(b.name, existsSync(join(bindingDir, lib)) ? null : `${lib} is not installed next to the onnxruntime-node binding`);
  }
  return result;
}

function sessionOptions(provider: Provider, s: SessionSettings, outputNames: readonly string[]): ort.InferenceSession.SessionOptions {
  const opts: ort.InferenceSession.SessionOptions = { executionProviders: [provider], graphOptimizationLevel: 'all' };
  if (provider === 'cpu') {
    opts.intraOpNumThreads = s.threads ?? 0;
    opts.interOpNumThreads = 1;
    // NchwcTransformer only rewrites the constant one-hot im2col convs and adds layout conversions around
    // them: about 10% of a train step on CPU (measured in the probe).
    opts.extra = { optimization: { disable_specified_optimizers: 'NchwcTransformer' } };
  } else if (s.deviceOutputs?.length) {
    const keep = new Set(s.deviceOutputs);
    opts.preferredOutputLocation = Object.fromEntries(outputNames.map((n) => [n, keep.has(n) ? 'gpu-buffer' : 'cpu'])) as Record<string, ort.Tensor.DataLocation>;
  }
  if (s.profilePrefix) { opts.enableProfiling = true; opts.profileFilePrefix = s.profilePrefix; }
  return opts;
}

/**
 * Creates a session on the first provider of the chain that works. `outputNames` are the model's outputs
 * (needed for the per-output location map of GPU providers).
 */
export async function openSession(model: Uint8Array, outputNames: readonly string[], settings: SessionSettings = {}): Promise<OpenedSession> {
  const log = settings.log ?? (() => {});
  const available = availableProviders();
  const fallbacks: { provider: Provider; reason: string }[] = [];
  for (const provider of providerChain(settings.provider ?? 'auto')) {
    const missing = available.has(provider) ? available.get(provider) : 'not listed by listSupportedBackends()';
    if (missing) {
      fallbacks.push({ provider, reason: missing });
      log(`execution provider ${provider}: skipped (${missing})`);
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(model, sessionOptions(provider, settings, outputNames));
      if (fallbacks.length) log(`execution provider ${provider} in use after: ${fallbacks.map((f) => f.provider).join(', ')}`);
      return { session, provider, onDevice: provider !== 'cpu' && !!settings.deviceOutputs?.length, fallbacks };
    } catch (e) {
      const reason = (e as Error).message.split('\n')[0];
      fallbacks.push({ provider, reason });
      log(`execution provider ${provider} failed (${reason}); trying the next one`);
    }
  }
  throw new Error(`no execution provider could run the model: ${fallbacks.map((f) => `${f.provider}: ${f.reason}`).join('; ')}`);
}
