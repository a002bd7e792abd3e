import { backend } from './backend/backend.js';
import type { BackwardOptions } from './autograd/backward.js';
import type { GradNode } from './autograd/node.js';
import { trackInScope } from './scope.js';
import { countCreated, countReleased, liveTensorCount, liveTensorsByOp, type LiveTensorsByOp } from './live-tensors.js';
import { Storage } from './storage.js';
import { checkShape, formatShape, shapeSize } from './shape-util.js';
import type { TensorOps } from './ops/tensor-ops.js';
import type { TopkOptions } from './ops/extremum.js';
import type { VarianceOptions } from './ops/moments.js';

// The ops behind the methods: they import Tensor, so ops/tensor-ops.ts provides them at load.
let ops: TensorOps;

/** @internal Called once by ops/tensor-ops.ts. */
export function provideTensorOps(table: TensorOps): void {
  ops = table;
}

interface Finalized {
  storage: Storage;
  creator: string;
  bytes: number;
}

const finalizer = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry<Finalized>(({ storage, creator, bytes }) => {
    countReleased(creator, bytes);
    storage.release();
  })
  : null;

/**
 * A float32, contiguous, row-major array in the kernels' linear memory. Free it with dispose(),
 * `using`, or tidy(); the garbage collector is only a safety net.
 */
export class Tensor {
  readonly isSimdgradTensor = true;
  readonly shape: readonly number[];
  readonly size: number;
  requiresGrad: boolean;
  /** Accumulated gradient of a leaf tensor after backward(). */
  grad: Tensor | null = null;
  private node: GradNode | null = null;
  private disposed = false;
  private kept = false;
  private readonly finalized: Finalized;

  /** @internal Tensors are made by factories (tensor, zeros, ...) and ops. */
  constructor(private readonly storage: Storage, shape: readonly number[], options: { requiresGrad?: boolean; track?: boolean; creator?: string } = {}) {
    this.shape = Object.freeze([...shape]);
    this.size = shapeSize(shape);
    this.requiresGrad = options.requiresGrad ?? false;
    this.finalized = { storage, creator: options.creator ?? 'an op', bytes: this.size * 4 };
    countCreated(this.finalized.creator, this.finalized.bytes);
    finalizer?.register(this, this.finalized, this);
    if (options.track !== false) trackInScope(this);
  }

  /** @internal A new uninitialised tensor. */
  static empty(shape: readonly number[], what?: string): Tensor {
    checkShape(shape, what ?? 'tensor');
    return new Tensor(Storage.allocate(shapeSize(shape), what ?? shape), shape);
  }

  /** @internal A tensor over the same memory with another shape of the same size. */
  static view(source: Tensor, shape: readonly number[]): Tensor {
    source.assertAlive('view');
    source.storage.retain();
    return new Tensor(source.storage, shape, { creator: source.finalized.creator });
  }

  get ndim(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** @internal False once disposed, or once the memory under it was freed. */
  get isAlive(): boolean {
    return !this.disposed && this.storage.alive;
  }

  /** @internal The op or factory that made this tensor, as memory({ detail: true }) groups it. */
  get creator(): string {
    return this.finalized.creator;
  }

  /** @internal Names the op that made this tensor (ops create their outputs before they know it). */
  labelCreator(op: string): void {
    if (this.disposed || this.finalized.creator === op) return;
    countReleased(this.finalized.creator, this.finalized.bytes);
    this.finalized.creator = op;
    countCreated(op, this.finalized.bytes);
  }

  get isKept(): boolean {
    return this.kept;
  }

  /** The op that produced this tensor, when it was recorded for backward. */
  get gradFn(): GradNode | null {
    return this.node;
  }

  get isLeaf(): boolean {
    return this.node === null;
  }

  /** @internal Byte offset of the data in linear memory. */
  get ptr(): number {
    this.assertAlive('use');
    return this.storage.ptr;
  }

  /** @internal True when no other tensor shares this memory. */
  get ownsStorageAlone(): boolean {
    return !this.storage.shared;
  }

  /** A copy of the values. */
  toFloat32Array(): Float32Array {
    const start = this.ptr >>> 2;
    return backend().allocator.f32().slice(start, start + this.size);
  }

  /** The values as nested arrays, like PyTorch's tolist(). */
  toArray(): NestedArray {
    return nest(this.toFloat32Array(), this.shape, 0, 0).value;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`simdgrad: item() needs a tensor with one element, got shape ${formatShape(this.shape)}; use toFloat32Array() for more.`);
    return backend().allocator.f32()[this.ptr >>> 2]!;
  }

