#!/bin/sh
# Run real Debian riscv64 programs (from a sysroot made by scripts/fetch-debian.sh) under
# morph and check their results.
#
# Usage: run-debian.sh [--morph PATH] [--sysroot DIR] [--interp] TEST
#   TEST: busybox | python3 | lua | sqlite3 | xz
#   --sysroot DIR   default: $MORPH_RISCV64_SYSROOT, else $MORPH_CACHE/sysroot-riscv64
#                   (MORPH_CACHE defaults to ~/.cache/morph, as in scripts/fetch-debian.sh)
#   --interp        run morph with --interp
#
# Environment: MORPH (the binary), MORPH_RUN_CMD (replaces "MORPH run [--interp]", e.g.
# MORPH_RUN_CMD=qemu-riscv64 to check the tests themselves), MORPH_TEST_TIMEOUT (seconds per
# guest command, default 300).
# Exit codes: 0 pass, 1 fail, 77 skipped (no sysroot, program missing from it, or no morph).
set -u

morph=${MORPH:-}
cache=${MORPH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/morph}
sysroot=${MORPH_RISCV64_SYSROOT:-$cache/sysroot-riscv64}
interp=0
timeout_s=${MORPH_TEST_TIMEOUT:-300}

while [ $# -gt 0 ]; do
	case "$1" in
	--morph) morph=$2; shift 2 ;;
	--sysroot) sysroot=$2; shift 2 ;;
	--interp) interp=1; shift ;;
	-h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run-debian.sh: unknown option $1" >&2; exit 1 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: run-debian.sh [options] TEST (try --help)" >&2; exit 1; }
test_name=$1

fetch_hint="scripts/fetch-debian.sh --arch riscv64 --suite trixie --dest $sysroot \
busybox-static python3 lua5.4 sqlite3 xz-utils"
if [ ! -d "$sysroot" ]; then
	echo "SKIP: no riscv64 sysroot at $sysroot; make one with: $fetch_hint"
	exit 77
fi
sysroot=$(cd "$sysroot" && pwd)

if [ -n "${MORPH_RUN_CMD:-}" ]; then
	emu=$MORPH_RUN_CMD
else
	[ -n "$morph" ] || morph=$(command -v morph 2>/dev/null || true)
	if [ -z "$morph" ] || [ ! -x "$morph" ]; then
		echo "SKIP: morph binary not found (--morph or \$MORPH)"
		exit 77
	fi
	emu="$morph run"
	[ "$interp" = 1 ] && emu="$emu --interp"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/morph-debian.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT INT TERM
cd "$scratch" || exit 1
export LC_ALL=C TZ=UTC TMPDIR="$scratch"
ulimit -c 0 2>/dev/null
status=0

# need PROGRAM...: skip the test if the sysroot lacks a program it runs.
need() {
	for p in "$@"; do
		if [ ! -e "$sysroot/usr/bin/$p" ]; then
			echo "SKIP: $sysroot/usr/bin/$p missing; add it with: $fetch_hint"
			exit 77
		fi
	done
}

# guest PROGRAM ARGS...: run /usr/bin/PROGRAM of the sysroot under the emulator.
guest() {
	_p=$1
	shift
	printf "+ %s\n" "$emu -L $sysroot $sysroot/usr/bin/$_p $*" >&2
	# shellcheck disable=SC2086 # $emu is a word list on purpose
	timeout -k 5 "$timeout_s" $emu -L "$sysroot" "$sysroot/usr/bin/$_p" "$@"
}

# check WHAT EXPECTED-FILE ACTUAL-FILE
check() {
	if cmp -s "$2" "$3"; then
		echo "ok: $1"
	else
		echo "FAIL: $1"
		diff -u --label expected --label actual "$2" "$3"
		status=1
	fi
}

# check_rc WHAT RC: the guest command must have exited with 0.
check_rc() {
	if [ "$2" != 0 ]; then
		echo "FAIL: $1 exited with status $2"
		status=1
	fi
}

case "$test_name" in
busybox)
	need busybox
	# A shell pipeline inside the guest: fork, pipes, applets, wait.
	guest busybox sh -c 'echo hi | sed s/hi/ho/; seq 10 | sort -rn' > out 2> err
	check_rc "busybox sh" $?
	{ echo ho; for i in 10 9 8 7 6 5 4 3 2 1; do echo $i; done; } > exp
	check "busybox sh pipeline" exp out
	guest busybox sh -c 'i=0; s=0; while [ $i -lt 100 ]; do i=$((i+1)); s=$((s+i*i)); done;
		echo "sum $s"; printf "%s\n" c a b | sort | tr "\n" " "; echo;
		echo abcdef | cut -c2-4; x=$(echo sub; echo shell); echo "$x" | wc -l' > out 2> err
	check_rc "busybox sh arithmetic" $?
	printf 'sum 338350\na b c \nbcd\n2\n' > exp
	check "busybox sh arithmetic, sort, cut, command substitution" exp out
	# Files through applets: write, checksum, list.
	guest busybox sh -c 'mkdir d && seq 1000 > d/f && md5sum d/f | cut -d" " -f1 && ls d &&
		wc -c < d/f' > out 2> err
	check_rc "busybox files" $?
	{ seq 1000 | md5sum | cut -d' ' -f1; echo f; seq 1000 | wc -c; } > exp
	check "busybox files (md5sum from the host's coreutils)" exp out
	;;
python3)
	need python3
	cat > script.py <<'EOF'
