#!/bin/sh
# The console in tmux: see tests/tui/attach_mailcap.sh.
exec sh "$(dirname "$0")/../tui/attach_mailcap.sh"
