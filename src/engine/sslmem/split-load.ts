// Reading a split from JSON: our own saved splits, or a user-given one (to reproduce a known protocol).
// Accepted: { "S_S": [...], "S_C": [...], "S_I": [...], "S_E": [...] } at the top level or under "subsets",
// each list holding sample indices (numbers) or sample paths (strings, as in Dataset.paths, relative to the
// dataset root; absolute paths inside the root are accepted too). A missing S_E is empty. Mistakes are
// reported all at once, with the subset and the offending entries.
import { promises as fs } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import type { Dataset } from '../data/types';
import { SUBSETS, type Split, type SubsetName } from '../runs/subsets';

export class SplitError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid split:\n  - ${problems.join('\n  - ')}`);
    this.name = 'SplitError';
  }
}

const preview = (items: string[]) => items.slice(0, 5).join(', ') + (items.length > 5 ? `, … (${items.length} in all)` : '');

export function parseSplit(json: unknown, dataset: Pick<Dataset, 'n' | 'paths' | 'root'>): Split {
  const problems: string[] = [];
  if (typeof json !== 'object' || json === null) throw new SplitError(['the file is not a JSON object']);
  const body = ('subsets' in json ? (json as { subsets: unknown }).subsets : json) as Record<string, unknown>;
  if (typeof body !== 'object' || body === null)
    throw new SplitError([`"subsets" must be an object holding the lists S_S, S_C, S_I (and S_E), got ${JSON.stringify(body)}`]);
  const indexOfPath = new Map(dataset.paths.map((p, i) => [p, i]));
  const toIndex = (entry: unknown): number | string => {
    if (typeof entry === 'number')
      return Number.isInteger(entry) && entry >= 0 && entry < dataset.n
        ? entry
        : `index ${entry} (must be an integer in 0..${dataset.n - 1})`;
    if (typeof entry === 'string') {
      let key = entry.replace(/\\/g, '/');
      if (isAbsolute(entry)) key = relative(dataset.root, entry).split(sep).join('/');
      const i = indexOfPath.get(key);
      return i ?? `path ${JSON.stringify(entry)} (not a sample of the dataset)`;
    }
    return `entry ${JSON.stringify(entry)} (must be an index or a path)`;
  };
  const split = {} as Split;
  const owner = new Map<number, SubsetName>();
  for (const name of SUBSETS) {
    const raw = Object.hasOwn(body, name) ? body[name] : undefined;
    if (raw === undefined && name === 'S_E') {
      split[name] = new Int32Array(0);
      continue;
    }
    if (!Array.isArray(raw)) {
      problems.push(`${name} is missing or not a list`);
      split[name] = new Int32Array(0);
      continue;
    }
    const bad: string[] = [];
    const overlaps: string[] = [];
    const indices: number[] = [];
    for (const entry of raw) {
      const i = toIndex(entry);
      if (typeof i === 'string') {
        bad.push(i);
        continue;
      }
      const previous = owner.get(i);
      if (previous) {
        overlaps.push(`${dataset.paths[i]} (#${i}) also in ${previous}`);
        continue;
      }
      owner.set(i, name);
      indices.push(i);
    }
    if (bad.length) problems.push(`${name}: unknown ${preview(bad)}`);
    if (overlaps.length) problems.push(`${name}: subsets must be disjoint: ${preview(overlaps)}`);
    split[name] = Int32Array.from(indices).sort();
  }
  for (const key of Object.keys(body)) {
    if (!(SUBSETS as readonly string[]).includes(key) && typeof body[key] !== 'string' && Array.isArray(body[key]))
      problems.push(`unknown subset "${key}" (expected ${SUBSETS.join(', ')})`);
  }
  if (!problems.length && (split.S_S.length + split.S_C.length === 0 || split.S_S.length + split.S_I.length === 0)) {
    problems.push('f (S_S ∪ S_C) and g (S_S ∪ S_I) each need at least one training sample');
  }
  if (problems.length) throw new SplitError(problems);
  return split;
}

/**
 * SSLMem compares f and g on S_C and S_I (Welch tests need two points a side): a split without them would run
 * to "done" with NaN statistics. The pipelines refuse it up front, before a run folder exists (parseSplit itself
 * also serves tools that read partial splits).
 */
export function checkSplitUsable(split: Split): void {
  const problems: string[] = [];
  for (const name of ['S_C', 'S_I'] as const) {
    if (split[name].length < 2)
      problems.push(`${name} has ${split[name].length} sample(s); SSLMem needs at least 2 in S_C and in S_I to compare f and g`);
  }
  if (problems.length) throw new SplitError(problems);
}

export async function loadSplit(file: string, dataset: Pick<Dataset, 'n' | 'paths' | 'root'>): Promise<Split> {
  const text = await fs.readFile(file, 'utf8').catch((err: Error) => {
    throw new Error(`cannot read split file ${file}: ${err.message}`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`split file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseSplit(json, dataset);
}
