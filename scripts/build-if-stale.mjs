#!/usr/bin/env node
// `node scripts/build-if-stale.mjs`: runs `npm run build` unless dist/ is newer than every file
// the build reads, so `npm run demo` starts at once after the first time.
import { execSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the build writes; the oldest of them must be newer than every input. */
export const BUILD_OUTPUTS = ['dist/simdgrad.js', 'dist/slim.js', 'dist/node.js', 'dist/simdgrad.wasm', 'dist/simdgrad-relaxed.wasm'];

/** What the build reads: folders (searched recursively) and files. */
export const BUILD_INPUTS = ['assembly', 'src', 'asconfig.json', 'rollup.config.mjs', 'tsconfig.json'];

/** Why `root`'s dist/ needs a rebuild (a missing output, or the newest input), or null when it is fresh. */
export function staleReason(root) {
  let oldestOutput = Infinity;
  for (const output of BUILD_OUTPUTS) {
    const time = modifiedTime(join(root, output));
    if (time === null) return `${output} is missing`;
    oldestOutput = Math.min(oldestOutput, time);
  }
  const newer = BUILD_INPUTS.flatMap((input) => files(join(root, input))).find((file) => modifiedTime(file) > oldestOutput);
  return newer ? `${relative(root, newer)} changed since the last build` : null;
}

function modifiedTime(path) {
  return statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? null;
}

function files(path) {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return [];
  if (!stats.isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => files(join(path, name)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const reason = staleReason(root);
  if (reason) {
    console.log(`building: ${reason}`);
    execSync('npm run build', { cwd: root, stdio: 'inherit' });
  } else {
    console.log('dist/ is up to date with src/ and assembly/: skipping the build');
  }
}
