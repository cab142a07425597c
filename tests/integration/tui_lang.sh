#!/bin/sh
# The console in tmux: see tests/tui/lang.sh.
exec sh "$(dirname "$0")/../tui/lang.sh"
