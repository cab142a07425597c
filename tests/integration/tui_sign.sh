#!/bin/sh
# Signing and returning a result in the console (token, batch): see tests/tui/sign.sh.
exec sh "$(dirname "$0")/../tui/sign.sh"
