import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { io, manualSeed, nn, noGrad, randn, tensor } from 'simdgrad';

function model(): nn.Sequential {
  return new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.ReLU(), new nn.Linear(4, 2));
}

const input = () => tensor([[0.5, -1, 2], [1, 1, -1], [0, 2, 0.25]]);

/** A model whose BatchNorm running statistics have moved away from their initial values. */
function trainedModel(seed: number): nn.Sequential {
  manualSeed(seed);
  const net = model();
  noGrad(() => net.forward(randn([8, 3])));
  return net.eval();
}

function bytesOf(text: string): number[] {
  return Array.from(new TextEncoder().encode(text));
}

function u64(n: number): number[] {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(n), true);
  return Array.from(bytes);
}

/** A file made by hand: the 8-byte length, the header text as given, then `data`. */
function rawFile(header: string, data: ArrayLike<number> = []): Uint8Array {
  const json = bytesOf(header);
  return Uint8Array.from([...u64(json.length), ...json, ...Array.from(data)]);
}

type Header = Record<string, any>;

function headerOf(file: Uint8Array): Header {
  const length = new DataView(file.buffer, file.byteOffset).getUint32(0, true);
  return JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + length)));
}

function dataOf(file: Uint8Array): Uint8Array {
  const length = new DataView(file.buffer, file.byteOffset).getUint32(0, true);
  return file.subarray(8 + length);
}

/** `file` with its header edited by `edit` (and optionally other data bytes). */
function withHeader(file: Uint8Array, edit: (header: Header) => void, data: ArrayLike<number> = dataOf(file)): Uint8Array {
  const header = headerOf(file);
  edit(header);
  return rawFile(JSON.stringify(header), data);
}

function withFloat(file: Uint8Array, index: number, value: number): Uint8Array {
  const copy = file.slice();
  const dataStart = 8 + new DataView(copy.buffer).getUint32(0, true);
  new DataView(copy.buffer).setFloat32(dataStart + 4 * index, value, true);
  return copy;
}

describe('encodeSafetensors', () => {
  it('lays out the bytes exactly as the safetensors format specifies', () => {
    const state = new Map([
      ['w', { shape: [2], data: Float32Array.of(1, -2) }],
      ['b', { shape: [], data: Float32Array.of(0.5) }],
    ]);
    const file = io.encodeSafetensors(state, { format: 'pt' });

    // Tensors in the reference writer's order: here (one dtype) by name, so 'b' before 'w'.
    const json = '{"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}';
    expect(json.length).toBe(138);
    const padding = [0x20, 0x20, 0x20, 0x20, 0x20, 0x20]; // 138 + 6 = 144, a multiple of 8
    const data = [0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]; // 0.5, 1, -2 as little-endian f32
    expect(Array.from(file)).toEqual([...u64(144), ...bytesOf(json), ...padding, ...data]);
    expect(file.length).toBe(8 + 144 + 12);
  });

  it('writes no __metadata__ without metadata, and an empty state dict as "{}" padded to 8 bytes', () => {
    expect(Array.from(io.encodeSafetensors(new Map()))).toEqual([...u64(8), ...bytesOf('{}      ')]);
    const file = io.encodeSafetensors({ x: { shape: [1, 1], data: Float32Array.of(3) } });
    expect(headerOf(file)).toEqual({ x: { dtype: 'F32', shape: [1, 1], data_offsets: [0, 4] } });
  });

  it('refuses weights holding NaN or Infinity, naming the tensor', () => {
    const state = trainedModel(1).stateDict();
    state.get('3.bias')!.data[1] = NaN;
    expect(() => io.encodeSafetensors(state)).toThrow("simdgrad: encodeSafetensors: tensor '3.bias' holds NaN at index 1");
    state.get('3.bias')!.data[1] = -Infinity;
    expect(() => io.encodeSafetensors(state)).toThrow(/tensor '3\.bias' holds -Infinity at index 1.*lower the learning rate/);
  });

  it('refuses bad entries and metadata with the fix in the message', () => {
    const one = { shape: [1], data: Float32Array.of(1) };
    expect(() => io.encodeSafetensors({ __metadata__: one })).toThrow(/'__metadata__' is reserved.*rename that tensor/);
    expect(() => io.encodeSafetensors({ w: { shape: [2, 2], data: Float32Array.of(1, 2) } })).toThrow("tensor 'w' has shape [2,2] but 2 values");
    expect(() => io.encodeSafetensors({ w: { shape: [2], data: [1, 2] as unknown as Float32Array } })).toThrow(/tensor 'w' must be \{ shape: number\[\], data: Float32Array \}/);
    expect(() => io.encodeSafetensors({ w: one }, { epoch: 3 as unknown as string })).toThrow(/metadata must be an object of string values.*String\(\)/);
  });
});

