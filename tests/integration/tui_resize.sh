#!/bin/sh
# The console in tmux: see tests/tui/resize.sh.
exec sh "$(dirname "$0")/../tui/resize.sh"
