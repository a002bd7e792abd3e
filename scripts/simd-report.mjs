#!/usr/bin/env node
// Counts the SIMD (v128) instructions each exported kernel executes, its callees included, by
// disassembling the built module with binaryen (AssemblyScript's own optimizer).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import binaryen from 'binaryen';

const SIMD_OP = /\b(v128|f32x4|i32x4|i16x8|i8x16|f64x2|i64x2)\.[a-z_0-9]+/g;

/** Map of export name -> number of SIMD instructions in it and everything it calls. */
export function simdInstructionCounts(bytes) {
  const module = binaryen.readBinary(bytes);
  const text = module.emitText();
  module.dispose();
  const bodies = new Map();
  for (const chunk of text.split(/\n (?=\(func )/).slice(1)) {
    const name = /^\(func \$(\S+)/.exec(chunk)?.[1];
    if (name) bodies.set(name, { own: (chunk.match(SIMD_OP) ?? []).length, calls: [...chunk.matchAll(/\(call \$(\S+?)[\s)]/g)].map((m) => m[1]) });
  }
  const total = (name, seen = new Set()) => {
    if (seen.has(name) || !bodies.has(name)) return 0;
    seen.add(name);
    const body = bodies.get(name);
    return body.own + body.calls.reduce((n, callee) => n + total(callee, seen), 0);
  };
  const counts = new Map();
  for (const [, exported, internal] of text.matchAll(/\(export "([^"]+)" \(func \$([^)\s]+)\)\)/g)) counts.set(exported, total(internal));
  return counts;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? new URL('../build/simdgrad.wasm', import.meta.url);
  const counts = simdInstructionCounts(readFileSync(file));
  const width = Math.max(...[...counts.keys()].map((k) => k.length));
  console.log(`${'kernel'.padEnd(width)}  v128 instructions`);
  for (const [name, count] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) console.log(`${name.padEnd(width)}  ${count}`);
}
