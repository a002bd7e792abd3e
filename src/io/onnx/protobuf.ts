/**
 * The protobuf wire format (https://protobuf.dev/programming-guides/encoding/), only what ONNX
 * files need: varints, 64-bit-safe negative integers, float32, strings, bytes, nested messages
 * and packed repeated fields. Fields are written in the order they are added.
 */

const VARINT = 0;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;
const TWO_POW_64 = 1n << 64n;
const utf8 = new TextEncoder();

export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  /** An int32, int64, enum or bool field; negative values take ten bytes, as int64 does. */
  int(field: number, value: number | boolean): this {
    this.tag(field, VARINT);
    this.varint(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return this.push(bytes);
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, LENGTH_DELIMITED);
    this.varint(value.length);
    return this.push(value);
  }

  message(field: number, message: ProtoWriter): this {
    return this.bytes(field, message.finish());
  }

  /** A packed repeated int64 field; an empty one is left out, which protobuf reads the same. */
  ints(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const packed = new ProtoWriter();
    for (const value of values) packed.varint(value);
    return this.bytes(field, packed.finish());
  }

  /** A packed repeated float field; an empty one is left out. */
  floats(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const bytes = new Uint8Array(4 * values.length);
    const view = new DataView(bytes.buffer);
    values.forEach((value, i) => view.setFloat32(4 * i, value, true));
    return this.bytes(field, bytes);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  private varint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new Error(`simdgrad: ProtoWriter: ${value} is not an integer that can be written exactly.`);
    let rest = value < 0 ? BigInt(value) + TWO_POW_64 : BigInt(value);
    const bytes: number[] = [];
    do {
      const low = Number(rest & 0x7fn);
      rest >>= 7n;
      bytes.push(rest > 0n ? low | 0x80 : low);
    } while (rest > 0n);
    this.push(Uint8Array.from(bytes));
  }

  private push(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.length += bytes.length;
    return this;
  }
}
