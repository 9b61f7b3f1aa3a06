// Messages between the host and the live training view (a webview fed by the backend's progress events).
// No Node or `vscode` imports: shared by both bundles.
import type { RunProgress } from './backend';
import { isObject } from './guards';

export type HostToTraining =
  | { type: 'start'; title: string; preset: string; dataset: string; stages: string[] }
  | { type: 'progress'; event: RunProgress }
  | { type: 'finished'; status: 'done' | 'cancelled' | 'failed'; message: string };

export type TrainingToHost = { type: 'ready' } | { type: 'cancel' } | { type: 'openScores' };

export function isTrainingToHost(x: unknown): x is TrainingToHost {
  return isObject(x) && (x.type === 'ready' || x.type === 'cancel' || x.type === 'openScores') && Object.keys(x).length === 1;
}

export function isHostToTraining(x: unknown): x is HostToTraining {
  if (!isObject(x)) return false;
  switch (x.type) {
    case 'start': return typeof x.title === 'string' && Array.isArray(x.stages);
    case 'progress': return isObject(x.event) && typeof x.event.kind === 'string';
    case 'finished': return typeof x.status === 'string' && typeof x.message === 'string';
    default: return false;
  }
}
