#!/bin/sh
# The dashboard in tmux: see tests/tui/dashboard.sh.
exec sh "$(dirname "$0")/../tui/dashboard.sh"
