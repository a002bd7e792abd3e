import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Chromium } from '../portability/harness/chromium.js';
import { repoRoot, requireBuiltBundle } from '../portability/harness/paths.js';
import { VITE_CONFIG, waitForState, watchProblems } from './harness.js';

/** What `npm run demo:web` runs after building the bundle, on a free port: resolves with the URL it prints. */
function startDevServer(): { child: ChildProcess; url: Promise<string>; output: () => string } {
  const child = spawn(process.execPath, [`${repoRoot}node_modules/vite/bin/vite.js`, '--config', VITE_CONFIG, '--port', '0', '--strictPort'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vite printed no URL within 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const found = /http:\/\/localhost:\d+\//.exec(output.replace(/\x1b\[[0-9;]*m/g, ''));
      if (found) {
        clearTimeout(timer);
        resolve(found[0]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`vite exited with code ${code}:\n${output}`)));
  });
  return { child, url, output: () => output };
}

describe('npm run demo:web (the vite dev server)', () => {
  let server: ReturnType<typeof startDevServer>;
  let url: string;
  let browser: Chromium;
  beforeAll(async () => {
    requireBuiltBundle();
    server = startDevServer();
    [url, browser] = await Promise.all([server.url, launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    server?.child.kill();
  });

  it('prints a http://localhost:PORT/ URL and sends the cross-origin isolation headers with the page, the worker and the data', async () => {
    expect(url).toMatch(/^http:\/\/localhost:\d+\/$/);
    for (const path of ['', 'training-worker.js', 'fashion-mnist-subset/t10k-labels-idx1-ubyte.gz', 'fortunes/riddles.txt']) {
      const response = await fetch(new URL(path, url));
      expect(response.status).toBe(200);
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    }
  });

  it('serves a cross-origin-isolated page (SharedArrayBuffer available) that gets ready with no console errors', async () => {
    const tab = await browser.context.newPage();
    const problems = watchProblems(tab);
    try {
      await tab.goto(url);
      await waitForState(tab, 'ready');
      expect(await tab.evaluate(() => crossOriginIsolated && typeof SharedArrayBuffer === 'function')).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await tab.close();
    }
  });
});
