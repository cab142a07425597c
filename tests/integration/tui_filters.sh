#!/bin/sh
# Field filters and saved views in tmux: see tests/tui/filters.sh.
exec sh "$(dirname "$0")/../tui/filters.sh"
