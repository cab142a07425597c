#!/bin/sh
# The mouse in tmux: see tests/tui/mouse.sh.
exec sh "$(dirname "$0")/../tui/mouse.sh"
