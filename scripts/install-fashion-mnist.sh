#!/bin/sh
# Installs the full Fashion-MNIST (60,000 training + 10,000 test images) from Debian's
# dataset-fashion-mnist package into /usr/share/datasets/fashion-mnist/, where
# loadFashionMnist() from 'simdgrad/node' finds it. Debian and Ubuntu only.
set -eu

DIR=/usr/share/datasets/fashion-mnist
if [ -f "$DIR/train-images-idx3-ubyte.gz" ] && [ -f "$DIR/t10k-labels-idx1-ubyte.gz" ]; then
  echo "Fashion-MNIST is already installed in $DIR"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "apt-get not found: this script needs Debian or Ubuntu. Otherwise download the four IDX files" >&2
  echo "from https://github.com/zalandoresearch/fashion-mnist and pass their folder as { dir }." >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
$SUDO apt-get update
$SUDO apt-get install -y dataset-fashion-mnist
ls -l "$DIR"