import hashlib
import json
import sys

data = {"name": "morph", "values": list(range(10)), "nested": {"a": [1.5, None, True], "b": "\u00e9t\u00e9"}}
s = json.dumps(data, sort_keys=True)
print(s)
print(hashlib.sha256(s.encode()).hexdigest())
print(json.loads(s)["nested"])
print(hashlib.sha256(b"abc").hexdigest())
print(hashlib.sha256(b"a" * MILLION).hexdigest())
print(sum(i * i for i in range(100000)), 2 ** 100, round(3.14159 ** 2, 6))
print(sorted({"b": 2, "a": 1}.items()), sys.byteorder)
EOF
	# The interpreter is ~10x slower than the JIT: it hashes less (expected value from the
	# FIPS 180-2 vector for a million 'a', else from the host's sha256sum).
	million=1000000
	[ "$interp" = 1 ] && million=20000
	sed -i "s/MILLION/$million/" script.py
	want_a=cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0
	[ "$million" != 1000000 ] && want_a=$(head -c "$million" /dev/zero | tr '\0' a | sha256sum | cut -d' ' -f1)
	guest python3 script.py > out 2> err
	check_rc "python3" $?
	# The SHA-256 values: of the JSON text (from sha256sum), and FIPS 180-2's test vectors.
	cat > exp <<'EOF'
{"name": "morph", "nested": {"a": [1.5, null, true], "b": "\u00e9t\u00e9"}, "values": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}
ca91aeb96f766a481290fa0207f411559605b67b472c1e391e195158092f4df5
{'a': [1.5, None, True], 'b': 'été'}
ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
WANT_A
333328333350000 1267650600228229401496703205376 9.869588
[('a', 1), ('b', 2)] little
EOF
	sed -i "s/WANT_A/$want_a/" exp
	check "python3 json + hashlib" exp out
	;;
lua)
	need lua5.4
	guest lua5.4 -e '
local t = {}
for i = 1, 100 do t[i] = i * i end
local s = 0
for _, v in ipairs(t) do s = s + v end
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local co = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * 10) end end)
print(s, #t, fib(20), string.format("%.3f", math.pi), 7 // 2, 7 / 2, 2^10)
print(co(), co(), co(), ("morph"):upper():rep(2, "-"), math.maxinteger)
print(string.format("%q", "a\nb"), table.concat({3, 1, 2}, ","), tostring(nil))' > out 2> err
	check_rc "lua5.4" $?
	printf '%s\n' "338350	100	6765	3.142	3	3.5	1024.0" \
		"10	20	30	MORPH-MORPH	9223372036854775807" '"a\' 'b"	3,1,2	nil' > exp
	check "lua5.4 computation" exp out
	;;
sqlite3)
	need sqlite3
	guest sqlite3 :memory: "create table t(a integer, b text);
insert into t values (1, 'x'), (2, 'y'), (3, 'z');
select sum(a), group_concat(b, '-') from t;
with recursive c(x) as (select 1 union all select x + 1 from c where x < 1000)
  select count(*), sum(x), max(x) from c;
create index ti on t(b);
update t set a = a * 10 where b > 'x';
select a, b from t order by a desc;
select printf('%.4f', 22.0 / 7), upper('done'), length(hex(randomblob(8)));" > out 2> err
	check_rc "sqlite3" $?
	printf '%s\n' '6|x-y-z' '1000|500500|1000' '30|z' '20|y' '1|x' '3.1429|DONE|16' > exp
	check "sqlite3 :memory: queries" exp out
	;;
xz)
	need xz
	# About 2 MB of text plus incompressible bytes, made on the host, the same every run.
	lines=60000
	[ "$interp" = 1 ] && lines=6000
	awk -v n="$lines" 'BEGIN { srand(7); for (i = 0; i < n; i++)
		printf "line %d %x %s\n", i, int(rand() * 4294967296), (i % 7 ? "abc" : "zz") }' > in
	# 256 KiB of SHA-256 output chained from a seed: binary data without /dev/urandom.
	python3 -c 'import hashlib, sys
h = b"morph"
out = bytearray()
while len(out) < (26214 if sys.argv[1] == "1" else 262144):
    h = hashlib.sha256(h).digest()
    out += h
sys.stdout.buffer.write(out)' "$interp" >> in || { echo "FAIL: cannot make the input (python3)"; exit 1; }
	guest xz -6 -T1 -c in > in.xz 2> err
	check_rc "xz compress" $?
	guest xz -d -c in.xz > out 2>> err
	check_rc "xz decompress" $?
	if cmp in out; then
		echo "ok: xz round trip ($(wc -c < in) bytes, $(wc -c < in.xz) compressed)"
	else
		echo "FAIL: xz round trip differs"
		status=1
	fi
	guest xz -t in.xz 2>> err
	check_rc "xz -t" $?
	# The host's xz must read what the guest wrote.
	if command -v xz > /dev/null 2>&1; then
		if xz -d -c in.xz | cmp - in; then
			echo "ok: host xz decompresses the guest's output"
		else
			echo "FAIL: host xz disagrees with the guest's output"
			status=1
		fi
	fi
	;;
*)
	echo "run-debian.sh: unknown test '$test_name'" >&2
	exit 1
	;;
esac

if [ "$status" != 0 ] && [ -s err ]; then
	echo "--- guest stderr (last 30 lines):"
	tail -n 30 err
fi
[ "$status" = 0 ] && echo "PASS: debian/$test_name"
exit "$status"
