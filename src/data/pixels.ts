import { checkOptions, describe as describeValue } from '../check-args.js';
import { tensor } from '../creation.js';
import type { Tensor } from '../tensor.js';

/** RGBA bytes, row by row, as ImageData holds them (an ImageData is one). */
export interface ImageDataLike {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

/** What canvas' drawImage() draws: an <img>, a <canvas>, an OffscreenCanvas, an ImageBitmap, a <video>. */
export type DrawableImage = CanvasImageSource;

export type PixelSource = ImageDataLike | DrawableImage;

export interface FromPixelsOptions {
  /** 1: grayscale (luma 0.299 R + 0.587 G + 0.114 B, as PIL's convert('L')); 3: RGB (default); 4: RGBA. */
  channels?: 1 | 3 | 4;
  /** Divide by 255, to [0, 1] as torchvision's ToTensor (default true). */
  scale?: boolean;
  /** Subtracted from each channel after scaling (one number, or one per channel), as transforms.Normalize (default 0). */
  mean?: number | readonly number[];
  /** Each channel is divided by it after subtracting the mean (default 1). */
  std?: number | readonly number[];
  /** [height, width] to resize to (bilinear, by a canvas: needs OffscreenCanvas or a document); default: the source's size. */
  size?: readonly [number, number];
}

interface Normalization {
  channels: 1 | 3 | 4;
  scale: number;
  mean: number[];
  std: number[];
  size: readonly [number, number] | null;
}

const LUMA = [0.299, 0.587, 0.114] as const;

/**
 * The pixels of an image as a float32 tensor of shape [1, channels, height, width] (NCHW, a batch
 * of one), like TensorFlow.js' tf.browser.fromPixels followed by torchvision's ToTensor and
 * Normalize. Takes ImageData (or any { data, width, height } of RGBA bytes) anywhere; a canvas, an
 * <img>, an ImageBitmap or a <video> where the runtime has OffscreenCanvas or a document.
 * For a File or Blob, or an <img> still loading, use fromPixelsAsync().
 */
export function fromPixels(source: PixelSource, options: FromPixelsOptions = {}): Tensor {
  const normalization = checkPixelOptions(options, 'fromPixels');
  return toTensor(readRgba(source, normalization.size, 'fromPixels'), normalization);
}

/** fromPixels() that also takes a File or Blob of an encoded image (PNG, JPEG...) and waits for an <img> to load. */
export async function fromPixelsAsync(source: PixelSource | Blob, options: FromPixelsOptions = {}): Promise<Tensor> {
  const normalization = checkPixelOptions(options, 'fromPixelsAsync');
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const bitmap = await decodeBlob(source);
    try {
      return toTensor(readRgba(bitmap, normalization.size, 'fromPixelsAsync'), normalization);
    } finally {
      bitmap.close();
    }
  }
  if (isLoadingImage(source)) await source.decode();
  return toTensor(readRgba(source as PixelSource, normalization.size, 'fromPixelsAsync'), normalization);
}

function checkPixelOptions(options: FromPixelsOptions, op: string): Normalization {
  options = checkOptions<FromPixelsOptions>(op, options) as FromPixelsOptions;
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new Error(`simdgrad: ${op}: channels must be 1 (grayscale), 3 (RGB) or 4 (RGBA), got ${String(channels)}.`);
  const mean = perChannel(options.mean ?? 0, channels, 'mean', op);
  const std = perChannel(options.std ?? 1, channels, 'std', op);
  if (std.some((s) => s === 0)) throw new Error(`simdgrad: ${op}: std [${std.join(', ')}] has a zero; every channel's std must be non-zero.`);
  const size = options.size ?? null;
  if (size && (size.length !== 2 || !size.every((d) => Number.isInteger(d) && d > 0))) {
    throw new Error(`simdgrad: ${op}: size must be [height, width] of positive integers, got ${JSON.stringify(size)}.`);
  }
  return { channels, scale: options.scale === false ? 1 : 1 / 255, mean, std, size };
}

function perChannel(value: number | readonly number[], channels: number, name: string, op: string): number[] {
  if (typeof value !== 'number' && !Array.isArray(value)) throw new Error(`simdgrad: ${op}: ${name} must be a number or an array of ${channels} numbers (one per channel), got ${describeValue(value)}.`);
  const values = typeof value === 'number' ? Array<number>(channels).fill(value) : [...value];
  if (values.length !== channels || !values.every(Number.isFinite)) {
    throw new Error(`simdgrad: ${op}: ${name} ${JSON.stringify(value)} must be one finite number or ${channels} (one per channel, for channels: ${channels}).`);
  }
  return values;
}

function toTensor(image: ImageDataLike, { channels, scale, mean, std }: Normalization): Tensor {
  const { data, width, height } = image;
  const plane = width * height;
  const values = new Float32Array(channels * plane);
  for (let p = 0; p < plane; p++) {
    const r = data[4 * p]!;
    const g = data[4 * p + 1]!;
    const b = data[4 * p + 2]!;
    if (channels === 1) {
      values[p] = ((LUMA[0] * r + LUMA[1] * g + LUMA[2] * b) * scale - mean[0]!) / std[0]!;
      continue;
    }
    for (let c = 0; c < channels; c++) values[c * plane + p] = (data[4 * p + c]! * scale - mean[c]!) / std[c]!;
  }
  return tensor(values, [1, channels, height, width]);
}

