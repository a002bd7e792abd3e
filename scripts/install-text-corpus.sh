#!/bin/sh
# Installs the full fortune-cookie corpus of examples/char-lstm.mjs from Debian's fortunes-min
# package into /usr/share/games/fortunes/ (the repository ships the same three files under
# data/fortunes/, which the example reads by default); pass that folder as --corpus.
set -eu

DIR=/usr/share/games/fortunes
if [ -f "$DIR/fortunes" ] && [ -f "$DIR/literature" ] && [ -f "$DIR/riddles" ]; then
  echo "The fortunes corpus is already installed in $DIR"
  exit 0
fi

sh "$(dirname "$0")/apt-install.sh" fortunes-min \
  "Otherwise use the copy in data/fortunes/ (the example's default)."
ls -l "$DIR"
