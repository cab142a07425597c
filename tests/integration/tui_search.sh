#!/bin/sh
# The console in tmux: see tests/tui/search.sh.
exec sh "$(dirname "$0")/../tui/search.sh"
