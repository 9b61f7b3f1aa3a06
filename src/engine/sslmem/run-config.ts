// What a run manifest's `config` holds: enough to resume the run from its folder alone, and the one place
// that reads it. The run store (runs/) keeps `config` as opaque JSON (it sits below the method); every reader
// here — the pipelines, the removal experiment, the layer analyses, the thumbnails of the UI — goes through
// `runConfigOf`, which checks the shape and says what is wrong instead of letting a cast fail later.
// Plain data, no onnxruntime: the extension host imports it.
//
// Versions: every config written from version 1 on carries `kind` and `version`. Manifests written before
// (no `kind`) are read as version 1 of the kind their shape says (a `sslmem` block: trained; `kind: 'imported'`).
import type { SslmemConfig } from './config-types';
import type { RecipeName } from '../augment/config';
import type { Normalisation } from '../runs/subsets';
import { isObject } from '../util/guards';
import { scoringSeedOf } from './view-batches';

export const RUN_CONFIG_VERSION = 1;

/** The preset name of a run that scores imported encoders (no training stages). */
export const IMPORTED_PRESET = 'imported';

/** A run whose f and g this project trains (pipeline.ts). */
export interface TrainedRunConfig {
  kind: 'trained';
  version: 1;
  sslmem: SslmemConfig;
  data: string;
  seed: number;
  splitFile: string | null;
  cacheDir: string | null;
}

/** A run that scores imported ONNX encoders f and g (imported/import-encoders.ts). */
export interface ImportedRunConfig {
  kind: 'imported';
  version: 1;
  encoders: Record<'f' | 'g', ImportedEncoderRecord>;
  data: string;
  splitFile: string;
  cacheDir: string | null;
  decode: { height: number; width: number; channels: 1 | 3 };
  augment: RecipeName;
  scoring: { pairs: number; batch: number; normalise: boolean; normalisation: Normalisation; seed: number };
}

/** How an imported encoder is recorded: its file, a fingerprint of it and its graph's names (imported/encoder.ts). */
export interface ImportedEncoderRecord {
  file: string;
  sha256: string;
  input: string;
  output: string;
  batch: number | null;
}

/**
 * A whole-dataset run (whole/): m encoders, each trained on a seeded half of the non-control images (every
 * such image is in exactly m/2 training sets), scored on every image; a control set no encoder trains on gives
 * the null distribution of the score. `sslmem.split` is not used (design.json holds who trains on what).
 */
export interface WholeRunConfig {
  kind: 'whole';
  version: 1;
  sslmem: SslmemConfig;
  data: string;
  seed: number;
  /** m, the number of encoders: even, 2..16 (whole/design.ts). */
  encoders: number;
  /** Size of the control set (images no encoder trains on). */
  control: number;
  /** False-discovery rate of the Benjamini–Hochberg count in the report. */
  fdr: number;
  cacheDir: string | null;
}

export type RunConfig = TrainedRunConfig | ImportedRunConfig | WholeRunConfig;

/** What both kinds share, for readers that only need the data and its views (thumbnails, layer analyses). */
export interface ViewSettings {
  data: string;
  cacheDir: string | null;
  decode: { height: number; width: number; channels: 1 | 3 };
  augment: RecipeName;
  /** K view pairs per point and whether losses are normalised: the score's settings. */
  scoring: { pairs: number; normalise: boolean; normalisation: Normalisation };
  /** The seed the scoring views are keyed by (trained runs: derived from the run seed, view-batches.ts). */
  scoringSeed: number;
}

export class RunConfigError extends Error {}

/**
 * The manifest's config, checked. `where` names the manifest file in the error ("…/manifest.json: config.sslmem
 * is missing"). Paths are returned as stored; pipelines check them (manifest-paths.ts) before use.
 */
