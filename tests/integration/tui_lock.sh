#!/bin/sh
# The screen lock in tmux: see tests/tui/lock.sh.
exec sh "$(dirname "$0")/../tui/lock.sh"
