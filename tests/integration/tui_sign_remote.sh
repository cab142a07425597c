#!/bin/sh
# Remote (CSC) signing and returning a result in the console: see tests/tui/sign_remote.sh.
exec sh "$(dirname "$0")/../tui/sign_remote.sh"
