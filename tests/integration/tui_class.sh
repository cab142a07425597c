#!/bin/sh
# motcua demo in tmux: see tests/tui/class.sh.
exec sh "$(dirname "$0")/../tui/class.sh"
