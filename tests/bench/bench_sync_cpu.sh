#!/bin/sh
# bench_sync_cpu.sh - DESIGN.md section 10: the CPU a first sync of 100,000
# dossiers costs on loopback, with the sandbox's injected faults off
# (nnmt's latency and maintenance window, congan's rate limit), so what is
# measured is motcua's own work: reading the pages, merging, the local due
# dates, the store.  Target: under 5 s of CPU.
#
# With MOTCUA_BENCH_ONE_CORE=1 motcua runs pinned to one core (taskset -c 0,
# the old-PC profile; run.sh sets it) and the figures are named
# sync.1core.*; the sandbox is left free, as a remote server would be.
#
# Figures: sync.cpu_dossiers, sync.first_sync_cpu_s (user + system of the
# motcua process), sync.first_sync_user_s, sync.first_sync_sys_s,
# sync.first_sync_wall_s, sync.first_sync_rss_mb.  MOTCUA_BENCH_CPU_DOSSIERS
# changes the size (default 100000).
set -u
B=${MOTCUA_BUILD:?MOTCUA_BUILD not set}
HERE=$(cd "$(dirname "$0")" && pwd)
N=${MOTCUA_BENCH_CPU_DOSSIERS:-100000}
MOTCUA_BIN=$B/motcua
MOTCUA_SANDBOX_BIN=$B/motcua-sandbox
export MOTCUA_BIN MOTCUA_SANDBOX_BIN
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
P=sync
PIN=
if [ "${MOTCUA_BENCH_ONE_CORE:-}" = 1 ]; then
	P=sync.1core
	command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null ||
		{ echo "$P: skipped (taskset, from util-linux, not installed)"; exit 0; }
	PIN="taskset -c 0"
fi
[ -x /usr/bin/time ] || { echo "$P: skipped (/usr/bin/time not installed)"; exit 0; }

. "$HERE/../integration/lib/sandbox.sh"
. "$HERE/../integration/lib/sync_signin.sh"
for tool in curl jq; do
	command -v $tool >/dev/null 2>&1 || { echo "$P: skipped ($tool not installed)"; exit 0; }
done
if [ -z "${SYNC_IN_DBUS:-}" ]; then
	command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1 ||
		{ echo "$P: skipped (needs dbus-run-session and gnome-keyring-daemon)"; exit 0; }
fi
sync_in_keyring "$@"
trap 'sbx_cleanup; sync_cleanup_tmp' EXIT

sbx_start --seed 7 --dossiers "$N" --now '2026-03-12 09:30' --speed 0 --faults '*:clear'
sync_login

/usr/bin/time -f '%U %S %e %M' -o "$SYNC_TMP/time" $PIN "$MOTCUA_BIN" sync --json \
	>"$SYNC_TMP/first.json" 2>"$SYNC_TMP/first.err" ||
	{ echo "$P: first sync failed"; cat "$SYNC_TMP/first.err"; exit 0; }
read -r user sys wall rss_kb <"$SYNC_TMP/time"
echo "$P.cpu_dossiers $("$MOTCUA_BIN" inbox --json | jq length) (sandbox: $N)"
echo "$P.first_sync_cpu_s $(echo "$user $sys" | awk '{printf "%.2f", $1 + $2}') (target < 5)"
echo "$P.first_sync_user_s $user"
echo "$P.first_sync_sys_s $sys"
echo "$P.first_sync_wall_s $wall"
echo "$P.first_sync_rss_mb $(echo "$rss_kb" | awk '{printf "%.1f", $1 / 1024}')"
