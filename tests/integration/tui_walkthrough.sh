#!/bin/sh
# receive -> supplement -> approve -> return in motcua demo: see tests/tui/walkthrough.sh.
exec sh "$(dirname "$0")/../tui/walkthrough.sh"