interface ReferenceCase {
  test: string;
  tensors: { name: string; dtype: 'F32'; shape: number[]; values: number[] }[];
  metadata: Record<string, string> | null;
  hex: string;
}

const reference: { cases: ReferenceCase[] } = JSON.parse(readFileSync(new URL('../fixtures-interop/safetensors-reference.json', import.meta.url), 'utf8'));
const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (byte) => parseInt(byte, 16));

describe('encodeSafetensors writes what the reference writer (safetensors.torch.save_file) writes', () => {
  it.each(reference.cases.map((c) => [c.test, c] as const))('%s', (_, { tensors, metadata, hex }) => {
    const state = new Map(tensors.map(({ name, shape, values }) => [name, { shape, data: Float32Array.from(values) }]));
    expect(io.encodeSafetensors(state, metadata ?? undefined)).toEqual(fromHex(hex));
  });

  it('orders tensors by dtype (I64, F64, F32, I32, BF16, F16, I16, I8, U8, BOOL), then by name, after __metadata__', () => {
    const one = (dtype?: io.SafetensorsDtype) => ({ shape: [1], data: Float32Array.of(1), ...(dtype ? { dtype } : {}) });
    const state = {
      w: one(), mask: one('BOOL'), half: one('F16'), count: one('I64'), brain: one('BF16'), idx: one('I32'),
      small: one('I8'), bytes: one('U8'), short: one('I16'), double: one('F64'), a: one(), 'é': one(), '𝑥': one(), 'ﬀ': one(),
    };
    const file = io.encodeSafetensors(state, { format: 'pt' });
    const entries = [
      ['count', 'I64', 8], ['double', 'F64', 8], ['a', 'F32', 4], ['w', 'F32', 4],
      // Names compare as UTF-8 bytes (code points), as Rust's: U+00E9 < U+FB00 < U+1D465.
      ['é', 'F32', 4], ['ﬀ', 'F32', 4], ['𝑥', 'F32', 4],
      ['idx', 'I32', 4], ['brain', 'BF16', 2], ['half', 'F16', 2], ['short', 'I16', 2], ['small', 'I8', 1], ['bytes', 'U8', 1], ['mask', 'BOOL', 1],
    ] as const;
    let offset = 0;
    const json = '{"__metadata__":{"format":"pt"},' + entries.map(([name, dtype, bytes]) => `"${name}":{"dtype":"${dtype}","shape":[1],"data_offsets":[${offset},${(offset += bytes)}]}`).join(',') + '}';
    const headerBytes = bytesOf(json).length;
    const padded = Math.ceil(headerBytes / 8) * 8;
    expect(Array.from(file.subarray(0, 8 + padded))).toEqual([...u64(padded), ...bytesOf(json), ...Array(padded - headerBytes).fill(0x20)]);
    expect(Array.from(dataOf(file))).toEqual([
      ...[1, 0, 0, 0, 0, 0, 0, 0], ...[0, 0, 0, 0, 0, 0, 0xf0, 0x3f], ...[0, 0, 0x80, 0x3f], ...[0, 0, 0x80, 0x3f], ...[0, 0, 0x80, 0x3f], ...[0, 0, 0x80, 0x3f], ...[0, 0, 0x80, 0x3f],
      ...[1, 0, 0, 0], ...[0x80, 0x3f], ...[0x00, 0x3c], ...[1, 0], 1, 1, 1,
    ]);
  });
});

