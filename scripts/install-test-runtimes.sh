#!/bin/sh
# Installs what the portability tests (test/portability) need that npm cannot: a Chrome or
# Chromium, which playwright-core drives headless. Bun, Deno and workerd come from the npm
# registry as devDependencies. A browser already there ($CHROME_PATH, chromium, chromium-browser,
# google-chrome or google-chrome-stable on PATH, the macOS apps: see scripts/find-chrome.mjs) is
# used as it is; otherwise Debian's chromium is installed with apt-get.
set -eu
here=$(dirname "$0")

status=0
chrome=$(node "$here/find-chrome.mjs") || status=$?
if [ "$status" -eq 0 ]; then
  echo "Using the browser at $chrome"
  exit 0
fi
if [ "$status" -ne 1 ]; then exit "$status"; fi

sh "$here/apt-install.sh" chromium \
  "Otherwise install Chrome or Chromium (or set CHROME_PATH to one), or the browser tests of test/portability fail."
