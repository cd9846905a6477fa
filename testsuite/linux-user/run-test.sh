#!/bin/sh
# Run one RISC-V Linux program under morph and check what it prints and how it exits.
#
# Usage: run-test.sh [options] [--] PROGRAM [ARGS...]
#   --morph PATH       the morph binary (default: $MORPH, else `morph` from PATH)
#   --expected FILE    expected stdout; its last line is "exit status: N"
#   -L DIR             sysroot for the guest's dynamic loader and libraries
#   --interp           run morph with --interp (the IR interpreter instead of the JIT)
#   --env NAME=VALUE   extra environment variable for the guest (repeatable)
#   --timeout SEC      kill the run after SEC seconds (default $MORPH_TEST_TIMEOUT or 120)
#   --sh-args STRING   more guest arguments, split with shell quoting ("a 'b c' ''"): the
#                      way to pass empty arguments, which CMake lists cannot carry
#   --qemu             differential mode: run the program under qemu-riscv64 too and
#                      compare morph's output with QEMU's instead of with --expected
#   --record           write the output to the --expected file instead of comparing
#                      (then READ it: QEMU is not always right, see docs/testing.md)
#
# Environment:
#   MORPH_RUN_CMD      replaces "MORPH run [--interp]" by another emulator command, e.g.
#                      MORPH_RUN_CMD=qemu-riscv64 checks the tests and expected files
#                      against QEMU (-L is passed on; --interp is ignored)
#   QEMU_RISCV64       the QEMU used by --qemu (default qemu-riscv64)
#
# The program runs in a fresh scratch directory (also its $TMPDIR) with stdin from /dev/null,
# LC_ALL=C and TZ=UTC. Exit codes: 0 pass, 1 mismatch or error, 77 skipped (no emulator).
set -u

morph=${MORPH:-}
expected=
sysroot=
interp=0
qemu_diff=0
record=0
timeout_s=${MORPH_TEST_TIMEOUT:-120}
envs=
sh_args=

usage() {
	sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case "$1" in
	--morph) morph=$2; shift 2 ;;
	--expected) expected=$2; shift 2 ;;
	-L) sysroot=$2; shift 2 ;;
	--interp) interp=1; shift ;;
	--env)
		case "$2" in
		*=*) ;;
		*) echo "run-test.sh: --env needs NAME=VALUE" >&2; exit 1 ;;
		esac
		# Newline-separated: values may contain spaces.
		envs="$envs$2
"
		shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--sh-args) sh_args=$2; shift 2 ;;
	--qemu) qemu_diff=1; shift ;;
	--record) record=1; shift ;;
	--) shift; break ;;
	-h|--help) usage ;;
	-*) echo "run-test.sh: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || usage
prog=$1
shift
if [ -n "$sh_args" ]; then
	eval "set -- \"\$@\" $sh_args" || { echo "run-test.sh: bad --sh-args" >&2; exit 1; }
fi
[ -f "$prog" ] || { echo "run-test.sh: no program $prog (not built?)" >&2; exit 1; }
prog=$(cd "$(dirname "$prog")" && pwd)/$(basename "$prog")
if [ -n "$sysroot" ]; then
	[ -d "$sysroot" ] || { echo "run-test.sh: sysroot $sysroot does not exist" >&2; exit 1; }
	sysroot=$(cd "$sysroot" && pwd)
