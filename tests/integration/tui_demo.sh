#!/bin/sh
# motcua demo in tmux: see tests/tui/demo.sh.
exec sh "$(dirname "$0")/../tui/demo.sh"