describe('safetensors dtypes', () => {
  /** A file of one tensor `t` of `dtype` with the given little-endian data bytes. */
  const oneTensor = (dtype: string, shape: number[], data: number[]) => rawFile(JSON.stringify({ t: { dtype, shape, data_offsets: [0, data.length] } }), data);

  it('reads F16 and BF16 (normal, subnormal, signed zero) as float32', () => {
    // F16: 1.5 = 0x3e00, -2 = 0xc000, 2^-24 (smallest subnormal) = 0x0001, 65504 (largest) = 0x7bff, -0 = 0x8000
    const half = io.decodeSafetensors(oneTensor('F16', [5], [0x00, 0x3e, 0x00, 0xc0, 0x01, 0x00, 0xff, 0x7b, 0x00, 0x80])).tensors.get('t')!;
    expect(half).toEqual({ shape: [5], data: Float32Array.of(1.5, -2, 2 ** -24, 65504, -0), dtype: 'F16' });
    // BF16: the top 16 bits of a float32: 1.5 = 0x3fc0, -3.140625 = 0xc049, 1e-40 (subnormal) ~ 0x0001
    const brain = io.decodeSafetensors(oneTensor('BF16', [3], [0xc0, 0x3f, 0x49, 0xc0, 0x01, 0x00])).tensors.get('t')!;
    expect(brain.data).toEqual(Float32Array.of(1.5, -3.140625, 2 ** -133));
  });

  it('keeps integer tensors exact: I64 beyond 2^53 round-trips bit for bit, alongside a float32 copy', () => {
    const big = 2n ** 62n + 1n;
    const i64 = new Uint8Array(BigInt64Array.of(big, -5n).buffer);
    const { tensors } = io.decodeSafetensors(oneTensor('I64', [2], [...i64]));
    const t = tensors.get('t')!;
    expect(t).toEqual({ shape: [2], data: Float32Array.of(2 ** 62, -5), dtype: 'I64', integers: BigInt64Array.of(big, -5n) });
    expect(dataOf(io.encodeSafetensors(tensors))).toEqual(i64);
  });

  it('reads I32, I16, I8, U8 and BOOL, and writes them back byte for byte', () => {
    const cases: [string, number[], number[], number[]][] = [
      ['I32', [0xff, 0xff, 0xff, 0x7f, 0x00, 0x00, 0x00, 0x80], [2147483647, -2147483648], [2147483648, -2147483648]],
      ['I16', [0x34, 0x12, 0xfe, 0xff], [0x1234, -2], [0x1234, -2]],
      ['I8', [0x7f, 0x80], [127, -128], [127, -128]],
      ['U8', [0, 255], [0, 255], [0, 255]],
      ['BOOL', [1, 0, 1], [1, 0, 1], [1, 0, 1]],
    ];
    for (const [dtype, bytes, integers, floats] of cases) {
      const { tensors } = io.decodeSafetensors(oneTensor(dtype, [integers.length], bytes));
      const t = tensors.get('t')!;
      expect([t.dtype, Array.from(t.integers!), Array.from(t.data)]).toEqual([dtype, integers, floats]);
      expect(Array.from(dataOf(io.encodeSafetensors(tensors)))).toEqual(bytes);
    }
  });

  it('writes float32 values as F64, F16 and BF16 rounding to nearest, ties to even, as PyTorch does', () => {
    const encoded = (dtype: io.SafetensorsDtype, values: number[]) => Array.from(dataOf(io.encodeSafetensors({ t: { shape: [values.length], data: Float32Array.from(values), dtype } })));
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: to even, 1 (0x3c00); 1 + 3 * 2^-11: up to 1 + 2^-9 (0x3c02).
    expect(encoded('F16', [1 + 2 ** -11, 1 + 3 * 2 ** -11, 65504, 2 ** -25 * 3])).toEqual([0x00, 0x3c, 0x02, 0x3c, 0xff, 0x7b, 0x02, 0x00]);
    // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: to even, 1 (0x3f80); 1 + 3 * 2^-8: up to 1 + 2^-6 (0x3f82).
    expect(encoded('BF16', [1 + 2 ** -8, 1 + 3 * 2 ** -8, -0])).toEqual([0x80, 0x3f, 0x82, 0x3f, 0x00, 0x80]);
    expect(encoded('F64', [0.1])).toEqual(Array.from(new Uint8Array(Float64Array.of(Math.fround(0.1)).buffer)));
  });

  it('refuses values a dtype cannot store, naming the tensor', () => {
    const entry = (dtype: io.SafetensorsDtype, values: number[]) => ({ t: { shape: [values.length], data: Float32Array.from(values), dtype } });
    expect(() => io.encodeSafetensors(entry('F16', [1, 65520]))).toThrow("simdgrad: encodeSafetensors: tensor 't' holds 65520 at index 1, too large for F16 (it would be stored as Infinity); store it as F32.");
    expect(() => io.encodeSafetensors(entry('I8', [1, 128]))).toThrow("simdgrad: encodeSafetensors: tensor 't' has dtype I8, which cannot store 128 (index 1); store it as F32, or pass whole numbers in range.");
    expect(() => io.encodeSafetensors(entry('I64', [0.5]))).toThrow(/tensor 't' has dtype I64, which cannot store 0\.5 \(index 0\)/);
    expect(() => io.encodeSafetensors(entry('BOOL', [2]))).toThrow(/tensor 't' has dtype BOOL, which cannot store 2/);
    expect(() => io.encodeSafetensors({ t: { shape: [1], data: Float32Array.of(1), dtype: 'I64', integers: Int32Array.of(1) } })).toThrow(/tensor 't' has dtype I64, so its integers must be a BigInt64Array of 1 values, got Int32Array/);
    expect(() => io.encodeSafetensors({ t: { shape: [1], data: Float32Array.of(1), dtype: 'U16' as io.SafetensorsDtype } })).toThrow(/tensor 't' has dtype "U16"; use one of F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL/);
    expect(() => io.decodeSafetensors(oneTensor('BOOL', [1], [2]))).toThrow("simdgrad: decodeSafetensors: tensor 't' of dtype BOOL holds 2 at index 0, but a BOOL is 0 or 1; the file is corrupt.");
    expect(() => io.decodeSafetensors(oneTensor('F16', [1], [0x00, 0x7c]))).toThrow(/tensor 't' holds Infinity at index 0; refusing to load weights/);
  });
});

