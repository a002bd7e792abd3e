import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, requireBuiltBundle } from '../portability/harness/paths.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

function fencedBlocks(language: string): string[] {
  return [...readme.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((match) => match[1]!);
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runNode(file: string, cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [file], { cwd, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr: error && !stderr ? error.message : stderr });
    });
  });
}

// A user's project with simdgrad installed: node_modules/simdgrad is this repository, whose
// package.json exports the built dist/ as the published package does.
let app: string;
beforeAll(() => {
  requireBuiltBundle();
  app = mkdtempSync(join(tmpdir(), 'simdgrad-readme-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(repoRoot, join(app, 'node_modules/simdgrad'), 'dir');
  // The ONNX section runs the exported model with onnxruntime-node, which its reader installs.
  symlinkSync(join(repoRoot, 'node_modules/onnxruntime-node'), join(app, 'node_modules/onnxruntime-node'), 'dir');
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'readme-reader', private: true, type: 'module' }));
});

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

describe('README.md', () => {
  const snippets = fencedBlocks('js');

  it('has the JavaScript blocks this test runs', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(3);
  });

  it.each(snippets.map((code, i) => [i + 1, code] as const))('js block %i runs as written and prints what it did', async (index, code) => {
    const file = join(app, `snippet-${index}.mjs`);
    writeFileSync(file, code);
    const run = await runNode(file, app);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).not.toBe('');
  });

  it("gives the test command .ci/run runs, word for word", () => {
    const [commands] = fencedBlocks('sh');
    expect(commands).toMatch(/^npm ci && npm run demo /m);
    const testCommand = /^(npm ci && npm test)\s+#/m.exec(commands!)?.[1];
    expect(testCommand).toBe('npm ci && npm test');
    const ci = readFileSync(join(repoRoot, '.ci/run'), 'utf8');
    const ciCommands = ci.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#') && !line.startsWith('set ') && !line.startsWith('cd '));
    expect(ciCommands).toEqual([testCommand]);
  });

  it('links only files inside the package that exist', () => {
    const links = [...readme.matchAll(/\]\(([^)#]+)\)/g)].map((match) => match[1]!).filter((target) => !/^https?:/.test(target));
    expect(links.length).toBeGreaterThan(0);
    for (const target of links) {
      expect(target, target).not.toMatch(/^\.\.\//);
      expect(existsSync(join(repoRoot, target)), target).toBe(true);
    }
  });
});
