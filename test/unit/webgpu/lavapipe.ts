// Shared pieces of the WebGPU tests. They run the GPU code path (state kept on the device with
// `preferredOutputLocation: 'gpu-buffer'`, read back through an Identity session) on any machine: without a
// GPU, Dawn's Vulkan backend runs on Mesa's software driver lavapipe, which the test host installs from
// bookworm-backports (scripts/test-host/webgpu-lavapipe.sh). These tests never skip: a missing adapter is a
// failure that says what to install.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Trainer, TrainerConfig } from '../../../src/engine/runtime/trainer';
import { openSession, type OpenedSession, type SessionSettings } from '../../../src/engine/runtime/session';
import { Rng } from '../../../src/engine/util/prng';

// Dawn + lavapipe created sessions without XDG_RUNTIME_DIR here (measured), but Mesa's loader and shader
// cache look for it on some setups and the platform notes ran with it set; a private temp folder is harmless.
if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'xdg-runtime-'));

export const MISSING_ADAPTER =
  'WebGPU could not create a session: no Vulkan adapter. Without a GPU the tests need Mesa lavapipe from ' +
  'bookworm-backports (mesa-vulkan-drivers >= 25, libvulkan1): run `bash scripts/test-host/setup.sh` ' +
  '(or scripts/test-host/webgpu-lavapipe.sh) as root or with sudo';

/** Fails (never skips) unless the session really runs on WebGPU. An explicit 'webgpu' that cannot run
 *  throws (ProviderUnavailableError); this also guards against any future fallback. */
export function assertOnWebgpu(opened: Pick<OpenedSession, 'provider'>): void {
  assert.equal(opened.provider, 'webgpu', MISSING_ADAPTER);
}

/** openSession on 'webgpu' that fails with the install hint when WebGPU is unavailable. */
export async function openWebgpuSession(
  model: Uint8Array,
  outputNames: readonly string[],
  settings: SessionSettings = {},
): Promise<OpenedSession> {
  let opened: OpenedSession;
  try {
    opened = await openSession(model, outputNames, { ...settings, provider: 'webgpu' });
  } catch (e) {
    throw new Error(`${MISSING_ADAPTER}: ${(e as Error).message}`);
  }
  assertOnWebgpu(opened);
  return opened;
}

/** Trainer.create with provider 'webgpu' that fails with the install hint when WebGPU is unavailable. */
export async function webgpuTrainer(config: TrainerConfig): Promise<Trainer> {
  let t: Trainer;
  try {
    t = await Trainer.create({ ...config, provider: 'webgpu' });
  } catch (e) {
    throw new Error(`${MISSING_ADAPTER}: ${(e as Error).message}`);
  }
  assertOnWebgpu(t.opened);
  return t;
}

/** ||a - b|| / ||b||; when b is all zeros, ||a|| (an absolute error on a tensor that should be zero). */
export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ref = norm(b);
  return ref > 0 ? distance(a, b) / ref : distance(a, b);
}
/** ||a - b|| */
export function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}
const norm = (x: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] ** 2;
  return Math.sqrt(s);
};

/** Deterministic images in [0, 1] (3-channel cases; the 1-channel ones use Fashion-MNIST). */
export function randomImages(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.nextFloat());
}

export const fmt = (x: number) => x.toExponential(1);
export const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(2);
