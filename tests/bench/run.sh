#!/bin/sh
# make bench: run every benchmark, print the figures and compare them with the
# targets of DESIGN.md section 10.  Figures also go to build/bench/results.txt.
# Benchmarks never fail the build on a missed target: they report it.
# Usage: run.sh BUILD_DIR
B=${1:?usage: run.sh BUILD_DIR}
out="$B/bench/results.txt"
mkdir -p "$B/bench"
: > "$out"
echo "motcua bench $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores" | tee -a "$out"
for prog in "$B"/bench/bench_*; do
	[ -x "$prog" ] || continue
	echo "== ${prog##*/}" | tee -a "$out"
	"$prog" 2>&1 | tee -a "$out"
done
for script in "$(dirname "$0")"/bench_*.sh; do
	[ -e "$script" ] || continue
	echo "== ${script##*/}" | tee -a "$out"
	MOTCUA_BUILD="$B" sh "$script" 2>&1 | tee -a "$out"
done
echo "figures written to $out"
