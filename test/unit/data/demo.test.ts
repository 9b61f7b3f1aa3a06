import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listImageFolder, readImageFolder } from '../../../src/engine/data/image-folder';
import { parseIdx } from '../../../src/engine/data/idx';
import { FASHION_DIR, hasFashion } from './fixtures';

const DEMO = join(__dirname, '../../../../demo/fashion-mnist');

describe('shipped demo dataset', () => {
  test('10 class folders of 300 small PNGs each', async () => {
    const listing = await listImageFolder(DEMO);
    assert.equal(listing.classNames.length, 10);
    const counts = new Map<string, number>();
    for (const e of listing.entries) counts.set(e.className!, (counts.get(e.className!) ?? 0) + 1);
    assert.deepEqual([...counts.values()], new Array(10).fill(300));
    const total = listing.entries.reduce((s, e) => s + e.size, 0);
    assert.ok(total < 2.5e6, `demo PNGs total ${total} bytes`);
  });

  test(
    'the "bag" images are exactly Fashion-MNIST train images of class 8 at the indices in their names',
    { skip: !hasFashion && 'Debian dataset-fashion-mnist not installed' },
    async () => {
      const images = parseIdx(readFileSync(join(FASHION_DIR, 'train-images-idx3-ubyte.gz')));
      const labels = parseIdx(readFileSync(join(FASHION_DIR, 'train-labels-idx1-ubyte.gz')));
      const d = await readImageFolder(join(DEMO, 'bag'), { height: 28, width: 28, channels: 1 });
      assert.equal(d.n, 300);
      assert.deepEqual(d.skipped, []);
      d.paths.forEach((p, i) => {
        const index = Number(p.replace('.png', ''));
        assert.equal(labels.data[index], 8, `${p} label`);
        assert.ok(
          Buffer.from(d.images.subarray(i * 784, (i + 1) * 784)).equals(images.data.subarray(index * 784, (index + 1) * 784)),
          `${p} pixels`,
        );
      });
      // The generator takes the first 300 bags of the train set.
      const firstBags = [];
      for (let i = 0; firstBags.length < 300; i++) if (labels.data[i] === 8) firstBags.push(i);
      assert.deepEqual(
        d.paths.map((p) => Number(p.replace('.png', ''))),
        firstBags,
      );
    },
  );
});
