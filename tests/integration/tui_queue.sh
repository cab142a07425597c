#!/bin/sh
# The offline queue and conflicts in tmux: see tests/tui/queue.sh.
exec sh "$(dirname "$0")/../tui/queue.sh"
