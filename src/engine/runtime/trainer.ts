// Drives a train-step artifact with onnxruntime-node: holds the state (parameters, optimizer slots,
// buffers) between steps, samples each step's augmentation parameters and learning rate on the host,
// checkpoints, resumes and stops on an AbortSignal between steps.
//
// On GPU providers the state outputs stay on the device (`gpu-buffer`) and are fed straight back; only the
// loss comes to the CPU. GPU tensors are never read with getData() (it crashed Node in our tests): a
// checkpoint reads them through a small Identity session whose outputs live on the CPU.
import * as ort from 'onnxruntime-node';
import { Graph, toOnnxBytes } from '../graph';
import { SslProblem } from '../models/types';
import { AugConfig } from '../augment/config';
import { PARAM_COUNT, sampleAugParams } from '../augment/sample';
import { buildTrainStep, TrainStepArtifact } from '../artifacts/train-step';
import { Checkpoint, writeCheckpoint } from '../artifacts/checkpoint';
import { initParams } from '../artifacts/init';
import { OptimizerConfig, ScheduleOptions, lrAt } from '../graph/optim';
import * as io from '../artifacts/io-names';
import { BatchSource } from './batches';
import { createHash } from 'node:crypto';
import { cpus, hostname } from 'node:os';
import {
  CpuOverrides,
  OpenedSession,
  ProviderSetting,
  availableProviders,
  missingReason,
  openSession,
  ortReason,
  resolveThreads,
} from './session';
import { ProviderUnavailableError, describeDecision, isProvider, type Provider, type ProviderDecision } from './providers';
import { cacheKey, chooseProvider, providerCacheDir, type Measurement, type Trial } from './provider-choice';

export interface TrainerConfig {
  problem: SslProblem;
  batch: number;
  optimizer: OptimizerConfig;
  /** A constant learning rate, or warmup + cosine (computed on the host each step with `lrAt`). */
  learningRate: number | ScheduleOptions;
  augment: AugConfig | null;
  provider?: ProviderSetting;
  threads?: number;
  log?: (message: string) => void;
  /** A prebuilt artifact (e.g. read from disk); built from the problem when absent. */
  artifact?: TrainStepArtifact;
  profilePrefix?: string;
  /** Where `auto` caches its measured choice; default providerCacheDir() ($SSLMEM_CACHE_DIR, ~/.cache/sslmem-studio). */
  providerCacheDir?: string;
  /**
   * `auto` already decided for this train step elsewhere (concurrent training measures once, in the main
   * thread, not in every worker at the same time): open the chosen provider and report that decision.
   */
  decided?: ProviderDecision;
  /** CPU session options over the defaults (benchmarks of options that keep float results; see session.ts). */
  cpuOverrides?: CpuOverrides;
}

export interface Progress {
  step: number;
  loss: number;
  imagesPerSec: number;
}
export interface TrainOptions {
  /** Total number of steps: training runs from the current step up to (not including) this index. */
  steps: number;
  batchSource: BatchSource;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  checkpointEvery?: number;
  checkpointPath?: string;
  /**
   * Called just BEFORE each checkpoint is written (the final one too), with its step: for files that must cover
   * every step the checkpoint has. A kill between the two leaves them ahead of the checkpoint (the reader drops
   * the extra steps), never behind it.
   */
  beforeCheckpoint?: (step: number) => Promise<void>;
  /**
   * Extra weight copies after these steps (1-based: after `step` steps), for analyses over training; they hold
   * parameters and buffers only, so nothing resumes from them. Written atomically like a checkpoint.
   */
  snapshots?: { steps: ReadonlySet<number>; path: (step: number) => string };
}
export interface TrainResult {
  step: number;
  lastLoss: number;
  cancelled: boolean;
}

type TensorMap = Map<string, ort.Tensor>;

export class Trainer {
  /** Index of the next step to run (= number of steps taken). */
  stepIndex = 0;
  seed = 0;
  private state: TensorMap = new Map();
  private readback: OpenedSession | null = null;

  private constructor(
    readonly config: TrainerConfig,
    readonly artifact: TrainStepArtifact,
    readonly opened: OpenedSession,
    /** Which provider runs the step and why not the others (also for an explicit setting: then no measurement). */
    readonly decision: ProviderDecision,
  ) {}

