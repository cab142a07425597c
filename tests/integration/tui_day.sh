#!/bin/sh
# A clerk's whole day without D-Bus (kernel keyring): see tests/tui/day.sh.
exec sh "$(dirname "$0")/../tui/day.sh"
