// `sslmem run --data <folder|file> --preset quick`: train f and g, score every subset, write the report.
// The last line printed on stdout is the run folder.
import * as path from 'node:path';
import { backendOptions } from '../backend';
import { defineCommand } from '../command';
import { UsageError } from '../args';
import { PRESET_NAMES } from '../../engine/sslmem/presets';
import { runtimeFrom, runtimeOptions, runWithProgress } from '../runJob';
import { concurrentFrom, executorFrom, executorOptions } from '../executor';

export const runOptions = {
  ...backendOptions,
  ...runtimeOptions,
  ...executorOptions,
  data: {
    type: 'string',
    description: 'dataset: an image folder (class subfolders = labels), IDX files or CIFAR batches',
    placeholder: 'path',
  },
  preset: { type: 'string', description: `${PRESET_NAMES.join(' | ')} (default quick)`, placeholder: 'name' },
  split: {
    type: 'string',
    description: 'a split file (JSON: lists of paths or indices per subset S_S, S_C, S_I, S_E)',
    placeholder: 'file',
  },
  seed: { type: 'number', description: 'seed of the split, the encoders and the scoring views (default 0)', placeholder: 'n' },
  epochs: { type: 'number', description: "override the preset's number of epochs", placeholder: 'n' },
  snapshots: {
    type: 'number',
    description: 'save f and g at n evenly spaced training steps, for `sslmem history` (default 0: none)',
    placeholder: 'n',
  },
  workspace: { type: 'string', description: 'workspace folder holding .sslmem/ (default: current folder)', placeholder: 'dir' },
  mode: {
    type: 'string',
    description: 'paper (default: f and g on the four-subset split) | whole (every image scored by m encoders)',
    placeholder: 'mode',
  },
  encoders: { type: 'number', description: 'whole mode: number of encoders m, even, 2..16 (default 4)', placeholder: 'm' },
  control: {
    type: 'number',
    description: 'whole mode: control images no encoder trains on (default 10% of the images, 20..500)',
    placeholder: 'n',
  },
  fdr: { type: 'number', description: 'whole mode: false-discovery rate of the memorized count (default 0.1)', placeholder: 'q' },
  'seed-pairs': {
    type: 'number',
    description: "paper mode: (f, g) seed pairs whose losses are averaged (default: the preset's)",
    placeholder: 'n',
  },
  set: { type: 'string', description: 'preset fields to override, as JSON, e.g. \'{"epochs":100,"augment":"mild"}\'', placeholder: 'json' },
} as const;

function overridesFrom(options: { epochs?: number; snapshots?: number; set?: string; 'seed-pairs'?: number }): Record<string, unknown> {
  let extra: unknown = {};
  if (options.set) {
    try {
      extra = JSON.parse(options.set);
    } catch {
      throw new UsageError(`--set is not valid JSON: ${options.set}`);
    }
    if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) throw new UsageError('--set must be a JSON object');
  }
  // 0 is a value, not "not given": --epochs 0 is refused (a run that trains nothing has no scores).
  if (options.epochs !== undefined && (!Number.isInteger(options.epochs) || options.epochs < 1))
    throw new UsageError(`--epochs must be a whole number >= 1, got ${options.epochs}`);
  if (options.snapshots !== undefined && (!Number.isInteger(options.snapshots) || options.snapshots < 0))
    throw new UsageError(`--snapshots must be a whole number >= 0, got ${options.snapshots}`);
  const pairs = options['seed-pairs'];
  if (pairs !== undefined && (!Number.isInteger(pairs) || pairs < 1 || pairs > 16))
    throw new UsageError(`--seed-pairs must be a whole number from 1 to 16, got ${pairs}`);
  return {
    ...(extra as Record<string, unknown>),
    ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
    ...(options.snapshots !== undefined ? { snapshots: options.snapshots } : {}),
    ...(pairs !== undefined ? { seedPairs: pairs } : {}),
  };
}

/** --mode and its whole-mode options; the backend checks the values (sslmemJobs.ts). */
function modeFrom(options: {
  mode?: string;
  encoders?: number;
  control?: number;
  fdr?: number;
  'seed-pairs'?: number;
  snapshots?: number;
  split?: string;
}) {
  const mode = options.mode ?? 'paper';
  if (mode !== 'paper' && mode !== 'whole') throw new UsageError(`--mode must be paper or whole, got ${mode}`);
  if (mode === 'paper') {
    if (options.encoders !== undefined || options.control !== undefined || options.fdr !== undefined)
      throw new UsageError('--encoders, --control and --fdr need --mode whole');
    return {};
  }
  if (options.split) throw new UsageError('--split belongs to --mode paper (a whole-dataset run draws its own design)');
  if (options['seed-pairs'] !== undefined)
    throw new UsageError('--seed-pairs belongs to --mode paper (whole mode averages over --encoders)');
  if (options.snapshots) throw new UsageError('--snapshots belongs to --mode paper (`sslmem history` reads f and g)');
  return { mode, encoders: options.encoders, control: options.control, fdr: options.fdr } as const;
}

export const runCommand = defineCommand({
  name: 'run',
  summary: 'train f and g (or, with --mode whole, m encoders), compute memorization scores, write the report',
  options: runOptions,
  async run({ options }, io) {
    if (!options.data) throw new UsageError('--data is required');
    const mode = modeFrom(options);
    const workspace = path.resolve(options.workspace ?? '.');
    return runWithProgress(options, io, (client, signal, onProgress) =>
      client.request(
        'runSslmem',
        {
          data: path.resolve(options.data!),
          preset: options.preset ?? (mode.mode === 'whole' ? 'whole-quick' : 'quick'),
          storeDir: path.join(workspace, '.sslmem', 'runs'),
          cacheDir: path.join(workspace, '.sslmem', 'cache'),
          seed: options.seed,
          splitFile: options.split ? path.resolve(options.split) : undefined,
          overrides: overridesFrom(options),
          ...mode,
          ...runtimeFrom(options),
          executor: executorFrom(options),
          concurrentTraining: concurrentFrom(options),
        },
        { signal, onProgress },
      ),
    );
  },
});
