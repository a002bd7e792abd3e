import { describe, expect, it } from 'vitest';
import { data } from 'simdgrad';

const { encodeIdx, fashionMnistFromIdx, FASHION_MNIST_CLASSES } = data;

// Three 2x2 "images" with pixels 0..11 scaled by 20, and their labels.
function tinyFiles() {
  const images = encodeIdx({ shape: [3, 2, 2], data: Uint8Array.from({ length: 12 }, (_, i) => i * 20 + 15) });
  const labels = encodeIdx({ shape: [3], data: Uint8Array.of(9, 0, 4) });
  return { trainImages: images, trainLabels: labels, testImages: images.buffer, testLabels: labels.buffer };
}

describe('fashionMnistFromIdx', () => {
  it('scales images to [0, 1] as [N, 1, H, W] float32 and keeps labels as Int32Array', async () => {
    const { train, test, classNames } = await fashionMnistFromIdx(tinyFiles());
    expect(train.images.shape).toEqual([3, 1, 2, 2]);
    expect([...train.images.toFloat32Array().subarray(0, 4)]).toEqual([15, 35, 55, 75].map((p) => Math.fround(p / 255)));
    expect(train.labels).toEqual(Int32Array.of(9, 0, 4));
    expect(test.images.toArray()).toEqual(train.images.toArray());
    expect(classNames[train.labels[0]!]).toBe('Ankle boot');
    expect(FASHION_MNIST_CLASSES).toHaveLength(10);
    train.images.dispose();
    test.images.dispose();
  });

  it('says so when the files are swapped or do not belong together', async () => {
    const files = tinyFiles();
    await expect(fashionMnistFromIdx({ ...files, trainImages: files.trainLabels })).rejects.toThrow(
      /trainImages holds Uint8Array data of shape \[3\]; expected uint8 images of shape \[N, height, width\] .*Were the files swapped\?/,
    );
    const twoLabels = encodeIdx({ shape: [2], data: Uint8Array.of(1, 2) });
    await expect(fashionMnistFromIdx({ ...files, testLabels: twoLabels })).rejects.toThrow(/test has 3 images but 2 labels/);
    const badLabel = encodeIdx({ shape: [3], data: Uint8Array.of(1, 10, 2) });
    await expect(fashionMnistFromIdx({ ...files, trainLabels: badLabel })).rejects.toThrow(/trainLabels\[1\] is 10, but Fashion-MNIST has classes 0..9/);
  });
});
