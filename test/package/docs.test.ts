import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../portability/harness/paths.js';

describe('npm run docs (TypeDoc, typedoc.json)', () => {
  it('renders the API reference of the three entries with no warning, defaults included', async () => {
    const out = mkdtempSync(join(tmpdir(), 'simdgrad-docs-'));
    try {
      const run = await new Promise<{ code: number; output: string }>((resolve) => {
        execFile(join(repoRoot, 'node_modules/.bin/typedoc'), ['--out', out], { cwd: repoRoot, timeout: 120_000 }, (error, stdout, stderr) => {
          resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr });
        });
      });
      expect(run.code, run.output).toBe(0);
      expect(run.output).not.toMatch(/warning|error/i);
      for (const page of ['index.html', 'modules/index.optim.html', 'modules/slim.html', 'modules/node.html']) expect(existsSync(join(out, page)), page).toBe(true);
      const sgdOptions = readFileSync(join(out, 'interfaces/index.optim.SGDHyperParameters.html'), 'utf8');
      expect(sgdOptions).toContain('Required: SGD has no default');
      expect(sgdOptions).toContain('Momentum factor. Default 0');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
