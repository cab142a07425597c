#!/bin/sh
# The console in tmux: see tests/tui/browse.sh.
exec sh "$(dirname "$0")/../tui/browse.sh"
