#!/bin/sh
# Run one bare-metal privileged-architecture test on a spike machine:
#   run-test.sh morph MORPH ELF [options...]   morph system --machine spike
#   run-test.sh qemu QEMU ELF                  qemu-system-riscv64 -machine spike
# The test's tohost status is the exit status (0: pass). Exit 77 (skipped)
# when this morph has no `system` command yet.
set -u
kind=$1 prog=$2 elf=$3
shift 3
case $kind in
morph)
	if ! "$prog" system --help >/dev/null 2>&1; then
		echo "morph system is not available: skipped"
		exit 77
	fi
	err=$(mktemp)
	timeout 120 "$prog" system --machine spike --bios none --kernel "$elf" "$@" </dev/null \
		2>"$err"
	status=$?
	cat "$err" >&2
	# a machine that cannot run this width yet (RV32): skipped, not failed
	if grep -q "programs are not supported yet" "$err"; then
		status=77
	fi
	rm -f "$err"
	exit $status
	;;
qemu)
	exec timeout 120 "$prog" -machine spike -bios none -kernel "$elf" -nographic \
		-monitor none -serial none </dev/null
	;;
esac
echo "usage: $0 morph|qemu PROGRAM ELF [options...]" >&2
exit 2
