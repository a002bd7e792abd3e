import { kernels } from '../backend/backend.js';
import { record } from '../autograd/node.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { formatShape } from '../shape-util.js';
import { Tensor } from '../tensor.js';
import { spatialPair, type SpatialSize } from './window.js';
import { checkTensor, describe } from '../check-args.js';

export interface MaxPool2dOptions {
  /** Window size (required). */
  kernelSize: SpatialSize;
  /** Step between windows; defaults to kernelSize. */
  stride?: SpatialSize;
  /** Implicit -infinity on each side (default 0); at most half the kernel size. */
  padding?: SpatialSize;
  /** Spacing between window taps (default 1). */
  dilation?: SpatialSize;
  /** Round the output size up, adding a last window that starts inside the input or left padding (default false). */
  ceilMode?: boolean;
}

export interface AvgPool2dOptions {
  /** Window size (required). */
  kernelSize: SpatialSize;
  /** Step between windows; defaults to kernelSize. */
  stride?: SpatialSize;
  /** Implicit zeros on each side (default 0); at most half the kernel size. */
  padding?: SpatialSize;
  /** Round the output size up, adding a last window that starts inside the input or left padding (default false). */
  ceilMode?: boolean;
  /** Divide by the whole window, padding included (true, the default), or only by the input elements in it. */
  countIncludePad?: boolean;
}

/** A pooling window as exporters need it; padding is [top, left, bottom, right]. */
export interface Pool2dAttributes {
  kernelShape: [number, number];
  stride: [number, number];
  padding: [number, number, number, number];
  dilation: [number, number];
  ceilMode: boolean;
  countIncludePad: boolean;
}

/** The input and output sizes of adaptiveAvgPool2d. */
export interface AdaptivePool2dAttributes {
  inputSize: [number, number];
  outputSize: [number, number];
}

interface PoolGeometry {
  planes: number;
  height: number;
  width: number;
  outH: number;
  outW: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
}

/** Max over each window, as torch.nn.functional.max_pool2d; `maxPool2d(x, 2)` is `{ kernelSize: 2 }`. */
export function maxPool2d(input: Tensor, options: SpatialSize | MaxPool2dOptions): Tensor {
  const opts = asOptions<MaxPool2dOptions>('maxPool2d', options);
  const g = poolGeometry('maxPool2d', input, opts.kernelSize, opts.stride, opts.padding ?? 0, opts.dilation ?? 1, opts.ceilMode ?? false);
  const outShape = [input.shape[0]!, input.shape[1]!, g.outH, g.outW];
  const out = Tensor.empty(outShape);
  // Holds int32 argmax indices, not floats: the tape only needs a block that lives as long as it does.
  const argmax = isGradEnabled() && input.requiresGrad ? Tensor.empty(outShape, 'the maxPool2d argmax indices') : null;
  const args = [g.planes, g.height, g.width, g.outH, g.outW, g.kernelH, g.kernelW, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW] as const;
  const k = kernels();
  k.maxPool2dForward(input.ptr, out.ptr, argmax ? argmax.ptr : 0, ...args);
  if (!argmax) return out;
  record(out, {
    op: 'maxPool2d',
    inputs: [input],
    attributes: poolAttributes(g, opts.ceilMode ?? false, false),
    saved: [argmax],
    backward: (grad, [indices]) => {
      const gx = Tensor.empty(input.shape);
      k.maxPool2dBackward(grad.ptr, indices!.ptr, gx.ptr, ...args);
      return [gx];
    },
  });
  argmax.dispose();
  return out;
}

/** Mean over each window, as torch.nn.functional.avg_pool2d; `avgPool2d(x, 2)` is `{ kernelSize: 2 }`. */
export function avgPool2d(input: Tensor, options: SpatialSize | AvgPool2dOptions): Tensor {
  const opts = asOptions<AvgPool2dOptions>('avgPool2d', options);
  const g = poolGeometry('avgPool2d', input, opts.kernelSize, opts.stride, opts.padding ?? 0, 1, opts.ceilMode ?? false);
  const countIncludePad = (opts.countIncludePad ?? true) ? 1 : 0;
  const args = [g.planes, g.height, g.width, g.outH, g.outW, g.kernelH, g.kernelW, g.strideH, g.strideW, g.padH, g.padW, countIncludePad] as const;
  const out = Tensor.empty([input.shape[0]!, input.shape[1]!, g.outH, g.outW]);
  const k = kernels();
  k.avgPool2dForward(input.ptr, out.ptr, ...args);
  return record(out, {
    op: 'avgPool2d',
    inputs: [input],
    attributes: poolAttributes(g, opts.ceilMode ?? false, countIncludePad === 1),
    backward: (grad) => {
      const gx = Tensor.empty(input.shape);
      k.avgPool2dBackward(grad.ptr, gx.ptr, ...args);
      return [gx];
    },
  });
}

