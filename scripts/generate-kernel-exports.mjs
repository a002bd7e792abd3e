#!/usr/bin/env node
// `node scripts/generate-kernel-exports.mjs` (run by `npm run build:wasm` after the four asc
// builds): writes src/backend/kernel-exports.ts, the TypeScript interface of the kernels' wasm
// exports, from the `--bindings raw` declarations asc writes next to each build (build/*.d.ts).
// Every export keeps the parameter names and AssemblyScript types of its source, so a call site
// reads `kernels().gemm(transA, transB, ...)`, type-checked, and a kernel whose signature changes
// breaks the build of every caller instead of passing them misplaced numbers.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The four builds of asconfig.json, by the file asc writes; the threads builds may export more. */
export const KERNEL_BUILDS = [
  { target: 'release', file: 'build/simdgrad', threads: false },
  { target: 'relaxed', file: 'build/simdgrad-relaxed', threads: false },
  { target: 'threads', file: 'build/simdgrad-threads', threads: true },
  { target: 'threads-relaxed', file: 'build/simdgrad-threads-relaxed', threads: true },
];

export const OUTPUT = 'src/backend/kernel-exports.ts';

// What a raw export passes for each AssemblyScript type: wasm i32 and f32/f64 arrive as numbers
// (i32 signed even where the source says u32 or usize), i64 as bigint.
const JS_TYPES = { i8: 'number', u8: 'number', i16: 'number', u16: 'number', i32: 'number', u32: 'number', usize: 'number', isize: 'number', bool: 'number', f32: 'number', f64: 'number', i64: 'bigint', u64: 'bigint' };

/**
 * The exports one build's `.d.ts` declares, in its order: functions with their source
 * (`assembly/gemm`), parameter names and AssemblyScript types, and the memory.
 */
export function readBindings(declarations, name) {
  const source = ts.createSourceFile(name, declarations, ts.ScriptTarget.ES2022, true);
  const namespace = source.statements.find((s) => ts.isModuleDeclaration(s) && s.name.text === '__AdaptedExports');
  if (!namespace?.body || !ts.isModuleBlock(namespace.body)) throw new Error(`${name}: no \`namespace __AdaptedExports\`: is it asc's --bindings raw output?`);
  return namespace.body.statements.map((statement) => {
    if (ts.isVariableStatement(statement)) {
      const [variable] = statement.declarationList.declarations;
      if (variable?.name.getText() !== 'memory' || variable.type?.getText() !== 'WebAssembly.Memory') throw new Error(`${name}: unexpected export \`${statement.getText()}\``);
      return { kind: 'memory', name: 'memory' };
    }
    if (!ts.isFunctionDeclaration(statement) || !statement.name) throw new Error(`${name}: unexpected declaration \`${statement.getText()}\``);
    const kernel = statement.name.text;
    const tags = ts.getJSDocTags(statement);
    const typeOf = (tag) => {
      const type = /`([a-z0-9]+)`/.exec(typeof tag.comment === 'string' ? tag.comment : '')?.[1];
      if (!type || !(type in JS_TYPES)) throw new Error(`${name}: ${kernel}: AssemblyScript type \`${tag.comment}\` is not a number a raw export can pass`);
      return type;
    };
    const paramTypes = new Map(tags.filter(ts.isJSDocParameterTag).map((tag) => [tag.name.getText(), typeOf(tag)]));
    const params = statement.parameters.map((parameter) => {
      const paramName = parameter.name.getText();
      if (parameter.questionToken || parameter.dotDotDotToken) throw new Error(`${name}: ${kernel}: optional or rest parameter ${paramName} (raw exports take fixed numbers)`);
      const type = paramTypes.get(paramName);
      if (!type) throw new Error(`${name}: ${kernel}: no AssemblyScript type for parameter ${paramName}`);
      return { name: paramName, type };
    });
    const returns = tags.find((tag) => tag.tagName.text === 'returns');
    const summary = ts.getJSDocCommentsAndTags(statement).filter(ts.isJSDoc).map((doc) => (typeof doc.comment === 'string' ? doc.comment : '')).join('\n');
    const where = /^(assembly\/[\w/-]+)\/\w+$/m.exec(summary.trim())?.[1];
    if (!where) throw new Error(`${name}: ${kernel}: no source path in its doc comment`);
    return { kind: 'function', name: kernel, source: `${where}.ts`, params, returns: returns ? typeOf(returns) : 'void' };
  });
}

