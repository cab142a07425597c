#!/bin/sh
# motcua demo in tmux: see tests/tui/exercise.sh.
exec sh "$(dirname "$0")/../tui/exercise.sh"
