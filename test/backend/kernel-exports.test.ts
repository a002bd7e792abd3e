import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { generateKernelExports, KERNEL_BUILDS, OUTPUT, readBuildBindings } from '../../scripts/generate-kernel-exports.mjs';

const root = new URL('../../', import.meta.url);
const generatedSource = readFileSync(new URL(OUTPUT, root), 'utf8');

// What the committed interfaces declare, as `name/arity` (and `memory`), read from the source
// text: KernelExports, and ThreadsKernelExports' own members (none when it is an alias).
function declaredExports(source: string): { every: string[]; threadsOnly: string[] } {
  const file = ts.createSourceFile(OUTPUT, source, ts.ScriptTarget.ES2022, true);
  const membersOf = (name: string): string[] | null => {
    const found = file.statements.find((s) => (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name.text === name);
    if (!found) throw new Error(`${OUTPUT} declares no ${name}`);
    if (ts.isTypeAliasDeclaration(found)) return null;
    return (found as ts.InterfaceDeclaration).members.map((member) => {
      const memberName = member.name!.getText(file);
      return ts.isMethodSignature(member) ? `${memberName}/${member.parameters.length}` : memberName;
    });
  };
  const threads = file.statements.find((s) => ts.isTypeAliasDeclaration(s) && s.name.text === 'ThreadsKernelExports') as ts.TypeAliasDeclaration | undefined;
  if (threads) expect(threads.type.getText(file)).toBe('KernelExports');
  return { every: membersOf('KernelExports')!, threadsOnly: membersOf('ThreadsKernelExports') ?? [] };
}

// What each build's wasm exports, as `name/arity` (or `memory`), compiled by a child Node that
// has relaxed SIMD (Node 20 needs a flag for it).
function wasmExports(): Record<string, string[]> {
  const relaxedSimdFlags = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];
  const files = KERNEL_BUILDS.flatMap((build) => [...(build.threads ? ['--shared'] : []), `${build.file}.wasm`]);
  return JSON.parse(execFileSync(process.execPath, [...relaxedSimdFlags, 'test/helpers/wasm-exports.mjs', ...files], { cwd: fileURLToPath(root), encoding: 'utf8' }));
}

describe('KernelExports (src/backend/kernel-exports.ts)', () => {
  const declared = declaredExports(generatedSource);
  const compiled = wasmExports();

  for (const build of KERNEL_BUILDS) {
    it(`lists exactly the exports of ${build.file}.wasm, each with its arity`, () => {
      const expected = build.threads ? [...declared.every, ...declared.threadsOnly] : declared.every;
      expect(compiled[`${build.file}.wasm`]!.sort()).toEqual([...expected].sort());
    });
  }

  it('declares the kernels with their parameter names and AssemblyScript types', () => {
    expect(generatedSource).toContain('  gemm(transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: i32): void;');
    expect(generatedSource).toContain('  sumOfSquaresTensors(table: usize, count: i32): f64;');
  });

  it('is what the generator writes from the builds\' bindings, and the generator writes it the same each time', () => {
    const bindings = readBuildBindings(root);
    const first = generateKernelExports(bindings);
    expect(first).toBe(generatedSource);
    const reordered = Object.fromEntries(Object.entries(bindings).reverse());
    expect(generateKernelExports(reordered)).toBe(first);
  });
});

describe('generateKernelExports', () => {
  const bindings = readBuildBindings(root);
  const heapBase = 'export function heapBase(): number;';
  const withExtraKernel = (declarations: string): string =>
    declarations.replace(heapBase, `${heapBase}\n  /**\n   * assembly/gemm/gemmExtraPart\n   * @param begin \`i32\`\n   * @param end \`i32\`\n   */\n  export function gemmExtraPart(begin: number, end: number): void;`);
  const threadsWithExtra = (): Record<string, string> =>
    Object.fromEntries(KERNEL_BUILDS.map((build) => [build.target, build.threads ? withExtraKernel(bindings[build.target]!) : bindings[build.target]!]));

  it('puts kernels only the threads builds export in ThreadsKernelExports', () => {
    const generated = generateKernelExports(threadsWithExtra());
    expect(declaredExports(generated).threadsOnly).toEqual(['gemmExtraPart/2']);
    expect(generated).toContain('export interface ThreadsKernelExports extends KernelExports {\n  // assembly/gemm.ts\n  gemmExtraPart(begin: i32, end: i32): void;\n}');
    expect(declaredExports(generated).every).not.toContain('gemmExtraPart/2');
  });

  it('refuses builds whose exports the two interfaces cannot describe', () => {
    expect(() => generateKernelExports({ ...bindings, relaxed: withExtraKernel(bindings.relaxed!) })).toThrow(/^the relaxed build exports gemmExtraPart beyond, and lacks nothing of, what every build exports/);
    expect(() => generateKernelExports({ ...bindings, threads: withExtraKernel(bindings.threads!) })).toThrow(/the threads-relaxed build .* lacks gemmExtraPart/);
    const renamedParameter = bindings['threads-relaxed']!.replace('export function fill(out: number,', 'export function fill(target: number,').replace('@param out `usize`\n   * @param n `i32`\n   * @param value', '@param target `usize`\n   * @param n `i32`\n   * @param value');
    expect(renamedParameter).not.toBe(bindings['threads-relaxed']);
    expect(() => generateKernelExports({ ...bindings, 'threads-relaxed': renamedParameter })).toThrow(/signature/);
  });

  it('refuses a kernel whose parameter is no number', () => {
    const stringParameter = bindings.release!.replace('@param out `usize`\n   * @param n `i32`\n   * @param value `f32`', '@param out `~lib/string/String`\n   * @param n `i32`\n   * @param value `f32`');
    expect(() => generateKernelExports({ ...bindings, release: stringParameter })).toThrow(/fill: AssemblyScript type/);
  });
});