/**
 * The text of src/backend/kernel-exports.ts from the four builds' declarations (`bindings`:
 * target name → `.d.ts` text). The same declarations give the same text, byte for byte.
 * Throws where the builds disagree in a way the two interfaces cannot say: a kernel whose
 * signature differs between builds, or one that some but not all plain builds export.
 */
export function generateKernelExports(bindings) {
  const builds = KERNEL_BUILDS.map((build) => {
    const declarations = bindings[build.target];
    if (declarations === undefined) throw new Error(`no bindings for the ${build.target} build`);
    return { ...build, exports: readBindings(declarations, `${build.file}.d.ts`) };
  });
  const signature = (entry) => JSON.stringify(entry);
  const everywhere = builds[0].exports.filter((entry) => builds.every((build) => build.exports.some((other) => signature(other) === signature(entry))));
  const inAll = new Set(everywhere.map((entry) => entry.name));
  const threadsOnly = builds.find((build) => build.threads).exports.filter((entry) => !inAll.has(entry.name));
  for (const build of builds) {
    const expected = build.threads ? [...everywhere, ...threadsOnly] : everywhere;
    const expectedSignatures = new Set(expected.map(signature));
    const extra = build.exports.filter((entry) => !expectedSignatures.has(signature(entry)));
    const missing = expected.filter((entry) => !build.exports.some((other) => signature(other) === signature(entry)));
    if (extra.length > 0 || missing.length > 0) {
      const describe = (entries) => entries.map((entry) => entry.name).join(', ') || 'nothing';
      throw new Error(
        `the ${build.target} build exports ${describe(extra)} beyond, and lacks ${describe(missing)} of, what ${build.threads ? 'every threads build' : 'every build'} exports ` +
          '(or the same kernel has another signature there): KernelExports models kernels common to all four builds plus ThreadsKernelExports for both threads builds; export the same kernels from the builds of a kind, or extend this generator.',
      );
    }
  }
  const used = new Set([...everywhere, ...threadsOnly].flatMap((entry) => (entry.kind === 'function' ? [...entry.params.map((p) => p.type), entry.returns] : [])));
  const aliases = Object.keys(JS_TYPES).filter((type) => used.has(type));
  return [
    '// Generated by scripts/generate-kernel-exports.mjs from asc\'s `--bindings raw` declarations of the',
    '// four builds: do not edit; `npm run build:wasm` rebuilds the kernels and regenerates this file.',
    '',
    '// The AssemblyScript types of the kernels\' parameters, as a raw wasm export receives them.',
    ...aliases.map((type) => `type ${type} = ${JS_TYPES[type]};`),
    '',
    '/** The wasm exports of every build (release, relaxed, threads, threads-relaxed): each kernel takes pointers and sizes. */',
    'export interface KernelExports {',
    ...members(everywhere),
    '}',
    '',
    ...(threadsOnly.length > 0
      ? ['/** The threads builds\' exports: every build\'s, and the kernels a worker runs on its part of a task. */', 'export interface ThreadsKernelExports extends KernelExports {', ...members(threadsOnly), '}']
      : ['/** The threads builds\' exports: today the same as every build\'s. */', 'export type ThreadsKernelExports = KernelExports;']),
    '',
  ].join('\n');
}

function members(entries) {
  let source = null;
  return entries.flatMap((entry) => {
    if (entry.kind === 'memory') return ['  readonly memory: WebAssembly.Memory;'];
    const heading = entry.source === source ? [] : [`  // ${entry.source}`];
    source = entry.source;
    return [...heading, `  ${entry.name}(${entry.params.map((p) => `${p.name}: ${p.type}`).join(', ')}): ${entry.returns};`];
  });
}

/** Reads build/*.d.ts under `root` (written by asc --bindings raw) into what generateKernelExports takes. */
export function readBuildBindings(root) {
  return Object.fromEntries(
    KERNEL_BUILDS.map((build) => {
      const path = new URL(`${build.file}.d.ts`, root);
      if (!existsSync(path)) throw new Error(`${build.file}.d.ts is missing: \`npm run build:wasm\` writes it (asconfig.json asks asc for --bindings raw)`);
      return [build.target, readFileSync(path, 'utf8')];
    }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = new URL('..', import.meta.url);
  const path = new URL(OUTPUT, root);
  const text = generateKernelExports(readBuildBindings(root));
  // Rewritten only when it changes, so a rebuild of the same kernels leaves the sources untouched.
  if (existsSync(path) && readFileSync(path, 'utf8') === text) {
    console.log(`${OUTPUT} is up to date`);
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${OUTPUT}`);
  }
}
