import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { data } from 'simdgrad';
import { DEBIAN_FASHION_MNIST_DIR, loadFashionMnist, locateFashionMnist } from 'simdgrad/node';

describe('loadFashionMnist', () => {
  it('loads the committed subset: 6000 + 1000 images in [0, 1], 10 balanced classes', async () => {
    const dataset = await loadFashionMnist({ source: 'subset' });
    expect(dataset.source).toBe('subset');
    expect(dataset.dir).toMatch(/data[/\\]fashion-mnist-subset$/);
    const { train, test } = dataset;
    expect(train.images.shape).toEqual([6000, 1, 28, 28]);
    expect(test.images.shape).toEqual([1000, 1, 28, 28]);
    for (const { images, labels, perClass } of [{ ...train, perClass: 600 }, { ...test, perClass: 100 }]) {
      const pixels = images.toFloat32Array();
      let min = Infinity;
      let max = -Infinity;
      for (const p of pixels) {
        min = Math.min(min, p);
        max = Math.max(max, p);
      }
      expect([min, max]).toEqual([0, 1]);
      const counts = new Array(10).fill(0);
      for (const label of labels) counts[label]++;
      expect(counts).toEqual(new Array(10).fill(perClass));
      images.dispose();
    }
    expect(dataset.classNames[0]).toBe('T-shirt/top');
  });

  it('prefers the full Debian dataset when it is installed', async () => {
    const installed = existsSync(join(DEBIAN_FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'));
    if (installed) {
      expect(await locateFashionMnist()).toEqual({ source: 'full', dir: DEBIAN_FASHION_MNIST_DIR });
    } else {
      expect((await locateFashionMnist()).source).toBe('subset');
      await expect(locateFashionMnist({ source: 'full' })).rejects.toThrow(/apt-get install dataset-fashion-mnist/);
    }
  });

  describe('from a folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'simdgrad-fashion-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const images = data.encodeIdx({ shape: [2, 28, 28], data: Uint8Array.from({ length: 2 * 784 }, (_, i) => i % 256) });
    const labels = data.encodeIdx({ shape: [2], data: Uint8Array.of(3, 7) });

    it('reads the four files gzipped or raw and reports source "dir"', async () => {
      writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(images));
      writeFileSync(join(dir, 'train-labels-idx1-ubyte'), labels);
      writeFileSync(join(dir, 't10k-images-idx3-ubyte'), images);
      writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(labels));
      const dataset = await loadFashionMnist({ dir });
      expect(dataset.source).toBe('dir');
      expect(dataset.dir).toBe(dir);
      expect(dataset.train.labels).toEqual(Int32Array.of(3, 7));
      expect(dataset.test.images.toFloat32Array()[255]).toBe(1);
      dataset.train.images.dispose();
      dataset.test.images.dispose();
    });

    it('names the files missing from the folder', async () => {
      const empty = mkdtempSync(join(tmpdir(), 'simdgrad-empty-'));
      await expect(loadFashionMnist({ dir: empty })).rejects.toThrow(
        /loadFashionMnist\(\{ dir: '.*' \}\): train-images-idx3-ubyte\(\.gz\), train-labels-idx1-ubyte\(\.gz\), t10k-images-idx3-ubyte\(\.gz\), t10k-labels-idx1-ubyte\(\.gz\) not found there/,
      );
      rmSync(empty, { recursive: true });
    });
  });

  it('refuses an unknown source', async () => {
    await expect(locateFashionMnist({ source: 'mnist' as 'full' })).rejects.toThrow(/source must be 'auto', 'full' or 'subset'/);
  });
});
