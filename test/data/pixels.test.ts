import { describe, expect, it } from 'vitest';
import { data, memory } from 'simdgrad';

// A 2 x 2 image, RGBA bytes row by row: red, green / blue, white (half transparent).
const image = { data: new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 128]), width: 2, height: 2 };

function values(t: { toFloat32Array(): Float32Array; dispose(): void }): number[] {
  const out = Array.from(t.toFloat32Array(), (v) => Math.round(v * 1e5) / 1e5);
  t.dispose();
  return out;
}

describe('fromPixels (ImageData and { data, width, height })', () => {
  it('gives RGB planes in [0, 1], shaped [1, 3, height, width] (NCHW)', () => {
    const t = data.fromPixels(image);
    expect(t.shape).toEqual([1, 3, 2, 2]);
    expect(values(t)).toEqual([1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1]);
  });

  it('gives grayscale as PIL does (0.299 R + 0.587 G + 0.114 B), and RGBA with the alpha plane', () => {
    expect(values(data.fromPixels(image, { channels: 1 }))).toEqual([0.299, 0.587, 0.114, 1]);
    expect(values(data.fromPixels(image, { channels: 4 })).slice(12)).toEqual([1, 1, 1, Math.round((128 / 255) * 1e5) / 1e5]);
  });

  it('keeps bytes 0..255 with scale: false, and normalizes by per-channel mean and std', () => {
    expect(values(data.fromPixels(image, { channels: 1, scale: false }))).toEqual([76.245, 149.685, 29.07, 255]);
    expect(values(data.fromPixels(image, { mean: [0.5, 0.5, 0.5], std: [0.5, 0.25, 0.5] }))).toEqual([1, -1, -1, 1, -2, 2, -2, 2, -1, -1, 1, 1]);
    expect(values(data.fromPixels(image, { channels: 1, mean: 0.5, std: 0.5 }))).toEqual([-0.402, 0.174, -0.772, 1]);
  });

  it('refuses bad input before allocating anything, naming the function, the values and the fix', () => {
    const tensors = memory().tensors;
    expect(() => data.fromPixels({ data: new Uint8ClampedArray(12), width: 2, height: 2 })).toThrow(
      'simdgrad: fromPixels: image data of 2 x 2 pixels needs 16 RGBA bytes, got 12; pass { data, width, height } with 4 bytes (R, G, B, A) per pixel, row by row.',
    );
    expect(() => data.fromPixels(image, { channels: 2 as 3 })).toThrow('simdgrad: fromPixels: channels must be 1 (grayscale), 3 (RGB) or 4 (RGBA), got 2.');
    expect(() => data.fromPixels(image, { mean: [0.5, 0.5] })).toThrow('simdgrad: fromPixels: mean [0.5,0.5] must be one finite number or 3 (one per channel, for channels: 3).');
    expect(() => data.fromPixels(image, { std: [1, 0, 1] })).toThrow("simdgrad: fromPixels: std [1, 0, 1] has a zero; every channel's std must be non-zero.");
    expect(() => data.fromPixels(image, { size: [0, 4] })).toThrow('simdgrad: fromPixels: size must be [height, width] of positive integers, got [0,4].');
    expect(memory().tensors).toBe(tensors);
  });

  it('says what is missing where the runtime has no canvas (as Node has none)', async () => {
    expect(() => data.fromPixels(image, { size: [4, 4] })).toThrow(
      'simdgrad: fromPixels: resizing ImageData needs a 2D canvas, and this runtime has neither OffscreenCanvas nor a document; pass ImageData ({ data, width, height } of RGBA bytes) at the size you need.',
    );
    const bitmapLike = { width: 28, height: 28, close() {} } as unknown as ImageBitmap;
    expect(() => data.fromPixels(bitmapLike)).toThrow(/^simdgrad: fromPixels: reading the pixels of an Object needs a 2D canvas/);
    const png = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' });
    expect(() => data.fromPixels(png as unknown as ImageBitmap)).toThrow('simdgrad: fromPixels: got a Blob (encoded image bytes); decoding is asynchronous: use await data.fromPixelsAsync(blob).');
    await expect(data.fromPixelsAsync(png)).rejects.toThrow(
      'simdgrad: fromPixelsAsync: decoding an image file needs createImageBitmap(), which this runtime lacks; decode it yourself and pass ImageData ({ data, width, height } of RGBA bytes).',
    );
  });

  it('fromPixelsAsync takes ImageData too', async () => {
    expect(values(await data.fromPixelsAsync(image, { channels: 1 }))).toEqual([0.299, 0.587, 0.114, 1]);
  });
});
