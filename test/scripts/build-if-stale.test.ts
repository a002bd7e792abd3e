import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILD_OUTPUTS, staleReason } from '../../scripts/build-if-stale.mjs';

let root: string;

function writeAt(path: string, seconds: number): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '');
  utimesSync(file, seconds, seconds);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'simdgrad-build-if-stale-'));
  writeAt('src/tensor.ts', 1000);
  writeAt('assembly/gemm.ts', 1000);
  writeAt('rollup.config.mjs', 1000);
  for (const output of BUILD_OUTPUTS) writeAt(output, 2000);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('staleReason (npm run demo builds only when it says why)', () => {
  it('is null when every output is newer than every source', () => {
    expect(staleReason(root)).toBeNull();
  });

  it('names a source file changed since the build, however deep', () => {
    writeAt('src/nn/linear.ts', 3000);
    expect(staleReason(root)).toBe('src/nn/linear.ts changed since the last build');
  });

  it('compares with the oldest output, and counts the build configuration as a source', () => {
    writeAt('dist/node.js', 500);
    expect(staleReason(root)).toMatch(/changed since the last build$/);
    writeAt('dist/node.js', 2000);
    writeAt('rollup.config.mjs', 2500);
    expect(staleReason(root)).toBe('rollup.config.mjs changed since the last build');
  });

  it('names a missing output', () => {
    rmSync(join(root, 'dist/slim.js'));
    expect(staleReason(root)).toBe('dist/slim.js is missing');
  });
});
