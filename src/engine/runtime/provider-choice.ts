// How `auto` picks the train step's execution provider: by measuring, once per machine.
// A provider that merely creates a session is not necessarily fast: with Mesa's software Vulkan driver
// (lavapipe) installed, WebGPU runs on a CPU-emulated adapter ~30× slower than the CPU provider. So every
// candidate this install has runs a few warm steps of the real train step, the fastest wins, and the
// decision is cached (machine + onnxruntime version + installed providers + artifact hash + threads).
//
// Three parts, kept apart so the rule is testable without onnxruntime: `decide` (pure: measurements ->
// decision), the cache file (plain JSON), and `chooseProvider` (the order of trials; the trial itself —
// opening a session and timing steps — is passed in by the Trainer).
import { promises as fs } from 'node:fs';
import { userCacheDir } from '../util/user-cache-dir';
import { join } from 'node:path';
import {
  AUTO_CANDIDATES,
  isProviderDecision,
  type Provider,
  type ProviderCandidate,
  type ProviderDecision,
  type ProviderSetting,
} from './providers';

/** A GPU candidate whose warm-up step alone takes longer than this many CPU steps is not timed further. */
export const WARMUP_DROP_FACTOR = 20;

/** What one trial found out about a provider. */
export type Measurement =
  | { provider: Provider; kind: 'unavailable'; reason: string }
  | { provider: Provider; kind: 'failed'; reason: string }
  | { provider: Provider; kind: 'timed'; msPerStep: number; warmupMs: number }
  | { provider: Provider; kind: 'dropped'; warmupMs: number; limitMs: number };

