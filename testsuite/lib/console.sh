# Driving an emulated machine through its serial console, for the boot test scripts
# (testsuite/boot/run-boot.sh, boot-malta/run-malta.sh, display/run-display.sh). Source it
# after setting:
#   emu         array: the command that runs the machine (options are appended)
#   timeout_s   seconds to wait for anything
#   scratch_tag name of the scratch directory (mktemp template prefix)
# and optionally define extra_cleanup() (called on exit). Provides $scratch, $log, $pid,
# $t_start, $status and fail, start, wait_for, finish, send.

scratch=$(mktemp -d "${TMPDIR:-/tmp}/${scratch_tag:-morph-console}.XXXXXX") || exit 1
pid=
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	if declare -F extra_cleanup >/dev/null; then extra_cleanup; fi
	exec 8>&- 2>/dev/null
	rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
log=$scratch/console.log

fail() {
	echo "FAIL: $*"
	echo "---- console (last 40 lines) ----"
	tail -n 40 "$log" 2>/dev/null
	exit 1
}

# start ARGS...: run the machine in the background, console in $log, input from a fifo
# (fd 8 keeps it open, so the guest never sees end of input unless we close it).
start() {
	mkfifo "$scratch/in"
	echo "+ ${emu[*]} $*" >&2
	"${emu[@]}" "$@" <"$scratch/in" >"$log" 2>&1 &
	pid=$!
	exec 8>"$scratch/in"
	t_start=$(date +%s.%N)
}

# wait_for PATTERN: until the console shows PATTERN (fixed string); fails on timeout or exit.
wait_for() {
	local deadline=$(($(date +%s) + timeout_s))
	while ! grep -qF -- "$1" "$log" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null; then
			grep -qF -- "$1" "$log" && return 0
			wait "$pid"
			fail "the machine exited (status $?) before printing '$1'"
		fi
		[ "$(date +%s)" -lt "$deadline" ] || fail "no '$1' after ${timeout_s}s"
		sleep 0.1
	done
}

# finish: wait for the machine to exit (with the timeout); sets $status.
finish() {
	local deadline=$(($(date +%s) + timeout_s))
	while kill -0 "$pid" 2>/dev/null; do
		[ "$(date +%s)" -lt "$deadline" ] || fail "still running after ${timeout_s}s"
		sleep 0.1
	done
	wait "$pid"
	status=$?
	pid=
	echo "exited with status $status after $(echo "$(date +%s.%N) - $t_start" | bc) s"
}

# send TEXT: type into the console.
send() {
	printf '%s' "$1" >&8
}
