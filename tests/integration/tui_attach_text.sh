#!/bin/sh
# The console in tmux: see tests/tui/attach_text.sh.
exec sh "$(dirname "$0")/../tui/attach_text.sh"
