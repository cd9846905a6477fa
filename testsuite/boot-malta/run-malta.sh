#!/bin/bash
# Boot Debian bookworm's mipsel Malta kernel (from scripts/fetch-guest-malta.sh) on
# `morph system -M malta` and check what the guest does; see docs/malta.md.
#
# Usage: run-malta.sh [--morph PATH] [--guest DIR] [--interp] [--qemu] TEST
#   TEST:
#     poweroff   boot to the initramfs' marker line, `poweroff`: morph exits 0
#     shell      boot to the busybox shell, type commands into it, `poweroff`
#   --guest DIR  default: $MORPH_CACHE/guest-mipsel-malta (MORPH_CACHE: ~/.cache/morph)
#   --interp     run morph with --interp
#   --qemu       run the same guest on qemu-system-mipsel -M malta instead (checks the test)
#
# Environment: MORPH (the binary), MORPH_BOOT_TIMEOUT (seconds per boot, default 600).
# Exit codes: 0 pass, 1 fail, 77 skipped (no guest files, no morph or no QEMU).
set -u

morph=${MORPH:-}
cache=${MORPH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/morph}
guest=$cache/guest-mipsel-malta
interp=
qemu=0
timeout_s=${MORPH_BOOT_TIMEOUT:-600}

while [ $# -gt 0 ]; do
	case "$1" in
	--morph) morph=$2; shift 2 ;;
	--guest) guest=$2; shift 2 ;;
	--interp) interp=--interp; shift ;;
	--qemu) qemu=1; shift ;;
	-h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run-malta.sh: unknown option $1" >&2; exit 1 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: run-malta.sh [options] TEST (try --help)" >&2; exit 1; }
test_name=$1

if [ ! -r "$guest/guest.env" ]; then
	echo "SKIP: no guest in $guest; make it with scripts/fetch-guest-malta.sh"
	exit 77
fi
# shellcheck disable=SC1091
. "$guest/guest.env"
for f in "$KERNEL" "$INITRD"; do
	[ -r "$f" ] || { echo "SKIP: $f missing; run scripts/fetch-guest-malta.sh"; exit 77; }
done
if [ "$qemu" = 1 ]; then
	command -v qemu-system-mipsel >/dev/null 2>&1 ||
		{ echo "SKIP: qemu-system-mipsel not installed (Debian: qemu-system-mips)"; exit 77; }
	emu=(qemu-system-mipsel -M malta -m 256 -nographic -no-reboot -monitor none)
else
	[ -n "$morph" ] || morph=$(command -v morph 2>/dev/null || true)
	if [ -z "$morph" ] || [ ! -x "$morph" ]; then
		echo "SKIP: morph binary not found (--morph or \$MORPH)"
		exit 77
	fi
	emu=("$morph" system -M malta $interp)
fi

scratch_tag=morph-malta
# shellcheck source=testsuite/lib/console.sh
. "$(dirname "$0")/../lib/console.sh"

# boot TESTS: the machine with the guest's kernel and initramfs, up to the marker line
boot() {
	start --kernel "$KERNEL" --initrd "$INITRD" --append "console=ttyS0 quiet morph_test=$1"
	wait_for "MORPH-BOOT-OK"
	echo "booted to the marker after $(echo "$(date +%s.%N) - $t_start" | bc) s"
}

case "$test_name" in
poweroff)
	boot poweroff
	finish
	[ "$status" = 0 ] || fail "poweroff: exit status $status, not 0"
	grep -qF "reboot: Power down" "$log" || fail "no 'reboot: Power down' from the kernel"
	;;
shell)
	boot shell
	wait_for "type 'poweroff'"
	sleep 0.5
	printf '%s\n' 'echo "sum=$((6 * 7))"' >&8
	wait_for "sum=42"
	printf '%s\n' 'echo "arch=$(uname -m) cpu=$(grep -c ^processor /proc/cpuinfo)"' >&8
	wait_for "arch=mips cpu=1"
	printf '%s\n' 'grep -m1 "cpu model" /proc/cpuinfo' >&8
	wait_for "MIPS 24K"
	printf '%s\n' 'poweroff' >&8
	finish
	[ "$status" = 0 ] || fail "shell: exit status $status after poweroff, not 0"
	;;
*)
	echo "run-malta.sh: unknown test $test_name" >&2
	exit 1
	;;
esac
echo "PASS: $test_name"