describe('decodeSafetensors', () => {
  it('reads a file written by Python (safetensors 0.8.0 save_file): F64 and F32, a scalar, metadata', () => {
    // save_file({"fc.weight": float32 [[0.5, -1.25, 2], [3, -0.0, 0.001]], "fc.bias": float64 [0.1, -7.0],
    //            "scale": float32 2.5}, path, metadata={"format": "pt"}) wrote exactly these 268 bytes.
    const header =
      '{"__metadata__":{"format":"pt"},"fc.bias":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},' +
      '"fc.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[16,40]},"scale":{"dtype":"F32","shape":[],"data_offsets":[40,44]}} ';
    const data = '9a9999999999b93f0000000000001cc00000003f0000a0bf0000004000004040000000806f12833a00002040';
    const file = rawFile(header, data.match(/../g)!.map((byte) => parseInt(byte, 16)));
    expect(file.length).toBe(268);

    const { tensors, metadata } = io.decodeSafetensors(file.buffer);
    expect(metadata).toEqual({ format: 'pt' });
    expect([...tensors.keys()]).toEqual(['fc.bias', 'fc.weight', 'scale']);
    expect(tensors.get('fc.bias')).toEqual({ shape: [2], data: Float32Array.of(0.1, -7), dtype: 'F64' });
    expect(tensors.get('fc.weight')).toEqual({ shape: [2, 3], data: Float32Array.of(0.5, -1.25, 2, 3, -0, 0.001) });
    expect(tensors.get('scale')).toEqual({ shape: [], data: Float32Array.of(2.5) });
  });

  it('reads from a view into a larger buffer at an unaligned offset', () => {
    const file = io.encodeSafetensors({ w: { shape: [3], data: Float32Array.of(1.5, -2.25, 1e-7) } });
    const larger = new Uint8Array(file.length + 3);
    larger.set(file, 3);
    expect(io.decodeSafetensors(larger.subarray(3)).tensors.get('w')!.data).toEqual(Float32Array.of(1.5, -2.25, 1e-7));
  });

  it("round-trips a model's state dict: a fresh model loaded from the bytes gives identical outputs", () => {
    const source = trainedModel(1);
    const target = trainedModel(2);
    expect(target.forward(input()).toFloat32Array()).not.toEqual(source.forward(input()).toFloat32Array());

    const file = io.encodeSafetensors(source.stateDict(), { note: 'épreuve ✓' });
    const { tensors, metadata } = io.decodeSafetensors(file);
    // The I64 count first (the widest dtype), then the F32 tensors by name, as the reference writes them.
    expect([...tensors.keys()]).toEqual(['1.num_batches_tracked', '0.bias', '0.weight', '1.bias', '1.running_mean', '1.running_var', '1.weight', '3.bias', '3.weight']);
    expect(tensors.get('1.num_batches_tracked')).toEqual({ shape: [], data: Float32Array.of(1), dtype: 'I64', integers: BigInt64Array.of(1n) });
    for (const [name, { shape, data }] of source.stateDict()) expect(tensors.get(name)).toMatchObject({ shape, data });
    expect(metadata).toEqual({ note: 'épreuve ✓' });

    target.loadStateDict(tensors);
    expect(target.forward(input()).toFloat32Array()).toEqual(source.forward(input()).toFloat32Array());
  });
});

