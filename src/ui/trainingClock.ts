// The live training view's "elapsed": counted from the run's start, not from when the page loaded (a page that
// loads late under load read too low, and a resumed run started long before this job). The host sends the
// seconds elapsed at the moment it posts (its own clock, which wrote the manifest): a webview on another
// machine's clock (Remote-SSH) counts on from that number without comparing clocks.
import type { RunManifest } from '../engine/runs/manifest';

/**
 * When the run began (ms since the epoch): the earliest stage start the manifest records (the first stage's,
 * normally: a stage run again overwrites only its own startedAt), else the run's creation, else undefined.
 */
export function runStartMs(manifest: Pick<RunManifest, 'stageOrder' | 'stages'> & { createdAt?: string }): number | undefined {
  const starts = manifest.stageOrder.map((s) => Date.parse(manifest.stages[s]?.startedAt ?? '')).filter((t) => Number.isFinite(t));
  if (starts.length) return Math.min(...starts);
  const created = Date.parse(manifest.createdAt ?? '');
  return Number.isFinite(created) ? created : undefined;
}

/** Seconds from `startMs` to `nowMs`, never negative (a clock set back, or a start recorded by another host). */
export const elapsedSeconds = (startMs: number, nowMs: number): number => Math.max(0, (nowMs - startMs) / 1000);
