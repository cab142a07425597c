#!/bin/sh
# The console in tmux: see tests/tui/attach.sh.
exec sh "$(dirname "$0")/../tui/attach.sh"
