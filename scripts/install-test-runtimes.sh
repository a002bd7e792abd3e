#!/bin/sh
# Installs what the portability tests (test/portability) need that npm cannot: Debian's Chromium,
# which playwright-core drives headless. Bun, Deno and workerd come from the npm registry as
# devDependencies. Quick when Chromium is already there. Debian and Ubuntu only.
set -eu

if [ -x /usr/bin/chromium ]; then
  echo "Chromium is already installed: /usr/bin/chromium"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "apt-get not found: this script needs Debian or Ubuntu. Otherwise install Chromium so that" >&2
  echo "/usr/bin/chromium exists, or the browser test of test/portability fails." >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
dpkg-query -W chromium
