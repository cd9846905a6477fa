#!/bin/bash
# The display tests: Debian's kernel (scripts/fetch-guest-system.sh) on `morph system` with
# virtio-gpu, keyboard and tablet; see docs/display.md and CMakeLists.txt here.
#
# Usage: run-display.sh [--morph PATH] [--guest DIR] TEST
#   fb-screenshot  --display none: the guest draws on /dev/fb0 and tty1 (morph_test=fb), powers
#                  off; the --screenshot PNG must show the bars and the text (check-image.py)
#   sdl-xvfb       --display sdl on a private Xvfb: xdotool types into the window, the typed
#                  command's output appears on the serial console; xwd shows the console; the
#                  host CPU morph uses while the guest idles with the window open is reported
#                  (and must stay under 25% of a core); `poweroff` typed in the window ends it
#
# Environment: MORPH, MORPH_BOOT_TIMEOUT (seconds per step, default 500),
# MORPH_DISPLAY_IDLE (seconds of the idle measurement, default 10).
# Exit codes: 0 pass, 1 fail, 77 skipped (a prerequisite is missing).
set -u

here=$(cd "$(dirname "$0")" && pwd)
morph=${MORPH:-}
cache=${MORPH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/morph}
guest=$cache/guest-riscv64
timeout_s=${MORPH_BOOT_TIMEOUT:-500}

while [ $# -gt 0 ]; do
	case "$1" in
	--morph) morph=$2; shift 2 ;;
	--guest) guest=$2; shift 2 ;;
	-h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run-display.sh: unknown option $1" >&2; exit 1 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: run-display.sh [options] TEST (try --help)" >&2; exit 1; }
test_name=$1

# shellcheck source=testsuite/lib/guest-env.sh
. "$(dirname "$0")/../lib/guest-env.sh"
load_guest_env "$guest" fetch-guest-system.sh KERNEL FIRMWARE INITRD
zcat "$INITRD" | cpio -t 2>/dev/null | grep -q 'load-order-display$' ||
	skip "the initramfs has no display modules; run scripts/fetch-guest-system.sh again"
[ -n "$morph" ] || morph=$(command -v morph 2>/dev/null || true)
[ -n "$morph" ] && [ -x "$morph" ] || skip "morph binary not found (--morph or \$MORPH)"
# Debian's python3 with python3-png (a python3 earlier in PATH may lack the module)
py=
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import png' 2>/dev/null; then
		py=$p
		break
	fi
done
[ -n "$py" ] || skip "python3-png missing (scripts/setup.sh installs it)"

xpid=
extra_cleanup() {
	[ -n "$xpid" ] && kill "$xpid" 2>/dev/null
}
emu=("$morph" system)
scratch_tag=morph-display
# shellcheck source=testsuite/lib/console.sh
. "$(dirname "$0")/../lib/console.sh"

case "$test_name" in
fb-screenshot)
	start --display none --screenshot "$scratch/shot.png" --kernel "$KERNEL" \
		--initrd "$INITRD" --append "console=ttyS0 quiet morph_test=fb"
	wait_for "MORPH-BOOT-OK"
	finish
	[ "$status" = 0 ] || fail "exit status $status"
	grep -qF "MORPH-TEST fb: PASS" "$log" ||
		fail "guest test fb: $(grep -F 'MORPH-TEST fb:' "$log" || echo 'no result')"
	[ -s "$scratch/shot.png" ] || fail "no screenshot written"
	"$py" "$here/check-image.py" bars "$scratch/shot.png" || fail "the screenshot is wrong"
	;;
