#!/bin/sh
# The preview pane beside the inbox in tmux: see tests/tui/preview.sh.
exec sh "$(dirname "$0")/../tui/preview.sh"
