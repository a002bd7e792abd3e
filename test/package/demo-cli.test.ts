import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

// The demo as `npm run demo -- ARGS` runs it (after the build), on the built package.
function demo(args: string[], cwd = repoRoot): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(repoRoot, 'examples/demo.mjs'), ...args], { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe('examples/demo.mjs (npm run demo)', () => {
  it('--help prints every option with its default and exits 0', async () => {
    const run = await demo(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: npm run demo -- \[options\]/);
    for (const option of ['--model lenet|mlp', '--epochs N', '--batch-size N', '--lr X', '--optimizer adam|adamw|sgd|rmsprop', '--data DIR', '--subset', '--out FILE', '--seed N', '-h, --help']) {
      expect(run.stdout).toContain(option);
    }
    expect(run.stdout).toContain('(default 3)');
  });

  it.each([
    [['--epochs', 'five'], "demo: --epochs must be a whole number >= 1, got 'five'."],
    [['--batch-size', '0'], "demo: --batch-size must be a whole number >= 1, got '0'."],
    [['--lr', 'fast'], "demo: --lr must be a number > 0, such as 1e-3, got 'fast'."],
    [['--model', 'resnet'], "demo: --model must be one of lenet, mlp, got 'resnet'."],
    [['--optimiser', 'sgd'], "demo: Unknown option '--optimiser'."],
    [['--epochs'], "demo: Option '--epochs <value>' argument missing."],
  ])('%j is a clear error, exit code 2, before any training', async (args, message) => {
    const run = await demo(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`${message}\nRun with --help for the options.\n`);
    expect(run.stdout).toBe('');
  });

  it('says where it writes the weights, and writes them to --out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simdgrad-demo-'));
    try {
      const out = join(dir, 'mlp.safetensors');
      const run = await demo(['--model', 'mlp', '--epochs', '1', '--subset', '--out', out], dir);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`the trained weights will be written to ${out} (--out FILE to change)`);
      expect(run.stdout).toContain(`weights saved to ${out};`);
      expect(run.stdout).toMatch(/test accuracy (7\d|8\d)\.\d\d %/);
      expect(existsSync(out)).toBe(true);
      expect(existsSync(join(dir, 'fashion-mnist-model.safetensors'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
