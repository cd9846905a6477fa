#!/bin/bash
# Two --icount --seed boots of Debian's kernel (to the poweroff marker) must be
# identical: the console output, the trace of every exception and interrupt
# (`--trace int`), and an instruction-level window of the boot (`--trace insn`
# for 20,000 instructions from instruction 150,000,000). Timers follow the
# retired instructions (exec_set_icount_timer()), so interrupts land on the
# same instructions in both runs.
#
# Usage: icount-repeat.sh MORPH [GUEST_DIR]. Exit codes: 0 pass, 1 fail, 77 skipped.
set -u
morph=$1
cache=${MORPH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/morph}
guest=${2:-$cache/guest-riscv64}
for f in Image initramfs.cpio.gz fw_dynamic.bin; do
	if [ ! -r "$guest/$f" ]; then
		echo "SKIP: $guest/$f missing (scripts/fetch-guest-system.sh)"
		exit 77
	fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

boot() { # OUT_PREFIX TRACE_LIST [more morph options]
	local out=$1 list=$2
	shift 2
	timeout 600 "$morph" system --icount --kernel "$guest/Image" \
		--initrd "$guest/initramfs.cpio.gz" \
		--append "console=ttyS0 quiet morph_test=poweroff" \
		--trace "$list" --trace-file "$out.trace" "$@" >"$out.console" 2>&1 </dev/null
}

fail=0
for run in 1 2; do
	boot "$tmp/int$run" int --seed 7 || { echo "FAIL: boot $run (int) exited $?"; fail=1; }
	boot "$tmp/insn$run" insn --seed 7 --trace-after 150000000 --trace-count 20000 ||
		{ echo "FAIL: boot $run (insn) exited $?"; fail=1; }
done
[ $fail = 0 ] || exit 1

check_same() { # WHAT FILE1 FILE2
	if cmp -s "$2" "$3"; then
		echo "ok: $1 identical ($(wc -l <"$2") lines)"
	else
		echo "FAIL: $1 differs between the two runs:"
		diff "$2" "$3" | head -10
		fail=1
	fi
}
grep -q MORPH-BOOT-OK "$tmp/int1.console" || { echo "FAIL: no boot marker"; fail=1; }
check_same "console output" "$tmp/int1.console" "$tmp/int2.console"
check_same "exception/interrupt trace" "$tmp/int1.trace" "$tmp/int2.trace"
check_same "instruction trace window" "$tmp/insn1.trace" "$tmp/insn2.trace"
# the traces must hold what they claim: thousands of traps, 20,000 instructions
ntraps=$(grep -c interrupt "$tmp/int1.trace")
ninsns=$(grep -c '^I ' "$tmp/insn1.trace")
echo "timer/external interrupts traced: $ntraps; instructions in the window: $ninsns"
[ "$ntraps" -ge 100 ] || { echo "FAIL: too few interrupts traced"; fail=1; }
[ "$ninsns" -ge 19000 ] || { echo "FAIL: the insn window holds $ninsns instructions"; fail=1; }
[ $fail = 0 ] && echo "PASS: icount-repeat"
exit $fail
