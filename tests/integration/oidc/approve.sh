#!/bin/sh
# Approve a pending device sign-in at oidc-provider the way a phone would,
# through its development login and consent pages (curl, one cookie jar).
# Usage: approve.sh VERIFICATION_URI_COMPLETE LOGIN [deny]
set -eu
url=$1 login=$2 mode=${3:-approve}
base=$(printf '%s\n' "$url" | sed 's|^\(https*://[^/]*\).*|\1|')
jar=$(mktemp) page=$(mktemp)
trap 'rm -f "$jar" "$page"' EXIT
c() { curl -s -b "$jar" -c "$jar" "$@"; }
xsrf() { sed -n 's/.*name="xsrf" value="\([^"]*\)".*/\1/p' "$page" | head -n 1; }
# the page behind the QR code: a form with the code filled in
c -o "$page" "$url"
code=$(printf '%s\n' "$url" | sed 's/.*user_code=//')
# submit the code: a confirmation page
c -o "$page" --data-urlencode "xsrf=$(xsrf)" --data-urlencode "user_code=$code" "$base/device"
if [ "$mode" = deny ]; then
	c -o "$page" --data-urlencode "xsrf=$(xsrf)" --data-urlencode "user_code=$code" \
		-d abort=yes "$base/device"
	exit 0
fi
# confirm: redirected to the login interaction
c -L -o "$page" --data-urlencode "xsrf=$(xsrf)" --data-urlencode "user_code=$code" \
	-d confirm=yes "$base/device"
for step in login consent; do
	action=$(sed -n 's/.*action="\([^"]*\/interaction\/[^"]*\)".*/\1/p' "$page" | head -n 1)
	case $action in /*) action=$base$action ;; esac
	[ -n "$action" ] || { echo "approve.sh: no $step form" >&2; cat "$page" >&2; exit 1; }
	if [ $step = login ]; then
		c -L -o "$page" -d prompt=login --data-urlencode "login=$login" -d password=x \
			"$action"
	else
		c -L -o "$page" -d prompt=consent "$action"
	fi
	grep -q '/interaction/' "$page" || break
done
grep -qi 'success' "$page" || { echo "approve.sh: no success page" >&2; cat "$page" >&2; exit 1; }
