#!/bin/sh
# :open and copying a code in tmux: see tests/tui/open.sh.
exec sh "$(dirname "$0")/../tui/open.sh"