export function runConfigOf(config: unknown, preset: string | null, where: string): RunConfig {
  if (!isObject(config)) throw new RunConfigError(`${where}: config is missing; this run cannot be read`);
  const version = config.version ?? 1;
  if (version !== RUN_CONFIG_VERSION) {
    throw new RunConfigError(
      `${where}: config version ${String(version)} is newer than this SSLMem Studio reads (${RUN_CONFIG_VERSION}); update the extension`,
    );
  }
  const kind = config.kind ?? (preset === IMPORTED_PRESET ? 'imported' : 'trained');
  const need = (ok: boolean, field: string) => {
    if (!ok) throw new RunConfigError(`${where}: config.${field} is missing or malformed; this run cannot be read`);
  };
  need(typeof config.data === 'string', 'data');
  need(config.cacheDir == null || typeof config.cacheDir === 'string', 'cacheDir');
  if (kind === 'trained') {
    need(isObject(config.sslmem) && isObject(config.sslmem.decode) && isObject(config.sslmem.scoring), 'sslmem');
    need(config.splitFile == null || typeof config.splitFile === 'string', 'splitFile');
    return {
      ...(config as unknown as Omit<TrainedRunConfig, 'kind' | 'version'>),
      kind: 'trained',
      version: 1,
      seed: Number.isInteger(config.seed) ? (config.seed as number) : 0,
      splitFile: (config.splitFile as string | null | undefined) ?? null,
      cacheDir: (config.cacheDir as string | null | undefined) ?? null,
    };
  }
  if (kind === 'whole') {
    need(isObject(config.sslmem) && isObject(config.sslmem.decode) && isObject(config.sslmem.scoring), 'sslmem');
    need(Number.isInteger(config.seed), 'seed');
    need(Number.isInteger(config.encoders) && (config.encoders as number) >= 2, 'encoders');
    need(Number.isInteger(config.control) && (config.control as number) >= 1, 'control');
    need(typeof config.fdr === 'number' && config.fdr > 0 && config.fdr < 1, 'fdr');
    return {
      ...(config as unknown as Omit<WholeRunConfig, 'kind' | 'version'>),
      kind: 'whole',
      version: 1,
      cacheDir: (config.cacheDir as string | null | undefined) ?? null,
    };
  }
  if (kind === 'imported') {
    const encoders = config.encoders;
    need(
      isObject(encoders) &&
        isObject(encoders.f) &&
        isObject(encoders.g) &&
        typeof encoders.f.file === 'string' &&
        typeof encoders.g.file === 'string',
      'encoders',
    );
    need(typeof config.splitFile === 'string', 'splitFile');
    need(isObject(config.decode) && isObject(config.scoring) && typeof config.augment === 'string', 'scoring');
    return {
      ...(config as unknown as Omit<ImportedRunConfig, 'kind' | 'version'>),
      kind: 'imported',
      version: 1,
      cacheDir: (config.cacheDir as string | null | undefined) ?? null,
    };
  }
  throw new RunConfigError(`${where}: config kind "${String(kind)}" is not one this SSLMem Studio knows`);
}

/** The config of a trained run; a clear error for any other kind (e.g. "retrain needs a trained run"). */
export function trainedRunConfigOf(config: unknown, preset: string | null, where: string, purpose: string): TrainedRunConfig {
  const c = runConfigOf(config, preset, where);
  if (c.kind === 'whole') throw new RunConfigError(`${purpose} needs a paper-protocol run (f and g); this is a whole-dataset run`);
  if (c.kind !== 'trained')
    throw new RunConfigError(`${purpose} needs a run whose encoders SSLMem Studio trained; this run scores imported encoders`);
  return c;
}

/** The data and view settings of either kind. */
export function viewSettingsOf(c: RunConfig): ViewSettings {
  if (c.kind === 'trained' || c.kind === 'whole') {
    const s = c.sslmem;
    return {
      data: c.data,
      cacheDir: c.cacheDir,
      decode: s.decode,
      augment: s.augment,
      scoring: s.scoring,
      scoringSeed: scoringSeedOf(c.seed),
    };
  }
  return { data: c.data, cacheDir: c.cacheDir, decode: c.decode, augment: c.augment, scoring: c.scoring, scoringSeed: c.scoring.seed };
}
