// Downstream evaluation of a frozen encoder: kNN accuracy and a linear probe on the dataset's labels, and
// optionally on a second labeled dataset folder (transfer).
//
// Which points are probe-train and probe-test, for a run (stated in retrain.md):
//   probe-train = S_S (labels used only here; f and every retrained f trained on S_S without labels),
//   probe-test  = S_E ∪ S_I: points that neither f nor any retrained variant of f ever trained on (f trains
//                 on S_S ∪ S_C; the removal experiment only takes points away from that pool).
// For a whole-dataset run (removal/whole-inputs.ts): probe-train = the scored images (the training pool),
// probe-test = the control set, which no encoder of the run and no retrained encoder ever trained on.
// The same probe sets serve every encoder of an experiment, so accuracies are comparable across encoders.
// Transfer: the second folder is split 80/20 (seeded) into probe-train / probe-test.
import type { Dataset } from '../../data/types';
import type { Checkpoint } from '../../artifacts/checkpoint';
import type { ProviderSetting } from '../../runtime/providers';
import type { SslmemConfig } from '../config-types';
import type { Split } from '../../runs/subsets';
import { Rng } from '../../util/prng';
import { encodeFeatures, type Features } from './features';
import { knnAccuracy, type KnnOptions } from './knn';
import { linearProbeAccuracy, type LinearProbeOptions } from './linear';

export interface ProbeSet {
  dataset: Dataset;
  train: Int32Array;
  test: Int32Array;
}

function labeled(dataset: Dataset, indices: ArrayLike<number>): Int32Array {
  if (!dataset.labels) throw new Error('downstream evaluation needs labels (class subfolders), the dataset has none');
  const labels = dataset.labels;
  return Int32Array.from(Array.from(indices).filter((i) => labels[i] >= 0));
}

export const PROBE_TRAIN_DESCRIPTION = 'S_S (labeled points of the shared subset)';
export const PROBE_TEST_DESCRIPTION = 'S_E ∪ S_I (labeled points that neither f nor any retrained f trained on)';

/** The run's probe sets: train on S_S, test on S_E ∪ S_I (labeled points only). */
export function runProbeSet(dataset: Dataset, split: Split): ProbeSet {
  return probeSetOf(dataset, split.S_S, Int32Array.from([...split.S_E, ...split.S_I]).sort(), ['S_S', 'S_E ∪ S_I']);
}

/** Probe sets from given points (labeled ones only); `names` say where each side comes from in the error. */
export function probeSetOf(dataset: Dataset, train: ArrayLike<number>, test: ArrayLike<number>, names: [string, string]): ProbeSet {
  const set = { dataset, train: labeled(dataset, train), test: labeled(dataset, test) };
  if (set.train.length === 0 || set.test.length === 0) throw new Error(`the probe needs labeled points in ${names[0]} and in ${names[1]}`);
  return set;
}

/** A second labeled dataset, split into probe-train / probe-test (seeded). */
export function transferProbeSet(dataset: Dataset, seed = 0, trainFraction = 0.8): ProbeSet {
  const all = labeled(
    dataset,
    Array.from({ length: dataset.n }, (_, i) => i),
  );
  const shuffled = new Rng(seed ^ 0x5eed).shuffle(Int32Array.from(all));
  const cut = Math.round(trainFraction * shuffled.length);
  if (cut < 1 || cut >= shuffled.length) throw new Error(`the transfer dataset has too few labeled points (${shuffled.length})`);
  return { dataset, train: shuffled.slice(0, cut).sort(), test: shuffled.slice(cut).sort() };
}

export interface ProbeSettings {
  knn?: KnnOptions;
  linear?: LinearProbeOptions;
}
export interface ProbeAccuracy {
  linearProbeAccuracy: number;
  knnAccuracy: number;
}

export interface EvaluateEncoderJob {
  config: SslmemConfig;
  checkpoint: Checkpoint;
  /** The run's own probe set first, then (optionally) a transfer set. */
  sets: ProbeSet[];
  settings?: ProbeSettings;
  provider?: ProviderSetting;
  threads?: number;
  signal?: AbortSignal;
}

/** Accuracies per probe set, in the order of `job.sets`. */
export async function evaluateEncoder(job: EvaluateEncoderJob): Promise<ProbeAccuracy[]> {
  const features = await encodeFeatures({
    config: job.config,
    checkpoint: job.checkpoint,
    provider: job.provider,
    threads: job.threads,
    signal: job.signal,
    sets: job.sets.flatMap((s) => [
      { dataset: s.dataset, indices: s.train },
      { dataset: s.dataset, indices: s.test },
    ]),
  });
  const out: ProbeAccuracy[] = [];
  for (let i = 0; i < job.sets.length; i++) {
    const { dataset, train, test } = job.sets[i];
    const labels = dataset.labels!;
    const trainLabels = Int32Array.from(train, (j) => labels[j]);
    const testLabels = Int32Array.from(test, (j) => labels[j]);
    const [ftrain, ftest]: Features[] = [features[2 * i], features[2 * i + 1]];
    if (job.signal?.aborted) throw new DOMException('evaluation cancelled', 'AbortError');
    out.push({
      knnAccuracy: knnAccuracy(ftrain, trainLabels, ftest, testLabels, job.settings?.knn),
      linearProbeAccuracy: await linearProbeAccuracy(ftrain, trainLabels, ftest, testLabels, job.settings?.linear),
    });
  }
  return out;
}
