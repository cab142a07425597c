#!/bin/sh
# The clerk's columns (config.json "columns") in tmux: see tests/tui/columns_config.sh.
exec sh "$(dirname "$0")/../tui/columns_config.sh"
