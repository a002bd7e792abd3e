#!/bin/sh
# apt-install.sh PACKAGE ADVICE: installs a Debian package (with sudo when not root), or, where
# there is no apt-get, prints ADVICE (what to do instead) and fails.
set -eu
package=$1
advice=$2

if ! command -v apt-get >/dev/null 2>&1; then
  echo "apt-get not found: installing $package needs Debian or Ubuntu. $advice" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$package"
dpkg-query -W "$package"
