// The one list of execution providers, the record of why one was chosen, and the error for a provider that
// cannot run. Plain data only: no onnxruntime-node import, so the UI, the protocol and the CLI's option
// check can use it without loading the native addon.

/** What a user may ask for: `auto` measures the providers this build has and keeps the fastest (train step). */
export const PROVIDER_SETTINGS = ['auto', 'cpu', 'webgpu', 'cuda'] as const;
export type ProviderSetting = (typeof PROVIDER_SETTINGS)[number];
/** A provider a session really runs on. */
export type Provider = Exclude<ProviderSetting, 'auto'>;
/** The order `auto` tries them in: the CPU first, so a GPU candidate can be compared against its step time. */
export const AUTO_CANDIDATES: readonly Provider[] = ['cpu', 'cuda', 'webgpu'];

export function isProviderSetting(x: unknown): x is ProviderSetting {
  return typeof x === 'string' && (PROVIDER_SETTINGS as readonly string[]).includes(x);
}
export function isProvider(x: unknown): x is Provider {
  return isProviderSetting(x) && x !== 'auto';
}

/**
 * One provider's fate in a choice. `unavailable`: this install lacks it (e.g. the CUDA library is absent);
 * `failed`: a session could not be created or a step failed; `slower`: it ran, another was faster.
 */
export interface ProviderCandidate {
  provider: Provider;
  status: 'chosen' | 'slower' | 'failed' | 'unavailable';
  /** Mean of the timed warm steps (absent when it never ran a step, or was dropped after its warm-up). */
  msPerStep?: number;
  reason: string;
}

export interface ProviderDecision {
  setting: ProviderSetting;
  chosen: Provider;
  /** intraOpNumThreads of the CPU session (what ran, not what was asked for); null on a GPU provider. */
  threads: number | null;
  candidates: ProviderCandidate[];
  /** True when the choice came from the per-machine cache instead of a measurement in this process. */
  cached: boolean;
  /** A cached choice: when it was measured (ISO time); its ms/step are from then, under that day's load. */
  measuredAt?: string;
}

export function isProviderDecision(x: unknown): x is ProviderDecision {
  const d = x as ProviderDecision;
  return (
    typeof d === 'object' &&
    d !== null &&
    isProviderSetting(d.setting) &&
    isProvider(d.chosen) &&
    typeof d.cached === 'boolean' &&
    (d.measuredAt === undefined || typeof d.measuredAt === 'string') &&
    (d.threads === null || typeof d.threads === 'number') &&
    Array.isArray(d.candidates) &&
    d.candidates.every(
      (c) =>
        typeof c === 'object' &&
        c !== null &&
        isProvider(c.provider) &&
        typeof c.reason === 'string' &&
        ['chosen', 'slower', 'failed', 'unavailable'].includes(c.status) &&
        (c.msPerStep === undefined || typeof c.msPerStep === 'number'),
    )
  );
}

const ms = (v: number) => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms/step`;

/** "cpu, 2 threads" / "webgpu". */
export function describeChosen(d: Pick<ProviderDecision, 'chosen' | 'threads'>): string {
  return d.chosen === 'cpu' && d.threads ? `cpu, ${d.threads} thread${d.threads === 1 ? '' : 's'}` : d.chosen;
}

/**
 * One line: what runs and why not the others, e.g.
 * "cpu, 2 threads (61 ms/step; auto, measured) — webgpu: 2140 ms/step, slower; cuda: not installed (…)".
 */
export function describeDecision(d: ProviderDecision): string {
  const chosen = d.candidates.find((c) => c.provider === d.chosen);
  const when = d.measuredAt ? ` of ${d.measuredAt.slice(0, 16).replace('T', ' ')} UTC` : '';
  const how = d.setting === 'auto' ? (d.cached ? `auto, cached measurement${when}` : 'auto, measured') : `asked for ${d.setting}`;
  const head = `${describeChosen(d)} (${chosen?.msPerStep !== undefined ? `${ms(chosen.msPerStep)}; ` : ''}${how})`;
  const others = d.candidates.filter((c) => c.provider !== d.chosen).map((c) => `${c.provider}: ${c.reason}`);
  return others.length ? `${head} — ${others.join('; ')}` : head;
}

/** An explicitly requested provider that cannot create a session here. The CLI maps it to exit code 2. */
export class ProviderUnavailableError extends Error {
  constructor(
    readonly provider: Provider,
    readonly reason: string,
  ) {
    super(
      `execution provider ${provider} is not usable on this machine: ${reason}. Use --ep cpu or --ep auto (in the editor: the sslmem.executionProvider setting).`,
    );
    this.name = 'ProviderUnavailableError';
  }
}
