#!/bin/sh
# Installs what the portability tests (test/portability) need that npm cannot: Debian's Chromium,
# which playwright-core drives headless. Bun, Deno and workerd come from the npm registry as
# devDependencies. Quick when Chromium is already there.
set -eu

if [ -x /usr/bin/chromium ]; then
  echo "Chromium is already installed: /usr/bin/chromium"
  exit 0
fi

sh "$(dirname "$0")/apt-install.sh" chromium \
  "Otherwise install Chromium so that /usr/bin/chromium exists, or the browser test of test/portability fails."
