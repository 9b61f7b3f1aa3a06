// Runs async jobs with at most `limit` in flight. Decoding is CPU-bound in libvips threads; bounding it
// keeps a 2-core machine responsive (and other engineers'/users' work alive) while a dataset decodes.

export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  job: (item: T, index: number) => Promise<R>,
  onProgress?: (done: number, total: number) => void,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await job(items[index], index);
      done++;
      onProgress?.(done, items.length);
    }
  }
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, () => worker());
  await Promise.all(workers);
  return results;
}
