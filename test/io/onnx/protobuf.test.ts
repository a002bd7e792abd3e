import { describe, expect, it } from 'vitest';
import { ProtoWriter } from '../../../src/io/onnx/protobuf.js';

const bytes = (writer: ProtoWriter) => [...writer.finish()];

describe('ProtoWriter writes the protobuf wire format', () => {
  it('varints as the protobuf documentation encodes them, negative int64 in ten bytes, booleans as 0/1', () => {
    expect(bytes(new ProtoWriter().int(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytes(new ProtoWriter().int(2, -1))).toEqual([0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(bytes(new ProtoWriter().int(3, true).int(3, false))).toEqual([0x18, 1, 0x18, 0]);
    expect(bytes(new ProtoWriter().int(1, 2 ** 40))).toEqual([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
  });

  it('strings, float32 and packed repeated fields, and nested messages length-prefixed', () => {
    expect(bytes(new ProtoWriter().string(2, 'testing'))).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
    expect(bytes(new ProtoWriter().float(2, 1))).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    expect(bytes(new ProtoWriter().ints(4, [3, 270, 86942]))).toEqual([0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05]);
    expect(bytes(new ProtoWriter().floats(7, [1, -2]))).toEqual([0x3a, 0x08, 0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
    expect(bytes(new ProtoWriter().message(3, new ProtoWriter().int(1, 150)))).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
  });

  it('refuses a number it cannot write exactly', () => {
    expect(() => new ProtoWriter().int(1, 0.5)).toThrow('simdgrad: ProtoWriter: 0.5 is not an integer that can be written exactly.');
  });
});
