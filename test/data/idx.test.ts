import { describe, expect, it } from 'vitest';
import { data } from 'simdgrad';

const { parseIdx, decodeIdx, encodeIdx } = data;

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('parseIdx', () => {
  it('reads hand-written uint8 bytes: magic, big-endian dims, then the values', () => {
    const bytes = Uint8Array.of(0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 250, 251, 255);
    const idx = parseIdx(bytes);
    expect(idx.shape).toEqual([2, 3]);
    expect(idx.data).toBeInstanceOf(Uint8Array);
    expect([...idx.data]).toEqual([1, 2, 3, 250, 251, 255]);
  });

  it('reads big-endian int16, int32, float32 and float64 written by hand', () => {
    expect([...parseIdx(Uint8Array.of(0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe)).data]).toEqual([258, -2]);
    expect([...parseIdx(Uint8Array.of(0, 0, 0x0c, 1, 0, 0, 0, 1, 0x80, 0, 0, 1)).data]).toEqual([-2147483647]);
    expect([...parseIdx(Uint8Array.of(0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0)).data]).toEqual([1.5]);
    expect([...parseIdx(Uint8Array.of(0, 0, 0x0e, 1, 0, 0, 0, 1, 0xc0, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18)).data]).toEqual([-Math.PI]);
    expect([...parseIdx(Uint8Array.of(0, 0, 0x09, 1, 0, 0, 0, 2, 0x7f, 0x80)).data]).toEqual([127, -128]);
  });

  it('reads a zero-dimensional array (one value) and an empty one', () => {
    expect(parseIdx(Uint8Array.of(0, 0, 0x08, 0, 42))).toEqual({ shape: [], data: Uint8Array.of(42) });
    expect(parseIdx(Uint8Array.of(0, 0, 0x0d, 2, 0, 0, 0, 0, 0, 0, 0, 5)).shape).toEqual([0, 5]);
  });

  it('reads from a Uint8Array that starts inside a larger buffer', () => {
    const buffer = new Uint8Array(64);
    buffer.set(encodeIdx({ shape: [2], data: Int32Array.of(7, -9) }), 13);
    expect([...parseIdx(buffer.subarray(13, 13 + 16)).data]).toEqual([7, -9]);
  });
});

describe('encodeIdx and decodeIdx round trip', () => {
  const arrays = [
    { shape: [3, 2, 2], data: Uint8Array.from({ length: 12 }, (_, i) => i * 21) },
    { shape: [4], data: Int8Array.of(-128, -1, 0, 127) },
    { shape: [2, 3], data: Int16Array.of(-32768, -1, 0, 1, 1000, 32767) },
    { shape: [1, 1, 1, 3], data: Int32Array.of(-2147483648, 0, 2147483647) },
    { shape: [5], data: Float32Array.of(0.1, -2.5, 1e-30, 3e38, -0) },
    { shape: [2, 2], data: Float64Array.of(Math.E, -Math.PI, 1e-300, Number.MAX_VALUE) },
  ];

  for (const array of arrays) {
    const type = array.data.constructor.name;
    it(`${type} ${JSON.stringify(array.shape)}, raw and gzipped`, async () => {
      const bytes = encodeIdx(array);
      const raw = await decodeIdx(bytes);
      expect(raw.shape).toEqual(array.shape);
      expect(raw.data).toBeInstanceOf(array.data.constructor);
      expect([...raw.data]).toEqual([...array.data]);
      const gzipped = await decodeIdx((await gzip(bytes)).buffer);
      expect(gzipped).toEqual(raw);
    });
  }
});

