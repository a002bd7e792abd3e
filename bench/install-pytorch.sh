#!/bin/sh
# Debian's PyTorch (CPU, OpenBLAS) for the native-reference column of `npm run bench:compare`.
# It installs for the system interpreter /usr/bin/python3, which bench/systems/pytorch.mjs tries
# after whatever `python3` is first on PATH.
set -e
apt-get update
apt-get install -y python3-torch libopenblas0
/usr/bin/python3 -c "import torch; print('torch', torch.__version__, 'installed for /usr/bin/python3')"
