#!/bin/sh
# Run the libFuzzer targets of tests/fuzz for a short time each (make fuzz-smoke).
#
# Usage: run.sh DIR [NAME...]
#   DIR     the built fuzzers (build/fuzz/fuzzers); NAME: only these targets
#   FUZZ_SECONDS  time per target (default 10); FUZZ_JOBS  targets at once
#                 (default: the number of CPUs, at most 4)
#
# For each target: first every saved crash of tests/fuzz/regressions/NAME/ is
# run once (each must now pass), then the fuzzer runs on its seeds
# (tests/fuzz/corpus/NAME/, read only: new inputs go to a scratch folder) for
# FUZZ_SECONDS.  Any crash, leak, UB report, timeout (10 s per input) or RSS
# over 1 GB fails the run; the input that did it is kept and named, to be
# fixed and then copied into tests/fuzz/regressions/NAME/.
set -u

here=$(cd "$(dirname "$0")" && pwd)
dir=${1:?usage: run.sh DIR [NAME...]}
shift
secs=${FUZZ_SECONDS:-10}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
[ "$jobs" -gt 4 ] && jobs=4
work=${FUZZ_WORK:-$(mktemp -d /tmp/motcua-fuzz.XXXXXX)}
mkdir -p "$work"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

if [ $# -gt 0 ]; then
	names="$*"
else
	names=$(cd "$dir" && ls fuzz_* 2>/dev/null)
fi
[ -n "$names" ] || { echo "fuzz: no fuzzers in $dir" >&2; exit 1; }

# One target: regressions, then the timed run.  Writes $work/NAME.rc.
one() {
	name=$1
	bin=$dir/$name
	log=$work/$name.log
	seeds=$here/corpus/$name
	regs=$here/regressions/$name
	rc=0
	: > "$log"
	if [ ! -d "$seeds" ]; then
		echo "no seed corpus $seeds" >> "$log"
		echo 1 > "$work/$name.rc"
		return
	fi
	if [ -d "$regs" ] && [ -n "$(ls -A "$regs" 2>/dev/null)" ]; then
		"$bin" -rss_limit_mb=1024 -timeout=10 "$regs"/* >> "$log" 2>&1 || rc=$?
	fi
	if [ "$rc" = 0 ]; then
		mkdir -p "$work/$name.corpus"
		"$bin" -max_total_time="$secs" -rss_limit_mb=1024 -timeout=10 \
			-print_final_stats=1 -artifact_prefix="$work/$name-" \
			"$work/$name.corpus" "$seeds" >> "$log" 2>&1 || rc=$?
	fi
	echo "$rc" > "$work/$name.rc"
}

start=$(date +%s)
running=0
for name in $names; do
	[ -x "$dir/$name" ] || { echo "fuzz: $dir/$name is not built" >&2; exit 1; }
	one "$name" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait

pass=0; fail=0
for name in $names; do
	rc=$(cat "$work/$name.rc" 2>/dev/null || echo 1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log" | tail -n 1)
	regs=$here/regressions/$name
	nreg=0
	[ -d "$regs" ] && nreg=$(ls -A "$regs" | wc -l)
	if [ "$rc" = 0 ]; then
		pass=$((pass + 1))
		echo "ok   $name (${runs:-?} runs, $nreg regressions)"
	else
		fail=$((fail + 1))
		echo "FAIL $name (rc $rc)"
		grep -E 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x' "$work/$name.log" |
			grep -v -e 'fuzzer::' -e ' in __' -e 'libc.so' -e ' in _start' \
			 -e ' in raise ' -e ' in abort ' -e ' in main ' | head -n 20 |
			sed 's/^/    | /'
		for a in "$work/$name"-crash-* "$work/$name"-leak-* "$work/$name"-timeout-* \
			 "$work/$name"-oom-*; do
			[ -e "$a" ] && echo "    input kept: $a"
		done
	fi
done
echo "fuzz: $pass passed, $fail failed ($(( $(date +%s) - start )) s, ${secs} s each, $jobs at once)"
if [ "$fail" = 0 ] && [ -z "${FUZZ_WORK:-}" ]; then
	rm -rf "$work"
fi
[ "$fail" = 0 ]