sdl-xvfb)
	for tool in Xvfb xdotool xwd bc; do
		command -v "$tool" >/dev/null 2>&1 || skip "$tool missing (scripts/setup.sh installs it)"
	done
	"$morph" system --help | grep -q -- '--display sdl' || skip "morph has no --display"
	# a private X server: -displayfd picks a free display number; black root window
	Xvfb -displayfd 9 -screen 0 1280x1024x24 -br -nolisten tcp \
		9>"$scratch/xdisplay" >"$scratch/xvfb.log" 2>&1 &
	xpid=$!
	for _ in $(seq 100); do [ -s "$scratch/xdisplay" ] && break; sleep 0.1; done
	[ -s "$scratch/xdisplay" ] || { cat "$scratch/xvfb.log"; fail "Xvfb did not start"; }
	export DISPLAY=:$(head -n 1 "$scratch/xdisplay")
	unset WAYLAND_DISPLAY
	echo "Xvfb on $DISPLAY"
	# hotkey screenshots land in the current directory
	cd "$scratch" || exit 1
	start --display sdl --screenshot "$scratch/shot.png" \
		--kernel "$KERNEL" --initrd "$INITRD" --append "console=ttyS0 quiet"
	for _ in $(seq 100); do
		wid=$(xdotool search --name '^morph: virt' 2>/dev/null | head -n 1)
		[ -n "$wid" ] && break
		kill -0 "$pid" 2>/dev/null || fail "morph exited before opening its window"
		sleep 0.2
	done
	[ -n "$wid" ] || fail "no morph window on $DISPLAY"
	echo "window $wid: '$(xdotool getwindowname "$wid")'"
	xdotool getwindowname "$wid" | grep -q 'running' || fail "the title does not say running"
	wait_for "a shell on the screen (tty1)"
	wait_for "/ # "
	sleep 3 # the tty1 shell's prompt
	# idle: the guest's shells wait for input, the window is open
	idle=${MORPH_DISPLAY_IDLE:-10}
	ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null; }
	c0=$(ticks)
	sleep "$idle"
	c1=$(ticks)
	[ -n "$c0" ] && [ -n "$c1" ] || fail "morph exited while idle"
	share=$(echo "scale=3; ($c1 - $c0) / $(getconf CLK_TCK) / $idle" | bc)
	echo "morph used $share of a host core in ${idle} s of an idle guest with the window open"
	[ "$(echo "$share < 0.25" | bc)" = 1 ] || fail "an idle guest with a window used $share of a core"
	# keys through the window: a command on tty1 whose output goes to the serial console
	xdotool windowfocus --sync "$wid" 2>/dev/null || xdotool windowfocus "$wid"
	xdotool type --delay 40 'echo KEYS-OK-$((6*7)) > /dev/ttyS0'
	xdotool key Return
	wait_for "KEYS-OK-42"
	echo "typed keys reached the guest's shell on tty1"
	sleep 2 # the typed line and the prompt on the screen
	xwd -root -silent > "$scratch/screen.xwd" || fail "xwd failed"
	"$py" "$here/check-image.py" console "$scratch/screen.xwd" ||
		fail "the X screen does not show the guest console"
	# hotkeys: Ctrl-Alt-G grabs and releases (the title says so), Ctrl-Alt-S saves a PNG
	xdotool key ctrl+alt+g
	sleep 1
	xdotool getwindowname "$wid" | grep -q grabbed || fail "Ctrl-Alt-G: title '$(xdotool getwindowname "$wid")'"
	xdotool key ctrl+alt+g
	sleep 1
	xdotool getwindowname "$wid" | grep -q grabbed && fail "Ctrl-Alt-G did not release the grab"
	xdotool key ctrl+alt+s
	for _ in $(seq 50); do ls "$scratch"/morph-*.png >/dev/null 2>&1 && break; sleep 0.2; done
	shot=$(ls "$scratch"/morph-*.png 2>/dev/null | head -n 1)
	[ -n "$shot" ] || fail "Ctrl-Alt-S saved no screenshot"
	echo "Ctrl-Alt-S saved $(basename "$shot")"
	# power off from the window
	xdotool type --delay 40 'poweroff'
	xdotool key Return
	finish
	[ "$status" = 0 ] || fail "poweroff typed in the window: exit status $status"
	[ -s "$scratch/shot.png" ] || fail "no --screenshot written"
	;;
*)
	echo "run-display.sh: unknown test '$test_name'" >&2
	exit 1
	;;
esac
echo "PASS: $test_name"
exit 0
