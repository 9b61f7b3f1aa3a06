// When no file of a dataset can be used, the reasons are the whole answer: they go into the error itself
// (grouped, most common first, with example files), not only into the -v log.
import type { SkippedFile } from '../data/types';

export function noSamplesMessage(data: string, skipped: readonly SkippedFile[]): string {
  if (skipped.length === 0) return `no samples in ${data}: it holds no candidate files`;
  const byReason = new Map<string, string[]>();
  for (const s of skipped) {
    // Group by the reason's wording without file-specific numbers (sizes, offsets).
    const key = s.reason.replace(/\d+/g, 'N');
    byReason.set(key, [...(byReason.get(key) ?? []), s.path]);
  }
  const groups = [...byReason.entries()].sort((a, b) => b[1].length - a[1].length);
  const lines = groups.slice(0, 8).map(
    ([reason, files]) =>
      `  ${files.length} × ${skipped.find((s) => s.reason.replace(/\d+/g, 'N') === reason)!.reason} (e.g. ${files
        .slice(0, 3)
        .map((f) => JSON.stringify(f))
        .join(', ')})`,
  );
  if (groups.length > 8) lines.push(`  … and ${groups.length - 8} other reasons`);
  return `no usable samples in ${data}: all ${skipped.length} file(s) were skipped:\n${lines.join('\n')}\n(run with -v / --verbose to list every file with its reason)`;
}
