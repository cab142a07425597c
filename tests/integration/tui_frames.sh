#!/bin/sh
# Each screen reaches the terminal whole, not one write per line: see tests/tui/frames.sh.
exec sh "$(dirname "$0")/../tui/frames.sh"
