#!/usr/bin/env bash
# run-trace-test.sh KIND MORPH jit|interp PROG [EXPECTED]
#   insn:    the insn trace of PROG equals EXPECTED (host addresses do not appear in it)
#   icount:  two --icount --seed runs give byte-identical output and insn+exec traces
#   badopts: bad trace options fail with status 2 and one message
set -u
kind=$1 morph=$2 mode=$3 prog=$4 expected=${5:-}
[ -x "$morph" ] || { echo "no morph at $morph"; exit 77; }
opt=()
[ "$mode" = interp ] && opt=(--interp)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

case $kind in
insn)
	"$morph" run "${opt[@]}" --trace insn --trace-file "$tmp/trace" "$prog"
	st=$?
	[ $st = 0 ] || { echo "exit status $st"; exit 1; }
	if ! diff -u "$expected" "$tmp/trace"; then
		echo "insn trace differs from $expected"
		exit 1
	fi
	;;
icount)
	# Process ids are an input from outside the guest: give both runs the
	# same one in a fresh PID namespace.
	ns=(unshare --pid --fork --kill-child)
	"${ns[@]}" true 2>/dev/null || ns=(unshare --user --map-root-user --pid --fork --kill-child)
	"${ns[@]}" true 2>/dev/null || { echo "no PID namespaces here"; exit 77; }
	for r in 1 2; do
		"${ns[@]}" "$morph" run "${opt[@]}" --icount --seed 42 --trace insn,exec \
			--trace-file "$tmp/trace$r" "$prog" > "$tmp/out$r" || exit 1
	done
	cmp "$tmp/out1" "$tmp/out2" || { echo "outputs differ"; exit 1; }
	cmp "$tmp/trace1" "$tmp/trace2" || { echo "traces differ"; exit 1; }
	n=$(grep -c '^I ' "$tmp/trace1")
	[ "$n" -gt 10000 ] || { echo "only $n instructions traced"; exit 1; }
	echo "identical: $n instructions"
	;;
badopts)
	for bad in "--trace nosuch" "--trace-range 10-5" "--trace-count x" "--trace"; do
		# shellcheck disable=SC2086
		"$morph" run $bad "$prog" 2> "$tmp/err" > /dev/null
		st=$?
		[ $st = 2 ] || { echo "'$bad': status $st, want 2"; exit 1; }
		[ "$(wc -l < "$tmp/err")" -ge 1 ] || { echo "'$bad': no message"; exit 1; }
	done
	;;
esac
exit 0
