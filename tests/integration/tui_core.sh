#!/bin/sh
# One application for the console and the command line: see tests/tui/core.sh.
exec sh "$(dirname "$0")/../tui/core.sh"
