#!/bin/sh
# The console in tmux: see tests/tui/detail.sh.
exec sh "$(dirname "$0")/../tui/detail.sh"