/**
 * Average pooling to a fixed output size, as torch.nn.functional.adaptive_avg_pool2d: output
 * cell i covers input rows floor(i*H/outH) to ceil((i+1)*H/outH). A null size keeps the input's.
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | readonly [number | null, number | null]): Tensor {
  checkPoolInput('adaptiveAvgPool2d', input);
  const [batch, channels, height, width] = input.shape as [number, number, number, number];
  const [outH, outW] = adaptiveSize(outputSize, height, width);
  const args = [batch * channels, height, width, outH, outW] as const;
  const out = Tensor.empty([batch, channels, outH, outW]);
  const k = kernels();
  k.adaptiveAvgPool2dForward(input.ptr, out.ptr, ...args);
  return record(out, {
    op: 'adaptiveAvgPool2d',
    inputs: [input],
    attributes: { inputSize: [height, width], outputSize: [outH, outW] } satisfies AdaptivePool2dAttributes,
    backward: (grad) => {
      const gx = Tensor.empty(input.shape);
      k.adaptiveAvgPool2dBackward(grad.ptr, gx.ptr, ...args);
      return [gx];
    },
  });
}

function poolAttributes(g: PoolGeometry, ceilMode: boolean, countIncludePad: boolean): Pool2dAttributes {
  return {
    kernelShape: [g.kernelH, g.kernelW],
    stride: [g.strideH, g.strideW],
    padding: [g.padH, g.padW, g.padH, g.padW],
    dilation: [g.dilationH, g.dilationW],
    ceilMode,
    countIncludePad,
  };
}

function asOptions<T extends { kernelSize: SpatialSize }>(op: string, options: SpatialSize | T): T {
  if (typeof options === 'number' || Array.isArray(options)) return { kernelSize: options } as T;
  if (options === null || typeof options !== 'object') {
    throw new Error(`simdgrad: ${op}: expected a kernel size (a number or [h, w]) or options with { kernelSize }, got ${describe(options)}.`);
  }
  return options as T;
}

function checkPoolInput(op: string, input: Tensor): void {
  checkTensor(op, 'input', input);
  if (input.ndim !== 4) throw new Error(`simdgrad: ${op}: expected a 4-D input [N, C, H, W], got ${formatShape(input.shape)}; add a batch dimension with reshape([1, ...shape]) for a single image.`);
}

function poolGeometry(
  op: string, input: Tensor, kernelSize: SpatialSize | undefined, stride: SpatialSize | undefined,
  padding: SpatialSize, dilation: SpatialSize, ceilMode: boolean,
): PoolGeometry {
  checkPoolInput(op, input);
  if (kernelSize === undefined) throw new Error(`simdgrad: ${op}: kernelSize is required, e.g. ${op}(x, { kernelSize: 2 }) or ${op}(x, 2).`);
  const [kernelH, kernelW] = spatialPair(op, kernelSize, 'kernelSize', 1);
  const [strideH, strideW] = spatialPair(op, stride ?? kernelSize, 'stride', 1);
  const [padH, padW] = spatialPair(op, padding, 'padding', 0);
  const [dilationH, dilationW] = spatialPair(op, dilation, 'dilation', 1);
  if (padH > kernelH / 2 || padW > kernelW / 2) {
    throw new Error(`simdgrad: ${op}: padding [${padH}, ${padW}] must be at most half the kernel size [${kernelH}, ${kernelW}]; use padding <= [${Math.floor(kernelH / 2)}, ${Math.floor(kernelW / 2)}] or a larger kernel.`);
  }
  const [batch, channels, height, width] = input.shape as [number, number, number, number];
  const outH = pooledSize(height, kernelH, strideH, padH, dilationH, ceilMode);
  const outW = pooledSize(width, kernelW, strideW, padW, dilationW, ceilMode);
  if (outH < 1 || outW < 1) {
    throw new Error(
      `simdgrad: ${op}: the window ${kernelH}x${kernelW} (dilation ${dilationH}x${dilationW}) is larger than the padded input ` +
        `${height + 2 * padH}x${width + 2 * padW} (input ${formatShape(input.shape)}, padding [${padH}, ${padW}]); the output would be ${outH}x${outW}. Use a smaller kernel or a larger input.`,
    );
  }
  return { planes: batch * channels, height, width, outH, outW, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW };
}

// PyTorch's rule: with ceilMode the last window must still start inside the input or the left padding.
function pooledSize(size: number, kernel: number, stride: number, pad: number, dilation: number, ceilMode: boolean): number {
  const room = size + 2 * pad - dilation * (kernel - 1) - 1;
  let out = Math.floor((room + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

function adaptiveSize(outputSize: number | readonly [number | null, number | null], height: number, width: number): [number, number] {
  const pair = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
  const sizes = Array.isArray(pair) && pair.length === 2 ? [pair[0] ?? height, pair[1] ?? width] : [];
  if (sizes.length !== 2 || !sizes.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new Error(`simdgrad: adaptiveAvgPool2d: outputSize must be a positive integer or a pair [h, w] of them (null keeps the input size), got ${JSON.stringify(outputSize)}.`);
  }
  return [sizes[0]!, sizes[1]!];
}
