#!/bin/bash
# Boot Debian's riscv64 firmware and kernel (from scripts/fetch-guest-system.sh) on
# `morph system -M virt` and check what the guest does; see docs/system.md.
#
# Usage: run-boot.sh [--morph PATH] [--guest DIR] [--interp] TEST
#   TEST:
#     poweroff   boot to the initramfs' marker line, `poweroff`: morph exits 0
#     ext4       mount an ext4 virtio-blk disk, read the host's file, write files; the host
#                checks them in the image afterwards with debugfs
#     net        DHCP through slirp and an HTTP fetch from a server on 127.0.0.1 (10.0.2.2)
#     hostfwd    a web server in the guest reached from the host through hostfwd
#     rng        read /dev/hwrng (virtio-rng)
#     idle       the guest sleeps: morph must not burn a host core meanwhile
#     uboot      U-Boot (qemu-riscv64_smode) under OpenSBI to its prompt, then `poweroff`
#     shell      boot to the busybox shell, type commands into it, `poweroff`
#     hvc        --console-device: a shell on the virtio console (hvc0) gets the terminal's input
#     reboot     `reboot -f` restarts the machine (firmware and kernel again), then power off
#   --guest DIR     default: $MORPH_CACHE/guest-riscv64 (MORPH_CACHE defaults to ~/.cache/morph)
#   --interp        run morph with --interp
#
# Environment: MORPH (the binary), MORPH_BOOT_TIMEOUT (seconds per boot, default 600),
# MORPH_SYSTEM_CMD (replaces "MORPH system [--interp]"; the tests then only check the guest).
# Exit codes: 0 pass, 1 fail, 77 skipped (no guest files or no morph).
set -u

morph=${MORPH:-}
cache=${MORPH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/morph}
guest=$cache/guest-riscv64
interp=
timeout_s=${MORPH_BOOT_TIMEOUT:-600}

while [ $# -gt 0 ]; do
	case "$1" in
	--morph) morph=$2; shift 2 ;;
	--guest) guest=$2; shift 2 ;;
	--interp) interp=--interp; shift ;;
	-h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run-boot.sh: unknown option $1" >&2; exit 1 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: run-boot.sh [options] TEST (try --help)" >&2; exit 1; }
test_name=$1

# shellcheck source=testsuite/lib/guest-env.sh
. "$(dirname "$0")/../lib/guest-env.sh"
load_guest_env "$guest" fetch-guest-system.sh KERNEL FIRMWARE INITRD DISK UBOOT
if [ -n "${MORPH_SYSTEM_CMD:-}" ]; then
	read -r -a emu <<<"$MORPH_SYSTEM_CMD"
else
	[ -n "$morph" ] || morph=$(command -v morph 2>/dev/null || true)
	if [ -z "$morph" ] || [ ! -x "$morph" ]; then
		echo "SKIP: morph binary not found (--morph or \$MORPH)"
		exit 77
	fi
	emu=("$morph" system)
	[ -n "$interp" ] && emu+=("$interp")
fi

server=
extra_cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
}
scratch_tag=morph-boot
# shellcheck source=testsuite/lib/console.sh
. "$(dirname "$0")/../lib/console.sh"
# shellcheck source=testsuite/lib/http-server.sh
. "$(dirname "$0")/../lib/http-server.sh"

boot_linux() { # TESTS [morph options...]
	local tests=$1
	shift
	start --kernel "$KERNEL" --initrd "$INITRD" \
		--append "console=ttyS0 quiet morph_test=$tests ${extra_append:-}" "$@"
	wait_for "MORPH-BOOT-OK"
	echo "booted to the marker after $(echo "$(date +%s.%N) - $t_start" | bc) s"
}

expect_pass() { # TEST...
	for t in "$@"; do
		grep -qF "MORPH-TEST $t: PASS" "$log" ||
			fail "guest test $t: $(grep -F "MORPH-TEST $t:" "$log" || echo 'no result')"
	done
	grep -qF "MORPH-TESTS-DONE failures=0" "$log" || fail "guest reported failures"
}

case "$test_name" in
poweroff)
	boot_linux poweroff
	finish
	[ "$status" = 0 ] || fail "poweroff: exit status $status, not 0"
	grep -qF "MORPH-TESTS-DONE failures=0" "$log" || fail "no end-of-tests line"
	;;
ext4)
	cp "$DISK" "$scratch/disk.ext4"
	boot_linux ext4 --drive "$scratch/disk.ext4"
	finish
	[ "$status" = 0 ] || fail "exit status $status"
	expect_pass ext4
	# the data must be in the image now, as the guest wrote it
	got=$(debugfs -R 'cat /guest.txt' "$scratch/disk.ext4" 2>/dev/null)
	[ "$got" = "written by the guest" ] || fail "/guest.txt in the image: '$got'"
	want=$(seq 1 200000 | sha256sum | cut -d' ' -f1)
	got=$(debugfs -R 'cat /big.txt' "$scratch/disk.ext4" 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$got" = "$want" ] || fail "/big.txt in the image has sha256 $got, want $want"
	grep -qF "big.txt sha256 $want" "$log" || fail "the guest computed another sha256 of big.txt"
	want=$(seq 1 2000 | sha256sum | cut -d' ' -f1)
	grep -qF "numbers.txt sha256 $want" "$log" || fail "the guest read numbers.txt wrongly"
	if debugfs -R 'stat /dir/numbers.txt' "$scratch/disk.ext4" 2>&1 | grep -q 'Inode:'; then
		fail "/dir/numbers.txt is still in the image after the guest removed it"
	fi
	e2fsck -fn "$scratch/disk.ext4" >"$scratch/fsck.log" 2>&1 ||
		{ cat "$scratch/fsck.log"; fail "e2fsck finds errors in the image"; }
	;;
net)
	command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
	http_serve
	extra_append="morph_port=$port morph_file=/page.txt" boot_linux net --net user
	finish
	[ "$status" = 0 ] || fail "exit status $status"
	expect_pass net
	grep -qF "sha256 $want" "$log" || fail "the guest fetched other bytes than the server's"
	grep -q '"GET /page.txt HTTP/1.[01]" 200' "$scratch/server.log" ||
		fail "the server saw no GET /page.txt"
	;;