  static async create(config: TrainerConfig): Promise<Trainer> {
    const artifact =
      config.artifact ?? buildTrainStep(config.problem, { batch: config.batch, optimizer: config.optimizer, augment: config.augment });
    const setting = config.provider ?? 'auto';
    const open = (provider: Provider) => Trainer.openStep(config, artifact, provider);
    let opened: OpenedSession;
    let decision: ProviderDecision;
    if (setting === 'auto' && config.decided) {
      opened = await open(config.decided.chosen);
      decision = config.decided;
    } else if (setting === 'auto') {
      const threads = resolveThreads(config.threads);
      const available = availableProviders();
      const installed = [...available.keys()].filter((p): p is Provider => isProvider(p) && !available.get(p));
      const key = cacheKey({
        host: hostname(),
        cpu: `${cpus()[0]?.model ?? 'unknown cpu'} ×${cpus().length}`,
        platform: `${process.platform}-${process.arch}`,
        ort: ort.env.versions.node ?? 'unknown',
        installed,
        artifact: createHash('sha256').update(artifact.onnx).digest('hex'),
        threads,
      });
      ({ session: opened, decision } = await chooseProvider<OpenedSession>({
        threads,
        cache: { dir: config.providerCacheDir ?? providerCacheDir(), key },
        missing: (p) => missingReason(p, available),
        trial: (p, limitMs) => Trainer.trial(config, artifact, p, limitMs),
        open,
        release: (o) => o.session.release(),
        log: config.log,
      }));
    } else {
      opened = await open(setting); // ProviderUnavailableError when it cannot run here: never a silent CPU run
      decision = {
        setting,
        chosen: opened.provider,
        threads: opened.threads,
        cached: false,
        candidates: [{ provider: opened.provider, status: 'chosen', reason: 'asked for explicitly' }],
      };
    }
    config.log?.(`train step on ${describeDecision(decision)}${opened.onDevice ? ' (state kept on the device)' : ''}`);
    return new Trainer(config, artifact, opened, decision);
  }

  private static openStep(config: TrainerConfig, artifact: TrainStepArtifact, provider: Provider): Promise<OpenedSession> {
    const stateOutputs = artifact.state.filter((s) => s.output).map((s) => s.output);
    return openSession(
      artifact.onnx,
      artifact.outputs.map((o) => o.name),
      {
        provider,
        threads: config.threads,
        deviceOutputs: stateOutputs,
        log: config.log,
        profilePrefix: config.profilePrefix,
        cpuOverrides: config.cpuOverrides,
      },
    );
  }

  /**
   * Times the real train step on one provider: 1 warm-up step (session warm-up, kernel compilation), then 2
   * timed steps, on the same seeded state and images for every provider. A warm-up over `limitMs` ends the
   * trial early (a software GPU adapter must not cost minutes). The session stays open for the winner.
   */
  private static async trial(
    config: TrainerConfig,
    artifact: TrainStepArtifact,
    provider: Provider,
    limitMs: number | null,
  ): Promise<Trial<OpenedSession>> {
    let opened: OpenedSession;
    try {
      opened = await Trainer.openStep(config, artifact, provider);
    } catch (e) {
      if (e instanceof ProviderUnavailableError) return { measurement: { provider, kind: 'failed', reason: e.reason } };
      throw e;
    }
    const probe = new Trainer(config, artifact, opened, {
      setting: provider,
      chosen: provider,
      threads: opened.threads,
      cached: false,
      candidates: [],
    });
    try {
      probe.init(0);
      const images = trialImages(artifact.inputs.find((i) => i.name === io.IMAGES)!.shape);
      let t0 = performance.now();
      await probe.step(images, 0);
      const warmupMs = performance.now() - t0;
      if (limitMs !== null && warmupMs > limitMs) {
        probe.replaceState(new Map());
        await opened.session.release();
        return { measurement: { provider, kind: 'dropped', warmupMs, limitMs } };
      }
      t0 = performance.now();
      await probe.step(images, 1);
      await probe.step(images, 2);
      const measurement: Measurement = { provider, kind: 'timed', msPerStep: (performance.now() - t0) / 2, warmupMs };
      probe.replaceState(new Map()); // frees the trial's device tensors; init()/load() set the real state
      return { measurement, session: opened };
    } catch (e) {
      probe.replaceState(new Map());
      await opened.session.release();
      return { measurement: { provider, kind: 'failed', reason: ortReason(e) } };
    }
  }

