#!/bin/sh
# The sign-in screen in tmux: see tests/tui/signin.sh.
exec sh "$(dirname "$0")/../tui/signin.sh"