function readRgba(source: PixelSource, size: readonly [number, number] | null, op: string): ImageDataLike {
  if (typeof source !== 'object' || source === null) {
    throw new Error(`simdgrad: ${op}: source must be an image (ImageData or { data, width, height }, a canvas, an <img>, an ImageBitmap or a <video>), got ${describeValue(source)}.`);
  }
  if (isImageDataLike(source)) {
    checkImageData(source, op);
    if (!size || (size[0] === source.height && size[1] === source.width)) return source;
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    throw new Error(`simdgrad: ${op}: got a ${source.constructor.name} (encoded image bytes); decoding is asynchronous: use await data.fromPixelsAsync(blob).`);
  }
  const [width, height] = isImageDataLike(source) ? [source.width, source.height] : drawableSize(source, op);
  const [outHeight, outWidth] = size ?? [height, width];
  const context = canvas2d(outWidth, outHeight, op, isImageDataLike(source) ? 'resizing ImageData' : `reading the pixels of ${describe(source)}`);
  context.drawImage(isImageDataLike(source) ? imageDataCanvas(source, op) : source, 0, 0, outWidth, outHeight);
  return context.getImageData(0, 0, outWidth, outHeight);
}

function isImageDataLike(source: unknown): source is ImageDataLike {
  const candidate = source as Partial<ImageDataLike>;
  return typeof candidate === 'object' && candidate !== null && ArrayBuffer.isView(candidate.data) && typeof candidate.width === 'number' && typeof candidate.height === 'number';
}

function checkImageData({ data, width, height }: ImageDataLike, op: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || data.length !== 4 * width * height) {
    throw new Error(`simdgrad: ${op}: image data of ${width} x ${height} pixels needs ${4 * width * height} RGBA bytes, got ${data.length}; pass { data, width, height } with 4 bytes (R, G, B, A) per pixel, row by row.`);
  }
}

function isLoadingImage(source: unknown): source is HTMLImageElement {
  return typeof HTMLImageElement !== 'undefined' && source instanceof HTMLImageElement && (!source.complete || source.naturalWidth === 0);
}

function drawableSize(source: DrawableImage, op: string): [number, number] {
  const image = source as Partial<HTMLImageElement & HTMLVideoElement>;
  const width = image.naturalWidth ?? image.videoWidth ?? (source as { width?: unknown }).width;
  const height = image.naturalHeight ?? image.videoHeight ?? (source as { height?: unknown }).height;
  if (typeof width !== 'number' || typeof height !== 'number') {
    throw new Error(`simdgrad: ${op}: cannot read pixels from ${describe(source)}; pass ImageData ({ data, width, height }), a canvas, an <img>, an ImageBitmap or a <video>, or a Blob to fromPixelsAsync.`);
  }
  if (width === 0 || height === 0) {
    throw new Error(`simdgrad: ${op}: ${describe(source)} has no pixels yet (${width} x ${height}): an <img> or <video> that is still loading? await fromPixelsAsync(image), or img.decode() first.`);
  }
  return [width, height];
}

type Context2d = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

// OffscreenCanvas works in workers too; a document's <canvas> covers older browsers.
function canvas2d(width: number, height: number, op: string, purpose: string): Context2d {
  let context: Context2d | null = null;
  if (typeof OffscreenCanvas !== 'undefined') context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  else if (typeof document !== 'undefined') {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    context = canvas.getContext('2d', { willReadFrequently: true });
  } else {
    throw new Error(`simdgrad: ${op}: ${purpose} needs a 2D canvas, and this runtime has neither OffscreenCanvas nor a document; pass ImageData ({ data, width, height } of RGBA bytes) at the size you need.`);
  }
  if (!context) throw new Error(`simdgrad: ${op}: ${purpose}: the runtime refused a 2D canvas context.`);
  context.imageSmoothingQuality = 'high';
  return context;
}

function imageDataCanvas(image: ImageDataLike, op: string): CanvasImageSource {
  const context = canvas2d(image.width, image.height, op, 'resizing ImageData');
  const pixels = context.createImageData(image.width, image.height);
  pixels.data.set(image.data);
  context.putImageData(pixels, 0, 0);
  return context.canvas;
}

async function decodeBlob(blob: Blob): Promise<ImageBitmap> {
  if (typeof createImageBitmap !== 'function') {
    throw new Error('simdgrad: fromPixelsAsync: decoding an image file needs createImageBitmap(), which this runtime lacks; decode it yourself and pass ImageData ({ data, width, height } of RGBA bytes).');
  }
  try {
    return await createImageBitmap(blob);
  } catch (cause) {
    throw new Error(`simdgrad: fromPixelsAsync: could not decode the ${blob.size}-byte ${blob.type || 'blob'} as an image (${(cause as Error).message}); pass a PNG, JPEG, GIF, WebP or BMP file.`, { cause });
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  const name = typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
  return `${/^([aeiou]|HTML)/i.test(name) ? 'an' : 'a'} ${name}`;
}