  get provider(): string {
    return this.opened.provider;
  }

  /** Fresh parameters (seeded, PyTorch-like init), zero optimizer state, step 0. */
  init(seed: number): void {
    const { problem } = this.config;
    const { params, buffers } = initParams(problem, seed);
    this.replaceState(
      new Map(
        this.artifact.state.map((s) => {
          const data =
            s.role === 'param'
              ? params.get(s.init)!
              : s.role === 'buffer'
                ? buffers.get(s.init)!
                : new Float32Array(s.shape.reduce((a, b) => a * b, 1));
          return [s.input, new ort.Tensor('float32', data.slice(), s.shape)];
        }),
      ),
    );
    this.seed = seed;
    this.stepIndex = 0;
  }

  load(ck: Checkpoint): void {
    const next: TensorMap = new Map();
    for (const s of this.artifact.state) {
      const t = ck.tensors.get(s.input);
      if (!t) throw new Error(`checkpoint has no tensor '${s.input}'`);
      if (t.shape.join() !== s.shape.join())
        throw new Error(`checkpoint tensor '${s.input}' is [${t.shape}], the model needs [${s.shape}]`);
      next.set(s.input, new ort.Tensor('float32', t.data.slice(), s.shape));
    }
    this.replaceState(next);
    this.seed = ck.seed;
    this.stepIndex = ck.step;
  }

  /** Runs one step on raw images [B,C,H,W] in [0,1]; returns the loss. */
  async step(images: Float32Array, stepIndex = this.stepIndex): Promise<number> {
    const { problem, batch: B, learningRate, augment } = this.config;
    const feeds: Record<string, ort.Tensor> = Object.fromEntries(this.state);
    const imageInfo = this.artifact.inputs.find((i) => i.name === io.IMAGES)!;
    feeds[io.IMAGES] = new ort.Tensor('float32', images, imageInfo.shape);
    if (augment) {
      const V = problem.viewsPerImage;
      const aug = new Float32Array(V * B * PARAM_COUNT);
      for (let v = 0; v < V; v++) aug.set(sampleAugParams(augment, this.seed, stepIndex, v, B), v * B * PARAM_COUNT);
      feeds[io.AUG] = new ort.Tensor('float32', aug, [V, B, PARAM_COUNT]);
    }
    feeds[io.LR] = scalar(typeof learningRate === 'number' ? learningRate : lrAt(stepIndex, learningRate));
    if (this.artifact.scalarInputs.includes(io.STEP)) feeds[io.STEP] = scalar(stepIndex + 1); // Adam's t, 1-based
    if (problem.extraInputs) {
      const extra = problem.sampleExtra?.(this.seed, stepIndex, B) ?? {};
      for (const [input, name] of Object.entries(this.artifact.extraInputs)) {
        if (!extra[name]) throw new Error(`problem.sampleExtra gave no '${name}'`);
        feeds[input] = new ort.Tensor('float32', extra[name], this.artifact.inputs.find((i) => i.name === input)!.shape);
      }
    }
    const out = await this.opened.session.run(feeds);
    const next: TensorMap = new Map(this.state);
    for (const s of this.artifact.state) if (s.output) next.set(s.input, out[s.output]);
    this.replaceState(next);
    this.stepIndex = stepIndex + 1;
    return (out[io.LOSS].data as Float32Array)[0];
  }

