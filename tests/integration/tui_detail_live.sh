#!/bin/sh
# The console reads a dossier's detail from its system: see tests/tui/detail_live.sh.
exec sh "$(dirname "$0")/../tui/detail_live.sh"
