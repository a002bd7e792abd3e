import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { findChrome } from '../../../scripts/find-chrome.mjs';

// Headless with a fresh profile and no background traffic: this machine's network is closed, and
// Chromium's own connections (updates, sync, QUIC probes) would only fail and slow it down.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  // The browser `npm test`'s pretest found or installed; playwright downloads none here.
  const executablePath = findChrome();
  if (!executablePath) throw new Error("no Chrome or Chromium found: set CHROME_PATH, or run scripts/install-test-runtimes.sh (installs Debian's chromium package).");
  const profile = mkdtempSync(join(tmpdir(), 'simdgrad-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: FLAGS, timeout: 30_000 });
    return {
      context,
      close: async () => {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
