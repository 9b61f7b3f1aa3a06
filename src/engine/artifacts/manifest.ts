// The artifact folder: train_step.onnx, encode.onnx, checkpoint.bin and manifest.json, which records
// everything needed to check the files belong together and to reproduce them (shapes, dtypes,
// hyper-parameters, seeds, opset, versions of onnxruntime-node and Node).
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { DEFAULT_OPSET } from '../graph';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic';
import { Checkpoint, writeCheckpoint } from './checkpoint';
import { EncodeArtifact } from './encode';
import { TrainStepArtifact } from './train-step';

export const FILES = {
  trainStep: 'train_step.onnx',
  encode: 'encode.onnx',
  checkpoint: 'checkpoint.bin',
  manifest: 'manifest.json',
} as const;

export interface ArtifactManifest {
  format: 'sslmem-artifacts';
  version: 1;
  createdAt: string;
  files: typeof FILES;
  opset: number;
  batch: number;
  seed: number;
  /** problem.describe (model, method, their hyper-parameters) and the training set-up. */
  problem: Record<string, unknown>;
  training: Record<string, unknown>;
  trainStep: Pick<TrainStepArtifact, 'inputs' | 'outputs' | 'state' | 'scalarInputs' | 'extraInputs'>;
  encode: Pick<EncodeArtifact, 'inputs' | 'outputs'>;
  versions: { onnxruntimeNode: string; node: string; platform: string };
}

export interface ArtifactSet {
  trainStep: TrainStepArtifact;
  encode: EncodeArtifact;
  batch: number;
  seed: number;
  problem: Record<string, unknown>;
  /** Optimizer, learning rate, augmentation: whatever built the step. */
  training: Record<string, unknown>;
  checkpoint?: Checkpoint;
  opset?: number;
}

export function makeManifest(a: ArtifactSet): ArtifactManifest {
  const { trainStep: t, encode: e } = a;
  return {
    format: 'sslmem-artifacts',
    version: 1,
    createdAt: new Date().toISOString(),
    files: FILES,
    opset: a.opset ?? DEFAULT_OPSET,
    batch: a.batch,
    seed: a.seed,
    problem: a.problem,
    training: a.training,
    trainStep: { inputs: t.inputs, outputs: t.outputs, state: t.state, scalarInputs: t.scalarInputs, extraInputs: t.extraInputs },
    encode: { inputs: e.inputs, outputs: e.outputs },
    versions: {
      onnxruntimeNode: ort.env.versions.node ?? 'unknown',
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
    },
  };
}

/** Writes every file atomically; the manifest last, so a folder with a manifest is complete. */
export async function writeArtifacts(dir: string, a: ArtifactSet): Promise<ArtifactManifest> {
  await writeFileAtomic(join(dir, FILES.trainStep), a.trainStep.onnx);
  await writeFileAtomic(join(dir, FILES.encode), a.encode.onnx);
  if (a.checkpoint) await writeCheckpoint(join(dir, FILES.checkpoint), a.checkpoint);
  const manifest = makeManifest(a);
  await writeJsonAtomic(join(dir, FILES.manifest), manifest);
  return manifest;
}