fi
if [ -n "$expected" ]; then
	case "$expected" in
	/*) ;;
	*) expected=$(pwd)/$expected ;;
	esac
fi

# The emulator command as a list of words in "$@"-safe form is awkward in POSIX sh, so the
# prefix is kept as a string of words without spaces inside them (paths with spaces are not
# supported for the emulator itself).
if [ -n "${MORPH_RUN_CMD:-}" ]; then
	emu=$MORPH_RUN_CMD
	[ "$interp" = 1 ] && echo "run-test.sh: note: MORPH_RUN_CMD set, --interp ignored" >&2
else
	[ -n "$morph" ] || morph=$(command -v morph 2>/dev/null || true)
	if [ -z "$morph" ] || [ ! -x "$morph" ]; then
		echo "run-test.sh: morph binary not found (--morph or \$MORPH); skipping" >&2
		exit 77
	fi
	emu="$morph run"
	[ "$interp" = 1 ] && emu="$emu --interp"
fi
qemu=${QEMU_RISCV64:-qemu-riscv64}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/morph-test.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT INT TERM

# run_guest EMULATOR OUTFILE ARGS...: run the program, append "exit status: N" to OUTFILE.
run_guest() {
	_emu=$1
	_out=$2
	shift 2
	# Each run gets its own directory, so a --qemu comparison starts both from scratch.
	mkdir -p "$_out.cwd"
	# No core files from guests that die by a signal (QEMU writes qemu_*.core).
	ulimit -c 0 2>/dev/null
	(
		cd "$_out.cwd" || exit 1
		export LC_ALL=C TZ=UTC TMPDIR="$_out.cwd"
		if [ -n "$envs" ]; then
			set -f
			_old_ifs=$IFS
			IFS='
'
			for _kv in $envs; do
				export "$_kv"
			done
			IFS=$_old_ifs
			set +f
		fi
		# shellcheck disable=SC2086 # $_emu is a word list on purpose
		if [ -n "$sysroot" ]; then
			exec timeout -k 5 "$timeout_s" $_emu -L "$sysroot" "$prog" "$@"
		else
			exec timeout -k 5 "$timeout_s" $_emu "$prog" "$@"
		fi
	) < /dev/null > "$_out" 2> "$_out.stderr"
	_rc=$?
	[ "$_rc" = 124 ] && echo "run-test.sh: TIMEOUT after ${timeout_s}s" >> "$_out.stderr"
	echo "exit status: $_rc" >> "$_out"
	return 0
}

show_stderr() {
	if [ -s "$1.stderr" ]; then
		echo "--- stderr ($2), last 30 lines:"
		tail -n 30 "$1.stderr"
	fi
}

cmdline="$emu${sysroot:+ -L $sysroot} $prog $*"
run_guest "$emu" "$scratch/actual" "$@"

if [ "$qemu_diff" = 1 ]; then
	command -v "$qemu" >/dev/null 2>&1 || { echo "run-test.sh: $qemu not found" >&2; exit 77; }
	run_guest "$qemu" "$scratch/qemu" "$@"
	if cmp -s "$scratch/qemu" "$scratch/actual"; then
		echo "PASS (same as $qemu): $cmdline"
		exit 0
	fi
	echo "FAIL: output differs from $qemu"
	echo "command: $cmdline"
	diff -u --label "$qemu" --label "morph" "$scratch/qemu" "$scratch/actual"
	show_stderr "$scratch/actual" morph
	show_stderr "$scratch/qemu" "$qemu"
	exit 1
fi

if [ "$record" = 1 ]; then
	[ -n "$expected" ] || { echo "run-test.sh: --record needs --expected" >&2; exit 1; }
	cp "$scratch/actual" "$expected"
	echo "recorded $expected from: $cmdline"
	show_stderr "$scratch/actual" emulator
	exit 0
fi

if [ -z "$expected" ]; then
	cat "$scratch/actual"
	show_stderr "$scratch/actual" emulator
	exit 0
fi
[ -f "$expected" ] || { echo "run-test.sh: no expected file $expected" >&2; exit 1; }
if cmp -s "$expected" "$scratch/actual"; then
	echo "PASS: $cmdline"
	exit 0
fi
echo "FAIL: output differs from $(basename "$expected")"
echo "command: $cmdline"
diff -u --label expected --label actual "$expected" "$scratch/actual"
show_stderr "$scratch/actual" emulator
exit 1