hostfwd)
	command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
	hport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	boot_linux serve --net "user,hostfwd=tcp::$hport-:8080"
	wait_for "MORPH-SERVING"
	got=$(python3 -c 'import sys, urllib.request
print(urllib.request.urlopen("http://127.0.0.1:%s/index.html" % sys.argv[1], timeout=60).read().decode(), end="")' "$hport") ||
		fail "no answer from the guest's server at 127.0.0.1:$hport"
	[ "$got" = "served by the guest riscv64" ] || fail "the guest's server said '$got'"
	send "done"$'\n'
	finish
	[ "$status" = 0 ] || fail "exit status $status"
	expect_pass serve
	;;
rng)
	boot_linux rng --rng
	finish
	[ "$status" = 0 ] || fail "exit status $status"
	expect_pass rng
	;;
idle)
	extra_append="morph_idle=8" boot_linux idle
	wait_for "MORPH-IDLE-BEGIN"
	# CPU time (user + system, in clock ticks) of morph over the guest's sleep
	ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null; }
	c0=$(ticks)
	w0=$(date +%s.%N)
	wait_for "MORPH-IDLE-END"
	c1=$(ticks)
	w1=$(date +%s.%N)
	[ -n "$c0" ] && [ -n "$c1" ] || fail "morph exited during the guest's sleep"
	send "measured"$'\n'
	wall=$(echo "$w1 - $w0" | bc)
	# the guest's clock follows the host's: an 8 s sleep takes about 8 s
	[ "$(echo "$wall > 6" | bc)" = 1 ] || fail "the guest's 8 s sleep took ${wall} s"
	hz=$(getconf CLK_TCK)
	share=$(echo "scale=3; ($c1 - $c0) / $hz / $wall" | bc)
	echo "morph used ${share} of a host core while the guest slept ${wall} s"
	finish
	[ "$status" = 0 ] || fail "exit status $status"
	expect_pass idle
	[ "$(echo "$share < 0.25" | bc)" = 1 ] || fail "an idle guest used $share of a host core"
	;;
uboot)
	start --kernel "$UBOOT"
	wait_for "=> "
	echo "U-Boot prompt after $(echo "$(date +%s.%N) - $t_start" | bc) s"
	send "version"$'\n'
	wait_for "U-Boot 20"
	send "poweroff"$'\n'
	finish
	[ "$status" = 0 ] || fail "U-Boot's poweroff: exit status $status"
	;;
shell)
	start --kernel "$KERNEL" --initrd "$INITRD" --append "console=ttyS0 quiet"
	wait_for "MORPH-BOOT-OK"
	wait_for "/ # "
	send "echo \$((6 * 7))-answer; uname -m"$'\n'
	wait_for "42-answer"
	wait_for "riscv64"
	send "poweroff"$'\n'
	finish
	[ "$status" = 0 ] || fail "poweroff from the shell: exit status $status"
	;;
hvc)
	case "${MORPH_SYSTEM_CMD:-}" in
	*qemu-system.sh*) echo "SKIP: QEMU's virtconsole cannot share stdio with the serial port"; exit 77 ;;
	esac
	start --kernel "$KERNEL" --initrd "$INITRD" --append "console=ttyS0 quiet morph_console=hvc0" \
		--console-device
	wait_for "shell on hvc0"
	wait_for "/ # "
	send "echo \$((6 * 7))-hvc; tty"$'\n'
	wait_for "42-hvc"
	wait_for "/dev/hvc0"
	send "poweroff"$'\n'
	finish
	[ "$status" = 0 ] || fail "poweroff from hvc0: exit status $status"
	;;
reboot)
	start --kernel "$KERNEL" --initrd "$INITRD" --append "console=ttyS0 quiet"
	wait_for "/ # "
	send "reboot -f"$'\n'
	# the firmware banner and the marker once more
	for _ in $(seq $((timeout_s * 10))); do
		[ "$(grep -c 'MORPH-BOOT-OK' "$log")" -ge 2 ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	[ "$(grep -c 'MORPH-BOOT-OK' "$log")" -ge 2 ] || fail "no second boot after reboot"
	[ "$(grep -c 'OpenSBI v' "$log")" -ge 2 ] || fail "the firmware did not run again"
	sleep 1
	send "poweroff"$'\n'
	finish
	[ "$status" = 0 ] || fail "exit status $status"
	;;
*)
	echo "run-boot.sh: unknown test '$test_name'" >&2
	exit 1
	;;
esac
echo "PASS: $test_name"
exit 0
