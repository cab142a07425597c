#!/bin/sh
# motcua demo in tmux: see tests/tui/exercise_conflict.sh.
exec sh "$(dirname "$0")/../tui/exercise_conflict.sh"
