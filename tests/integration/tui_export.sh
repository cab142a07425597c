#!/bin/sh
# :export on the dashboard in tmux: see tests/tui/export.sh.
exec sh "$(dirname "$0")/../tui/export.sh"
