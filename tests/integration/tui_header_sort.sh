#!/bin/sh
# Sorting by a click on a heading in tmux: see tests/tui/header_sort.sh.
exec sh "$(dirname "$0")/../tui/header_sort.sh"
