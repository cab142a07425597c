#!/bin/sh
# New arrivals counted and listed in tmux: see tests/tui/arrivals.sh.
exec sh "$(dirname "$0")/../tui/arrivals.sh"