  /**
   * Computes gradients of this tensor with respect to every leaf that requires them, as PyTorch's
   * backward(gradient?, retain_graph?): `loss.backward()`, `loss.backward({ retainGraph: true })`,
   * or `y.backward(upstream, { retainGraph })` for a tensor that is not a single value.
   */
  backward(upstreamOrOptions?: Tensor | BackwardOptions, options?: BackwardOptions): void {
    const upstream = upstreamOrOptions instanceof Tensor ? upstreamOrOptions : undefined;
    const opts = checkBackwardOptions(upstream ? options : upstreamOrOptions ?? options);
    this.assertAlive('backward');
    if (!this.requiresGrad) {
      throw new Error(`simdgrad: backward() on a tensor of shape ${formatShape(this.shape)} that does not require grad: no input was created with { requiresGrad: true } (or it was computed inside noGrad()).`);
    }
    if (upstream) {
      upstream.assertAlive('backward upstream');
      if (!sameShape(upstream.shape, this.shape)) throw new Error(`simdgrad: backward(upstream): upstream has shape ${formatShape(upstream.shape)} but the tensor has shape ${formatShape(this.shape)}; they must match.`);
      ops.runBackward(this, upstream, opts);
    } else {
      if (this.size !== 1) throw new Error(`simdgrad: backward() without an upstream gradient needs a one-element tensor (a loss), got shape ${formatShape(this.shape)}; pass backward(upstream) with that shape.`);
      const one = ops.onesLike(this);
      try {
        ops.runBackward(this, one, opts);
      } finally {
        one.dispose();
      }
    }
  }

  /** Frees the memory (unless the autograd tape still needs it) and invalidates this handle. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    countReleased(this.finalized.creator, this.finalized.bytes);
    finalizer?.unregister(this);
    this.storage.release();
    this.node?.unref();
    if (this.grad && this.isLeaf) {
      this.grad.dispose();
      this.grad = null;
    }
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** A tensor sharing this memory that is cut off from the graph. */
  detach(): Tensor {
    this.assertAlive('detach');
    return Tensor.view(this, this.shape);
  }

  clone(): Tensor {
    return ops.clone(this);
  }

  reshape(...shape: number[] | [readonly number[]]): Tensor {
    return ops.reshape(this, flattenArgs(shape));
  }

  flatten(startDim = 0, endDim = -1): Tensor {
    return ops.flatten(this, startDim, endDim);
  }

  /** dim0 and dim1 swapped (a copy); without dims, the transpose of a 2-D tensor. */
  transpose(dim0?: number, dim1?: number): Tensor {
    return ops.transpose(this, dim0, dim1);
  }

  get T(): Tensor {
    return ops.transpose(this);
  }

  add(other: Tensor | number): Tensor { return ops.add(this, other); }
  sub(other: Tensor | number): Tensor { return ops.sub(this, other); }
  mul(other: Tensor | number): Tensor { return ops.mul(this, other); }
  div(other: Tensor | number): Tensor { return ops.div(this, other); }
  neg(): Tensor { return ops.neg(this); }
  exp(): Tensor { return ops.exp(this); }
  log(): Tensor { return ops.log(this); }
  sqrt(): Tensor { return ops.sqrt(this); }
  pow(exponent: number): Tensor { return ops.pow(this, exponent); }
  matmul(other: Tensor): Tensor { return ops.matmul(this, other); }
  relu(): Tensor { return ops.relu(this); }
  sigmoid(): Tensor { return ops.sigmoid(this); }
  tanh(): Tensor { return ops.tanh(this); }
  softmax(dim = -1): Tensor { return ops.softmax(this, dim); }
  logSoftmax(dim = -1): Tensor { return ops.logSoftmax(this, dim); }
  sum(dim?: number | number[] | null, keepdim = false): Tensor { return ops.sum(this, dim, keepdim); }
  mean(dim?: number | number[] | null, keepdim = false): Tensor { return ops.mean(this, dim, keepdim); }
  max(dim?: number | number[] | null, keepdim = false): Tensor { return ops.max(this, dim, keepdim); }
  min(dim?: number | number[] | null, keepdim = false): Tensor { return ops.min(this, dim, keepdim); }
  permute(...dims: number[] | [readonly number[]]): Tensor { return ops.permute(this, flattenArgs(dims)); }
  unsqueeze(dim: number): Tensor { return ops.unsqueeze(this, dim); }
  squeeze(dim?: number | readonly number[]): Tensor { return ops.squeeze(this, dim); }
  expand(...sizes: number[] | [readonly number[]]): Tensor { return ops.expand(this, flattenArgs(sizes)); }
  slice(dim: number, start?: number, end?: number, step?: number): Tensor { return ops.slice(this, dim, start, end, step); }
  narrow(dim: number, start: number, length: number): Tensor { return ops.narrow(this, dim, start, length); }
  select(dim: number, index: number): Tensor { return ops.select(this, dim, index); }
  split(splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] { return ops.split(this, splitSizeOrSections, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return ops.chunk(this, chunks, dim); }
  gather(dim: number, index: Tensor): Tensor { return ops.gather(this, dim, index); }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return ops.scatterAdd(this, dim, index, src); }
  indexSelect(dim: number, index: Tensor): Tensor { return ops.indexSelect(this, dim, index); }
  eq(other: Tensor | number): Tensor { return ops.eq(this, other); }
  ne(other: Tensor | number): Tensor { return ops.ne(this, other); }
  lt(other: Tensor | number): Tensor { return ops.lt(this, other); }
  le(other: Tensor | number): Tensor { return ops.le(this, other); }
  gt(other: Tensor | number): Tensor { return ops.gt(this, other); }
  ge(other: Tensor | number): Tensor { return ops.ge(this, other); }
  /** This where condition is true (nonzero), else other, as torch's x.where(condition, other). */
  where(condition: Tensor, other: Tensor | number): Tensor { return ops.where(condition, this, other); }
  maskedFill(mask: Tensor, value: number): Tensor { return ops.maskedFill(this, mask, value); }
  abs(): Tensor { return ops.abs(this); }
  clamp(min: number | null = null, max: number | null = null): Tensor { return ops.clamp(this, min, max); }
  minimum(other: Tensor | number): Tensor { return ops.minimum(this, other); }
  maximum(other: Tensor | number): Tensor { return ops.maximum(this, other); }
  argmax(dim?: number, keepdim = false): Tensor { return ops.argmax(this, dim, keepdim); }
  argmin(dim?: number, keepdim = false): Tensor { return ops.argmin(this, dim, keepdim); }
  topk(k: number, options: TopkOptions = {}): { values: Tensor; indices: Tensor } { return ops.topk(this, k, options); }
  cumsum(dim: number): Tensor { return ops.cumsum(this, dim); }
  tril(diagonal = 0): Tensor { return ops.tril(this, diagonal); }
  triu(diagonal = 0): Tensor { return ops.triu(this, diagonal); }
  var(dim?: number | number[] | null, options: VarianceOptions = {}): Tensor { return ops.variance(this, dim, options); }
  std(dim?: number | number[] | null, options: VarianceOptions = {}): Tensor { return ops.std(this, dim, options); }
  logsumexp(dim: number | number[] | null, keepdim = false): Tensor { return ops.logsumexp(this, dim, keepdim); }

