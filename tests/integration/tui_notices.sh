#!/bin/sh
# The console in tmux: see tests/tui/notices.sh.
exec sh "$(dirname "$0")/../tui/notices.sh"
