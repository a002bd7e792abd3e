import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findChrome } from '../../scripts/find-chrome.mjs';

let dir: string;

function fakeBrowser(path: string, executable = true): string {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, executable ? 0o755 : 0o644);
  return file;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'simdgrad-find-chrome-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('findChrome', () => {
  it('takes CHROME_PATH first', () => {
    const chrome = fakeBrowser('my/chrome');
    fakeBrowser('bin/chromium');
    expect(findChrome({ env: { CHROME_PATH: chrome, PATH: join(dir, 'bin') }, commonPaths: [] })).toBe(chrome);
  });

  it('rejects a CHROME_PATH that is not an executable file, rather than silently using another browser', () => {
    fakeBrowser('bin/chromium');
    const env = { CHROME_PATH: fakeBrowser('not-executable', false), PATH: join(dir, 'bin') };
    expect(() => findChrome({ env, commonPaths: [] })).toThrow(`CHROME_PATH is ${env.CHROME_PATH}, which is not an executable file`);
  });

  it('then looks for chromium, chromium-browser, google-chrome, google-chrome-stable on PATH, in that order', () => {
    const stable = fakeBrowser('b/google-chrome-stable');
    const path = [join(dir, 'a'), join(dir, 'b')].join(':');
    expect(findChrome({ env: { PATH: path }, commonPaths: [] })).toBe(stable);
    const chromiumBrowser = fakeBrowser('a/chromium-browser');
    expect(findChrome({ env: { PATH: path }, commonPaths: [] })).toBe(chromiumBrowser);
  });

  it('then the common install paths (the macOS apps), and null when there is no browser at all', () => {
    const app = fakeBrowser('Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    expect(findChrome({ env: { PATH: join(dir, 'empty') }, commonPaths: [join(dir, 'missing'), app] })).toBe(app);
    expect(findChrome({ env: { PATH: join(dir, 'empty') }, commonPaths: [join(dir, 'missing')] })).toBeNull();
  });
});

describe('scripts/install-test-runtimes.sh (npm test\'s pretest)', () => {
  it('uses the browser CHROME_PATH names and reaches for no apt-get', async () => {
    const chrome = fakeBrowser('fake chrome');
    const script = fileURLToPath(new URL('../../scripts/install-test-runtimes.sh', import.meta.url));
    const env = { PATH: dirname(process.execPath), CHROME_PATH: chrome };
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile('/bin/sh', [script], { env }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)));
    });
    expect(stdout).toBe(`Using the browser at ${chrome}\n`);
  });
});
