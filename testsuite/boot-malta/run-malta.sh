#!/bin/bash
# Boot Debian bookworm's mipsel Malta kernel (from scripts/fetch-guest-malta.sh) on
# `morph system -M malta` and check what the guest does; see docs/malta.md.
#
# Usage: run-malta.sh [--morph PATH] [--guest DIR] [--interp] [--qemu] TEST
#   TEST:
#     poweroff   boot to the initramfs' marker line, `poweroff`: morph exits 0
#     shell      boot to the busybox shell, type commands into it, `poweroff`
#     virtio     virtio-pci disk and network: the guest mounts an ext4 --drive (reads the
#                host's files, writes files; the host checks them after poweroff), gets a
#                DHCP lease from slirp and fetches a page from a server on 127.0.0.1
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
	-h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run-malta.sh: unknown option $1" >&2; exit 1 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: run-malta.sh [options] TEST (try --help)" >&2; exit 1; }
test_name=$1

# shellcheck source=testsuite/lib/guest-env.sh
. "$(dirname "$0")/../lib/guest-env.sh"
load_guest_env "$guest" fetch-guest-malta.sh KERNEL INITRD
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

server=
extra_cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
}
scratch_tag=morph-malta
# shellcheck source=testsuite/lib/console.sh
. "$(dirname "$0")/../lib/console.sh"
# shellcheck source=testsuite/lib/http-server.sh
. "$(dirname "$0")/../lib/http-server.sh"

# boot TESTS [emulator options...]: the machine with the guest's kernel and initramfs (and
# $extra_append on the command line), up to the marker line
boot() {
	local tests=$1
	shift
	start --kernel "$KERNEL" --initrd "$INITRD" \
		--append "console=ttyS0 quiet morph_test=$tests ${extra_append:-}" "$@"
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
virtio)
	PATH=$PATH:/usr/sbin:/sbin
	for tool in python3 debugfs e2fsck; do
		command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
	done
	[ -r "${DISK:-}" ] || skip "no test disk; run scripts/fetch-guest-malta.sh"
	cp "$DISK" "$scratch/disk.ext4"
	http_serve
	if [ "$qemu" = 1 ]; then
		# modern-only functions in the slots morph uses (18, 19: PIRQA, PIRQB; QEMU puts
		# its Cirrus VGA in 18 unless told not to)
		devs=(-vga none -drive "file=$scratch/disk.ext4,format=raw,if=none,id=d0"
			-device virtio-blk-pci,drive=d0,addr=0x12,disable-legacy=on
			-netdev user,id=n0 -device virtio-net-pci,netdev=n0,addr=0x13,disable-legacy=on)
	else
		devs=(--drive "$scratch/disk.ext4" --net user)
	fi
	# big.txt: `seq` is slow on this guest (busybox's is floating point), keep it small
	big=3000
	extra_append="morph_big=$big morph_port=$port morph_file=/page.txt" \
		boot ext4,net "${devs[@]}"
	finish
	[ "$status" = 0 ] || fail "virtio: exit status $status, not 0"
	for t in ext4 net; do
		grep -qF "MORPH-TEST $t: PASS" "$log" ||
			fail "guest test $t: $(grep -F "MORPH-TEST $t:" "$log" || echo 'no result')"
	done
	grep -qF "MORPH-TESTS-DONE failures=0" "$log" || fail "the guest reported failures"
	grep -qF "sha256 $want" "$log" || fail "the guest fetched other bytes than the server's"
	grep -q '"GET /page.txt HTTP/1.[01]" 200' "$scratch/server.log" ||
		fail "the server saw no GET /page.txt"
	# what the guest wrote survived its poweroff
	got=$(debugfs -R 'cat /guest.txt' "$scratch/disk.ext4" 2>/dev/null)
	[ "$got" = "written by the guest" ] || fail "guest.txt on the host: '$got'"
	got=$(debugfs -R 'cat /big.txt' "$scratch/disk.ext4" 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$got" = "$(seq 1 $big | sha256sum | cut -d' ' -f1)" ] || fail "big.txt differs on the host"
	debugfs -R 'stat /dir/numbers.txt' "$scratch/disk.ext4" 2>&1 | grep -q 'Inode:' &&
		fail "numbers.txt, deleted by the guest, is still there"
	e2fsck -fn "$scratch/disk.ext4" >"$scratch/fsck.log" 2>&1 ||
		fail "e2fsck: $(tail -n 5 "$scratch/fsck.log")"
	;;
*)
	echo "run-malta.sh: unknown test $test_name" >&2
	exit 1
	;;
esac
echo "PASS: $test_name"