  toString(): string {
    return `Tensor(shape=${formatShape(this.shape)}${this.requiresGrad ? ', requiresGrad' : ''}${this.disposed ? ', disposed' : ''})`;
  }

  /** @internal */
  attachGradFn(node: GradNode): void {
    this.node = node;
    this.requiresGrad = true;
  }

  /** @internal Keeps this memory alive for a backward pass, invisible to tidy(). */
  aliasForTape(): Tensor {
    this.assertAlive('save for backward');
    this.storage.retain();
    return new Tensor(this.storage, this.shape, { track: false, creator: this.finalized.creator });
  }

  /** @internal */
  markKept(): void {
    this.kept = true;
  }

  /** @internal */
  assertAlive(action: string): void {
    if (!this.isAlive) {
      throw new Error(`simdgrad: cannot ${action} a disposed tensor (shape ${formatShape(this.shape)}). It was freed by dispose() or by an enclosing tidy(); keep() it or return it from tidy() to use it later.`);
    }
  }
}

export type NestedArray = number | NestedArray[];

export interface MemoryInfo {
  /** Live tensor handles (views and tensors the autograd tape holds count too). */
  tensors: number;
  /** Bytes of linear memory in live blocks. */
  bytes: number;
  /** Live blocks of linear memory. */
  blocks: number;
  /** The largest tensor, in bytes, that can still be allocated without freeing anything. */
  largestFreeBlock: number;
  /** Size of the whole wasm memory. */
  wasmBytes: number;
  /** With { detail: true }: live tensors grouped by the op or factory that made them, most bytes first. */
  byOp?: LiveTensorsByOp[];
}

/** Live tensors and the linear memory they hold; `{ detail: true }` also groups them by the op that made them. */
export function memory(options: { detail?: boolean } = {}): MemoryInfo {
  const stats = backend().allocator.stats();
  const info: MemoryInfo = { tensors: liveTensorCount(), bytes: stats.bytesInUse, blocks: stats.blocks, largestFreeBlock: stats.largestFreeBlock, wasmBytes: stats.memoryBytes };
  if (options?.detail) info.byOp = liveTensorsByOp();
  return info;
}

function nest(data: Float32Array, shape: readonly number[], dim: number, offset: number): { value: NestedArray; next: number } {
  if (dim === shape.length) return { value: data[offset]!, next: offset + 1 };
  const out: NestedArray[] = [];
  let next = offset;
  for (let i = 0; i < shape[dim]!; i++) {
    const child = nest(data, shape, dim + 1, next);
    out.push(child.value);
    next = child.next;
  }
  return { value: out, next };
}

function checkBackwardOptions(value: unknown): BackwardOptions {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`simdgrad: backward(upstream?, options?): expected an upstream gradient Tensor and/or an options object ({ retainGraph }), got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? `the string ${JSON.stringify(value)}` : `${typeof value} ${String(value)}`}. For a tensor that is not a single value, pass backward(upstream) with its shape.`);
  }
  const retainGraph = (value as BackwardOptions).retainGraph;
  if (retainGraph !== undefined && typeof retainGraph !== 'boolean') throw new Error(`simdgrad: backward(): retainGraph must be true or false, got ${String(retainGraph)}.`);
  return value as BackwardOptions;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function flattenArgs(args: number[] | [readonly number[]]): number[] {
  return Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : (args as number[]);
}