describe('decodeSafetensors refuses corrupt files, and the model is left unchanged', () => {
  let good: Uint8Array;
  beforeAll(() => {
    good = io.encodeSafetensors(trainedModel(2).stateDict());
  });
  const truncatedBy = (bytes: number) => good.subarray(0, good.length - bytes);
  const cases: [string, () => Uint8Array | ArrayBuffer, RegExp][] = [
    ['a file shorter than 8 bytes', () => Uint8Array.of(1, 2, 3), /the data is 3 bytes, but a safetensors file starts with an 8-byte header length; the file is truncated/],
    ['a header length beyond the file', () => Uint8Array.from([...u64(200), ...bytesOf('{}')]), /the header length says 200 bytes, but only 2 follow it; the file is truncated/],
    ['a header length beyond 2^32', () => Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0, ...bytesOf('{}')]), /the header length says 4294967296 bytes/],
    ['a header over the 100 MB the format allows', () => Uint8Array.from([...u64(100_000_008), ...bytesOf('{}')]), /the header length says 100000008 bytes, more than the 100000000 the safetensors format allows/],
    ['a header nested deeper than any safetensors header', () => rawFile(`{"t":${'['.repeat(100_000)}${']'.repeat(100_000)}}`), /the header JSON nests deeper than the 3 levels of a safetensors header/],
    ['a header that is not JSON', () => rawFile('{"0.weight": {"dtype": "F32",'), /the header is not valid UTF-8 JSON \(.*\); the file is corrupt or is not a safetensors file/],
    ['a header that is not UTF-8', () => Uint8Array.from([...u64(2), 0xff, 0xfe]), /the header is not valid UTF-8 JSON/],
    ['a header that is an array', () => rawFile('[1, 2]'), /the header must be a JSON object mapping tensor names to entries, got an array/],
    ['a header that is a number', () => rawFile('42'), /the header must be a JSON object .* got number 42/],
    ['an entry without dtype', () => withHeader(good, (h) => delete h['0.bias'].dtype), /tensor '0\.bias' has no 'dtype'; every header entry needs \{ dtype, shape, data_offsets \}/],
    ['an entry without shape and data_offsets', () => withHeader(good, (h) => (h['3.weight'] = { dtype: 'F32' })), /tensor '3\.weight' has no 'shape', 'data_offsets'/],
    ['an unsupported dtype', () => withHeader(good, (h) => (h['1.num_batches_tracked'].dtype = 'U64')), /tensor '1\.num_batches_tracked' has dtype "U64", but simdgrad reads only F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL; convert it .*v\.float\(\)/],
    ['a shape that is not a list of counts', () => withHeader(good, (h) => (h['0.bias'].shape = [2, -2])), /tensor '0\.bias' has shape \[2,-2\]; a shape must be a list of non-negative integers/],
    ['offsets that are not [begin, end]', () => withHeader(good, (h) => (h['0.bias'].data_offsets = [64, 48])), /tensor '0\.bias' has data_offsets \[64,48\]; they must be \[begin, end\] with 0 <= begin <= end/],
    ['offsets that do not match the shape', () => withHeader(good, (h) => (h['0.bias'].shape = [5])), /tensor '0\.bias' has data_offsets \[8, 24\] \(16 bytes\), but shape \[5\] of F32 needs 20 bytes/],
    ['offsets beyond the data (a truncated file)', () => truncatedBy(4), /tensor '3\.weight' has data_offsets \[144, 176\], beyond the data section's \d+ bytes; the file is truncated/],
    ['overlapping tensors', () => withHeader(good, (h) => (h['0.weight'].data_offsets = [16, 64])), /tensors '0\.bias' \[8, 24\] and '0\.weight' \[16, 64\] overlap/],
    ['a gap between tensors', () => withHeader(good, (h) => (h['3.weight'].data_offsets = [148, 180]), [...dataOf(good), 0, 0, 0, 0]), /bytes \[144, 148\) of the data section, before tensor '3\.weight', belong to no tensor/],
    ['trailing garbage after the data', () => Uint8Array.from([...good, 1, 2, 3, 4]), /the data section has \d+ bytes, but the tensors use only \d+; 4 trailing bytes mean the file is corrupt/],
    ['metadata that is not all strings', () => withHeader(good, (h) => (h.__metadata__ = { epoch: 3 })), /metadata must be an object of string values .*\{"epoch":3\}; the file is corrupt/],
    ['a NaN weight', () => withFloat(good, 6 + 5, NaN), /tensor '0\.weight' holds NaN at index 5; refusing to load weights that are corrupt or come from a diverged model/],
    ['an infinite running variance', () => withFloat(good, 2 + 4 + 12 + 4 + 4 + 2, Infinity), /tensor '1\.running_var' holds Infinity at index 2/],
    ['an F64 value too large for float32', () => rawFile(JSON.stringify({ '0.bias': { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }), new Uint8Array(Float64Array.of(1e300).buffer)), /tensor '0\.bias' holds 1e\+300, too large for float32, at index 0/],
  ];

  it.each(cases)('%s', (_, corrupt, message) => {
    const net = trainedModel(1);
    const before = net.stateDict();
    expect(() => net.loadStateDict(io.decodeSafetensors(corrupt()).tensors)).toThrow(message);
    expect(net.stateDict()).toEqual(before);
  });

  it('names every error after decodeSafetensors', () => {
    for (const [, corrupt] of cases) expect(() => io.decodeSafetensors(corrupt())).toThrow(/^simdgrad: decodeSafetensors: /);
  });

  it('refuses something that is not bytes', () => {
    expect(() => io.decodeSafetensors('weights.safetensors' as unknown as Uint8Array)).toThrow(/expected a Uint8Array or ArrayBuffer with the file's bytes, got string weights\.safetensors/);
  });
});