  async train(o: TrainOptions): Promise<TrainResult> {
    let lastLoss = NaN;
    let lastSaved = this.stepIndex;
    while (this.stepIndex < o.steps) {
      if (o.signal?.aborted) break;
      const index = this.stepIndex;
      const images = await o.batchSource.imagesForStep(index);
      const t0 = performance.now();
      lastLoss = await this.step(images, index);
      const seconds = (performance.now() - t0) / 1000;
      o.onProgress?.({ step: this.stepIndex, loss: lastLoss, imagesPerSec: this.config.batch / seconds });
      if (o.snapshots?.steps.has(this.stepIndex))
        await writeCheckpoint(o.snapshots.path(this.stepIndex), await this.snapshot({}, 'weights'));
      if (o.checkpointPath && o.checkpointEvery && this.stepIndex % o.checkpointEvery === 0) {
        await o.beforeCheckpoint?.(this.stepIndex);
        await this.save(o.checkpointPath);
        lastSaved = this.stepIndex;
      }
    }
    // Always leave a checkpoint of where we stopped (cancelled or finished), unless it is already written.
    if (o.checkpointPath && lastSaved !== this.stepIndex) {
      await o.beforeCheckpoint?.(this.stepIndex);
      await this.save(o.checkpointPath);
    }
    return { step: this.stepIndex, lastLoss, cancelled: this.stepIndex < o.steps };
  }

  /**
   * The state as host arrays (reads GPU tensors back through a CPU-output session); 'weights': parameters and
   * buffers only (what an encode graph needs), without the optimizer slots.
   */
  async snapshot(meta: Record<string, unknown> = {}, only: 'all' | 'weights' = 'all'): Promise<Checkpoint> {
    const host = await this.hostState();
    const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const s of this.artifact.state)
      if (only === 'all' || s.role === 'param' || s.role === 'buffer') tensors.set(s.input, { shape: s.shape, data: host.get(s.input)! });
    return {
      step: this.stepIndex,
      seed: this.seed,
      tensors,
      meta: {
        ...this.config.problem.describe,
        optimizer: this.config.optimizer,
        learningRate: this.config.learningRate,
        augment: this.config.augment,
        ...meta,
      },
    };
  }

  async save(path: string, meta: Record<string, unknown> = {}): Promise<void> {
    await writeCheckpoint(path, await this.snapshot(meta));
  }

  /** Current parameters by parameter name (host copies). */
  async parameters(): Promise<Map<string, Float32Array>> {
    const host = await this.hostState();
    return new Map(this.artifact.state.filter((s) => s.role === 'param').map((s) => [s.init, host.get(s.input)!]));
  }

  /** Where each state tensor lives now ('cpu', or 'gpu-buffer' after a step on a GPU provider). */
  stateLocations(): Map<string, ort.Tensor.DataLocation> {
    return new Map([...this.state].map(([name, t]) => [name, t.location]));
  }

  async release(): Promise<void> {
    this.replaceState(new Map());
    await this.opened.session.release();
    if (this.readback) await this.readback.session.release();
  }

  private async hostState(): Promise<Map<string, Float32Array>> {
    const result = new Map<string, Float32Array>();
    const onDevice = [...this.state].filter(([, t]) => t.location !== 'cpu');
    for (const [name, t] of this.state) if (t.location === 'cpu') result.set(name, (t.data as Float32Array).slice());
    if (onDevice.length) {
      const session = await this.readbackSession();
      const out = await session.run(Object.fromEntries(onDevice));
      for (const [name] of onDevice) result.set(name, (out[`host/${name}`].data as Float32Array).slice());
    }
    return result;
  }

  /** Identity graph over every state tensor, outputs on the CPU: the safe way to read GPU tensors. */
  private async readbackSession(): Promise<ort.InferenceSession> {
    if (!this.readback) {
      const g = new Graph('readback');
      // Only tensors the step outputs ever live on the device; the others stay the host arrays they were.
      for (const s of this.artifact.state) if (s.output) g.output(`host/${s.input}`, g.input(s.input, s.shape));
      this.readback = await openSession(toOnnxBytes(g), [], { provider: this.opened.provider, log: this.config.log });
    }
    return this.readback.session;
  }

  /** Swaps in new state tensors and frees replaced device tensors (CPU tensors are garbage collected). */
  private replaceState(next: TensorMap): void {
    const kept = new Set(next.values());
    for (const t of this.state.values()) if (t.location === 'gpu-buffer' && !kept.has(t)) t.dispose();
    this.state = next;
  }
}

/** Fixed pseudo-random images in [0, 1] (the same for every provider of a trial). */
function trialImages(shape: readonly number[]): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let x = 0x9e3779b9;
  for (let i = 0; i < out.length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x / 2 ** 32;
  }
  return out;
}

const scalar = (v: number) => new ort.Tensor('float32', Float32Array.of(v), []);