const fmt = (ms: number) => `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;

/** The warm-up limit for GPU candidates, from the CPU's measured step (null when the CPU did not run). */
export function warmupLimitMs(measurements: readonly Measurement[], factor = WARMUP_DROP_FACTOR): number | null {
  const cpu = measurements.find((m) => m.provider === 'cpu');
  return cpu?.kind === 'timed' ? cpu.msPerStep * factor : null;
}

/** The rule: the fastest timed provider wins; every other candidate says why it was not used. */
export function decide(setting: ProviderSetting, measurements: readonly Measurement[], threads: number): Omit<ProviderDecision, 'cached'> {
  const timed = measurements.filter((m): m is Extract<Measurement, { kind: 'timed' }> => m.kind === 'timed');
  if (!timed.length) {
    throw new Error(
      `no execution provider could run the train step: ${measurements.map((m) => `${m.provider}: ${'reason' in m ? m.reason : m.kind}`).join('; ')}`,
    );
  }
  const best = timed.reduce((a, b) => (b.msPerStep < a.msPerStep ? b : a));
  const candidates: ProviderCandidate[] = measurements.map((m): ProviderCandidate => {
    switch (m.kind) {
      case 'unavailable':
        return { provider: m.provider, status: 'unavailable', reason: `not installed (${m.reason})` };
      case 'failed':
        return { provider: m.provider, status: 'failed', reason: `failed (${m.reason})` };
      case 'dropped':
        return {
          provider: m.provider,
          status: 'slower',
          reason: `warm-up step ${fmt(m.warmupMs)}, over ${WARMUP_DROP_FACTOR}× the cpu step; not timed further`,
        };
      case 'timed':
        if (m === best)
          return {
            provider: m.provider,
            status: 'chosen',
            msPerStep: m.msPerStep,
            reason: timed.length > 1 ? 'fastest measured' : 'the only provider that ran',
          };
        return {
          provider: m.provider,
          status: 'slower',
          msPerStep: m.msPerStep,
          reason: `${fmt(m.msPerStep)}/step, slower than ${best.provider} ${fmt(best.msPerStep)}/step`,
        };
    }
  });
  return { setting, chosen: best.provider, threads: best.provider === 'cpu' ? threads : null, candidates };
}

// ---- the per-machine cache ----

export interface CacheKeyParts {
  host: string;
  /** CPU model and core count. */
  cpu: string;
  platform: string;
  /** onnxruntime-node's version. */
  ort: string;
  /** Providers this install could load (installing the CUDA library must trigger a new measurement). */
  installed: readonly Provider[];
  /** sha256 of the train-step ONNX bytes: model, method, batch and optimizer are all in it. */
  artifact: string;
  threads: number;
}

export function cacheKey(p: CacheKeyParts): string {
  return [
    `ort ${p.ort}`,
    p.platform,
    p.host,
    p.cpu,
    `providers ${[...p.installed].sort().join(',')}`,
    `threads ${p.threads}`,
    `artifact ${p.artifact}`,
  ].join(' | ');
}

interface CacheEntry {
  decision: Omit<ProviderDecision, 'cached'>;
  measuredAt: string;
}
export interface CacheFile {
  format: 'sslmem-provider-choice';
  version: 1;
  entries: Record<string, CacheEntry>;
}
export const CACHE_FILE = 'provider-choice.json';

/** Where the choice is cached: the user's cache folder (user-cache-dir.ts). */
export const providerCacheDir = userCacheDir;

export function cachedDecision(file: CacheFile, key: string): ProviderDecision | null {
  const e = file.entries[key];
  const d = e ? { ...e.decision, cached: true, measuredAt: e.measuredAt } : null;
  return d && isProviderDecision(d) ? d : null;
}

export function withDecision(file: CacheFile, key: string, decision: ProviderDecision, now = new Date()): CacheFile {
  const { cached: _cached, measuredAt: _measuredAt, ...stored } = decision;
  return { ...file, entries: { ...file.entries, [key]: { decision: stored, measuredAt: now.toISOString() } } };
}

/** An unreadable or foreign file counts as empty: the cache only ever saves a measurement. */
export async function readCache(dir: string): Promise<CacheFile> {
  try {
    const parsed = JSON.parse(await fs.readFile(join(dir, CACHE_FILE), 'utf8')) as CacheFile;
    if (parsed.format === 'sslmem-provider-choice' && parsed.version === 1 && typeof parsed.entries === 'object' && parsed.entries)
      return parsed;
  } catch {
    /* absent or corrupt */
  }
  return { format: 'sslmem-provider-choice', version: 1, entries: {} };
}

export async function writeCache(dir: string, file: CacheFile): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const tmp = join(dir, `${CACHE_FILE}.${process.pid}.tmp`);
  await fs.writeFile(tmp, JSON.stringify(file, null, 2));
  await fs.rename(tmp, join(dir, CACHE_FILE)); // atomic: two runs measuring at once leave one whole file
}

// ---- the order of trials ----

/** A trial's result; `session` is kept open when the provider ran, so the winner's is reused for training. */
export interface Trial<S> {
  measurement: Measurement;
  session?: S;
}

export interface ChooseOptions<S> {
  threads: number;
  /** Cache folder and key; no cache is read or written when absent. */
  cache?: { dir: string; key: string };
  candidates?: readonly Provider[];
  /** Why this install lacks a provider, or null. */
  missing(provider: Provider): string | null;
  /** Opens a session on `provider` and times warm steps; stops after the warm-up when it exceeds `limitMs`. */
  trial(provider: Provider, limitMs: number | null): Promise<Trial<S>>;
  /** Opens a session without timing (for a cached decision). */
  open(provider: Provider): Promise<S>;
  release(session: S): Promise<void>;
  log?: (message: string) => void;
}

/** `auto` for the train step: a cached decision when there is one (and its provider still opens), else a measurement. */
export async function chooseProvider<S>(o: ChooseOptions<S>): Promise<{ session: S; decision: ProviderDecision }> {
  if (o.cache) {
    const hit = cachedDecision(await readCache(o.cache.dir), o.cache.key);
    if (hit) {
      try {
        return { session: await o.open(hit.chosen), decision: hit };
      } catch (e) {
        o.log?.(`cached execution provider ${hit.chosen} no longer opens (${(e as Error).message}); measuring again`);
      }
    }
  }
  const measurements: Measurement[] = [];
  const sessions = new Map<Provider, S>();
  try {
    for (const provider of o.candidates ?? AUTO_CANDIDATES) {
      const missing = o.missing(provider);
      if (missing) {
        measurements.push({ provider, kind: 'unavailable', reason: missing });
        continue;
      }
      const t = await o.trial(provider, provider === 'cpu' ? null : warmupLimitMs(measurements));
      measurements.push(t.measurement);
      if (t.session !== undefined) sessions.set(provider, t.session);
      const m = t.measurement;
      o.log?.(
        `execution provider ${provider}: ${
          m.kind === 'timed'
            ? `${fmt(m.msPerStep)}/step after a ${fmt(m.warmupMs)} warm-up`
            : m.kind === 'dropped'
              ? `warm-up ${fmt(m.warmupMs)} > limit ${fmt(m.limitMs)}, dropped`
              : `${m.kind} (${m.reason})`
        }`,
      );
    }
    const decision: ProviderDecision = { ...decide('auto', measurements, o.threads), cached: false };
    const session = sessions.get(decision.chosen);
    if (session === undefined) throw new Error(`internal: no open session for the chosen provider ${decision.chosen}`);
    sessions.delete(decision.chosen);
    if (o.cache) {
      const { dir, key } = o.cache;
      await writeCache(dir, withDecision(await readCache(dir), key, decision)).catch((e) =>
        o.log?.(`could not cache the provider choice in ${dir}: ${(e as Error).message}`),
      );
    }
    return { session, decision };
  } finally {
    for (const s of sessions.values()) await o.release(s);
  }
}
