/** Reads protobuf messages for tests: each field number to its raw values (numbers for varints and fixed32, bytes for length-delimited). */
export type Fields = Map<number, (bigint | Uint8Array | number)[]>;

export function readMessage(bytes: Uint8Array): Fields {
  const fields: Fields = new Map();
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = bytes[offset++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
      shift += 7n;
    }
  };
  while (offset < bytes.length) {
    const tag = Number(varint());
    const [field, wireType] = [tag >> 3, tag & 7];
    let value: bigint | Uint8Array | number;
    if (wireType === 0) value = varint();
    else if (wireType === 2) {
      const length = Number(varint());
      value = bytes.subarray(offset, offset + length);
      offset += length;
    } else if (wireType === 5) {
      value = new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getFloat32(0, true);
      offset += 4;
    } else throw new Error(`wire type ${wireType} not expected`);
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

export const text = (value: unknown): string => new TextDecoder().decode(value as Uint8Array);

/** The strings of a repeated string field. */
export function strings(message: Fields, field: number): string[] {
  return (message.get(field) ?? []).map(text);
}

/** The sub-messages of a repeated message field. */
export function messages(message: Fields, field: number): Fields[] {
  return (message.get(field) ?? []).map((value) => readMessage(value as Uint8Array));
}
