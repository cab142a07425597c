#!/bin/sh
# One action on the marked dossiers in tmux: see tests/tui/batch.sh.
exec sh "$(dirname "$0")/../tui/batch.sh"