describe('IDX errors say what is wrong and how to fix it', () => {
  const valid = encodeIdx({ shape: [2, 3], data: Uint8Array.of(1, 2, 3, 4, 5, 6) });

  it('too short for the magic number', () => {
    expect(() => parseIdx(Uint8Array.of(0, 0))).toThrow(/parseIdx: got 2 bytes, fewer than the 4-byte IDX magic number/);
  });

  it('bad magic number, and a gzip stream passed to parseIdx', async () => {
    expect(() => parseIdx(Uint8Array.of(0x50, 0x4b, 3, 4, 0))).toThrow(/bad magic number 50 4b 03 04; an IDX file starts with two zero bytes/);
    expect(() => parseIdx(Uint8Array.of(0x1f, 0x8b, 8, 0, 0))).toThrow(/a gzip stream, not an IDX header; use await decodeIdx\(bytes\)/);
  });

  it('unknown element type code', () => {
    expect(() => parseIdx(Uint8Array.of(0, 0, 0x0a, 1, 0, 0, 0, 1, 5))).toThrow(/unknown element type code 0x0a .*IDX defines 0x08 \(uint8\), 0x09 \(int8\)/);
  });

  it('header cut off inside the dimensions', () => {
    expect(() => parseIdx(valid.subarray(0, 9))).toThrow(/declares 2 dimensions \(12 header bytes\) but the file has only 9 bytes; it is truncated/);
  });

  it('data shorter or longer than the dimensions say', () => {
    expect(() => parseIdx(valid.subarray(0, valid.length - 2))).toThrow(/shape \[2, 3\] of uint8 needs 6 data bytes after the 12-byte header, but 4 follow; the file is truncated: re-download it/);
    const float32 = encodeIdx({ shape: [2], data: Float32Array.of(1, 2) });
    const longer = Uint8Array.of(...float32, 9);
    expect(() => parseIdx(longer)).toThrow(/needs 8 data bytes .* but 9 follow; 1 bytes are left over/);
  });

  it('a truncated gzipped file is reported by decodeIdx', async () => {
    const gzipped = await gzip(encodeIdx({ shape: [1000], data: Float64Array.from({ length: 1000 }, Math.sqrt) }));
    await expect(decodeIdx(gzipped.subarray(0, gzipped.length / 2))).rejects.toThrow(/decodeIdx: the gzip stream .* is corrupt or truncated/);
  });

  it('a corrupt gzip stream is reported by decodeIdx', async () => {
    const gzipped = await gzip(valid);
    const corrupt = gzipped.slice();
    corrupt.fill(0xff, 10, corrupt.length - 8);
    await expect(decodeIdx(corrupt)).rejects.toThrow(/decodeIdx: the gzip stream \(\d+ bytes\) is corrupt or truncated \(.+\); re-download the file/);
  });

  it('a gzip bomb is refused once it outgrows its header, without inflating the rest', async () => {
    // A valid header for shape [4] of uint8 (12 bytes in all), then 64 MiB of zeros: ~64 KiB gzipped.
    const header = encodeIdx({ shape: [4], data: Uint8Array.of(1, 2, 3, 4) });
    const inflated = new Uint8Array(64 * 1024 * 1024);
    inflated.set(header);
    const bomb = await gzip(inflated);
    expect(bomb.length).toBeLessThan(inflated.length / 500);

    const error = await decodeIdx(bomb).then(() => null, (e: Error) => e);
    expect(error?.message).toMatch(/^simdgrad: decodeIdx: the gzip stream inflates to more than the 12 bytes its header declares; stopped after inflating \d+ bytes\. The file is corrupt \(or a decompression bomb\)/);
    const inflatedBeforeRefusing = Number(/after inflating (\d+) bytes/.exec(error!.message)![1]);
    expect(inflatedBeforeRefusing).toBeLessThan(8 * 1024 * 1024);
  });

  it('a gzipped file that is not IDX is refused at its first bytes', async () => {
    const notIdx = new Uint8Array(32 * 1024 * 1024).fill(0x41);
    await expect(decodeIdx(await gzip(notIdx))).rejects.toThrow(/parseIdx: bad magic number 41 41 41 41/);
  });

  it('encodeIdx refuses a shape that does not match the data', () => {
    expect(() => encodeIdx({ shape: [2, 2], data: Uint8Array.of(1, 2, 3) })).toThrow(/encodeIdx: shape \[2, 2\] holds 4 values but data has 3/);
  });
});
