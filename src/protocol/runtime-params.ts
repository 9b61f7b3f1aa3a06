// Where and how a job's compute happens (the user's settings), shared by every job's params (backend.ts,
// layers.ts) in its own file so those modules need not import each other.
import type { ProviderSetting } from '../engine/runtime/providers';

export interface RuntimeParams {
  provider?: ProviderSetting;
  threads?: number;
}
