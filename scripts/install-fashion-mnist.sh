#!/bin/sh
# Installs the full Fashion-MNIST (60,000 training + 10,000 test images) from Debian's
# dataset-fashion-mnist package into /usr/share/datasets/fashion-mnist/, where
# loadFashionMnist() from 'simdgrad/node' finds it.
set -eu

DIR=/usr/share/datasets/fashion-mnist
if [ -f "$DIR/train-images-idx3-ubyte.gz" ] && [ -f "$DIR/t10k-labels-idx1-ubyte.gz" ]; then
  echo "Fashion-MNIST is already installed in $DIR"
  exit 0
fi

sh "$(dirname "$0")/apt-install.sh" dataset-fashion-mnist \
  "Otherwise download the four IDX files from https://github.com/zalandoresearch/fashion-mnist and pass their folder as { dir }."
ls -l "$DIR"
