// Small type guards shared by every webview protocol (score panel, training view, retrain view, ...).
// Whatever a webview posts is untrusted input: each protocol module validates with these before use.

export { isObject } from '../engine/util/guards';

export const isIntIn = (x: unknown, lo: number, hi: number): x is number =>
  typeof x === 'number' && Number.isInteger(x) && x >= lo && x <= hi;

export const isStringArray = (x: unknown, maxLength = 10_000): x is string[] =>
  Array.isArray(x) && x.length <= maxLength && x.every((s) => typeof s === 'string');

export const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
