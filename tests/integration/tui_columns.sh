#!/bin/sh
# Columns that fit the terminal in tmux: see tests/tui/columns.sh.
exec sh "$(dirname "$0")/../tui/columns.sh"
