// Which points an analysis runs over (PointSet), resolved against a finished run's split and scores.
import type { Split } from '../runs/subsets';
import { scoredIndices } from '../runs/subsets';
import { trainingIndices } from '../sslmem/split';
import type { PointSet } from './types';

const SUBSET_NAMES = ['S_S', 'S_C', 'S_I', 'S_E'] as const;

/** Parses 'S_C', 'S_C,S_S', 'top:50', 'train', 'all'. */
export function parsePointSet(text: string): PointSet {
  const t = text.trim();
  if (t === 'train') return { kind: 'train' };
  if (t === 'all') return { kind: 'all' };
  const top = /^top:(\d+)$/.exec(t);
  if (top) {
    const k = Number(top[1]);
    if (!(k >= 1)) throw new Error(`top:k needs k >= 1, got '${t}'`);
    return { kind: 'top', k };
  }
  const names = t.split(',').map((s) => s.trim());
  if (!names.length || names.some((n) => !(SUBSET_NAMES as readonly string[]).includes(n))) {
    throw new Error(`a point set is a subset list (S_S, S_C, S_I, S_E, comma-separated), top:<k>, train or all; got '${text}'`);
  }
  return { kind: 'subset', subsets: [...new Set(names)] as (typeof SUBSET_NAMES)[number][] };
}

export function describePointSet(s: PointSet): string {
  switch (s.kind) {
    case 'subset':
      return s.subsets.join(' ∪ ');
    case 'top':
      return `top ${s.k} by score`;
    case 'train':
      return "the encoder's training data";
    case 'all':
      return 'every scored point';
  }
}

/** Dataset indices of the set, ascending. `encoder` picks the training data for 'train'. */
export function resolvePointSet(s: PointSet, split: Split, scoreByIndex: Float64Array, encoder: 'f' | 'g' = 'f'): Int32Array {
  let out: Int32Array;
  switch (s.kind) {
    case 'subset': {
      const parts = s.subsets.map((n) => split[n]);
      out = new Int32Array(parts.reduce((a, p) => a + p.length, 0));
      let o = 0;
      for (const p of parts) {
        out.set(p, o);
        o += p.length;
      }
      break;
    }
    case 'top': {
      const scored = Array.from(scoredIndices(split)).filter((i) => Number.isFinite(scoreByIndex[i]));
      scored.sort((a, b) => scoreByIndex[b] - scoreByIndex[a] || a - b);
      out = Int32Array.from(scored.slice(0, s.k));
      break;
    }
    case 'train':
      out = trainingIndices(split, encoder);
      break;
    case 'all':
      out = scoredIndices(split);
      break;
  }
  if (!out.length) throw new Error(`the point set (${describePointSet(s)}) is empty in this run`);
  return out.sort();
}
