#!/bin/sh
# make bench: run every benchmark, print the figures and compare them with the
# targets of DESIGN.md section 10.  Figures also go to build/bench/results.txt.
# Benchmarks never fail the build on a missed target: they report it.
#
# Then the store and the console on a million dossiers (below), and the
# old-PC profile (section 10: "every figure also on one core"): the
# console figures (bench_tui, bench_store) and the first sync's CPU
# (bench_sync_cpu.sh) again, pinned to one core with `taskset -c 0`, and a
# table of each figure on two cores beside one core.  The slow-link figures
# (bench_sync.sh, bench_outbox.sh) are bound by the link, not the CPU, and
# are not run twice.  Without taskset (util-linux) the profile is skipped,
# saying so.
# Usage: run.sh BUILD_DIR
B=${1:?usage: run.sh BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
out="$B/bench/results.txt"
one="$B/bench/one-core.txt"
mkdir -p "$B/bench"
: > "$out"
echo "motcua bench $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores" | tee -a "$out"
for prog in "$B"/bench/bench_*; do
	[ -x "$prog" ] || continue
	echo "== ${prog##*/}" | tee -a "$out"
	"$prog" 2>&1 | tee -a "$out"
done
for script in "$HERE"/bench_*.sh; do
	[ -e "$script" ] || continue
	echo "== ${script##*/}" | tee -a "$out"
	MOTCUA_BUILD="$B" sh "$script" 2>&1 | tee -a "$out"
done

# A large ward over years (section 10): the store and the console again on
# 1,000,000 dossiers, figures named store.million.* and tui.million.*.
# MOTCUA_BENCH_SCALE changes the size; 0 skips it (it takes about 6 minutes).
SCALE=${MOTCUA_BENCH_SCALE:-1000000}
if [ "$SCALE" -gt 0 ] 2>/dev/null; then
	echo "== scale: $SCALE dossiers (targets: first screen < 100 ms, search and filter" \
		"keystroke p95 < 16 ms, resident memory < 64 MB)" | tee -a "$out"
	for prog in bench_store bench_tui; do
		[ -x "$B/bench/$prog" ] || continue
		"$B/bench/$prog" "$SCALE" 2>&1 | grep -v 're-computing due dates' |
			sed 's/^store\./store.million./; s/^tui\./tui.million./; s/target < 48/target < 64/' |
			tee -a "$out"
	done
fi

echo "== old-PC profile: one core (taskset -c 0)" | tee -a "$out"
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
	: > "$one"
	for prog in bench_tui bench_store; do
		[ -x "$B/bench/$prog" ] || continue
		echo "== $prog, one core" | tee -a "$out"
		taskset -c 0 "$B/bench/$prog" 2>&1 | tee -a "$one" | tee -a "$out"
	done
	echo "== bench_sync_cpu.sh, one core" | tee -a "$out"
	MOTCUA_BUILD="$B" MOTCUA_BENCH_ONE_CORE=1 sh "$HERE/bench_sync_cpu.sh" 2>&1 |
		sed 's/^sync\.1core\./sync./' | tee -a "$one" | tee -a "$out"
	# each figure of the one-core run beside its two-core value
	echo "== two cores | one core" | tee -a "$out"
	awk 'NR == FNR { if ($1 ~ /^[a-z]+\.[a-z0-9_.]+$/ && !($1 in two)) two[$1] = $2; next }
	     $1 ~ /^[a-z]+\.[a-z0-9_.]+$/ && ($1 in two) && !($1 in seen) {
		seen[$1] = 1
		target = ""
		if (match($0, /target [^)]*/))
			target = substr($0, RSTART, RLENGTH)
		printf "%-30s %10s | %10s  %s\n", $1, two[$1], $2, target
	     }' "$out" "$one" | tee -a "$out"
else
	echo "old-PC profile: skipped (taskset, from util-linux, not installed)" | tee -a "$out"
fi
echo "figures written to $out"
