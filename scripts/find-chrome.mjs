#!/usr/bin/env node
// `node scripts/find-chrome.mjs`: prints the Chrome or Chromium the browser tests drive, or exits
// 1. scripts/install-test-runtimes.sh asks it before installing Debian's chromium with apt-get.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Looked up on PATH, in this order. */
export const CHROME_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** Where Chrome and Chromium install themselves off PATH (macOS apps, Debian's package). */
export const COMMON_CHROME_PATHS = [
  '/usr/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/**
 * The browser to drive: $CHROME_PATH when set (which must then be an executable), else the first
 * of CHROME_NAMES on $PATH, else the first of `commonPaths` that exists; null when there is none.
 */
export function findChrome({ env = process.env, commonPaths = COMMON_CHROME_PATHS } = {}) {
  if (env.CHROME_PATH) {
    if (!isExecutable(env.CHROME_PATH)) throw new Error(`CHROME_PATH is ${env.CHROME_PATH}, which is not an executable file; point it at Chrome or Chromium, or unset it.`);
    return env.CHROME_PATH;
  }
  const onPath = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of CHROME_NAMES) {
    const found = onPath.map((dir) => join(dir, name)).find(isExecutable);
    if (found) return found;
  }
  return commonPaths.find(isExecutable) ?? null;
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const chrome = findChrome();
    if (chrome) console.log(chrome);
    process.exitCode = chrome ? 0 : 1;
  } catch (error) {
    console.error(error.message);
    process.exitCode = 2;
  }
}
