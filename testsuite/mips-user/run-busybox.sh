#!/bin/sh
# Debian bookworm mipsel programs under morph: busybox-static applets and dynamically linked
# coreutils from the sysroot made by
#   scripts/fetch-debian.sh --arch mipsel --suite bookworm busybox-static coreutils
# Each check runs a guest command line and compares its output with what the host's own
# tools (or a fixed text) give.
#
# Usage: run-busybox.sh --morph MORPH --sysroot DIR [--interp]
# Exit codes: 0 pass, 1 failure, 77 skipped (no sysroot).
set -u

morph=
sysroot=
interp=
while [ $# -gt 0 ]; do
	case "$1" in
	--morph) morph=$2; shift 2 ;;
	--sysroot) sysroot=$2; shift 2 ;;
	--interp) interp=--interp; shift ;;
	*) echo "run-busybox.sh: unknown option $1" >&2; exit 1 ;;
	esac
done
bb=$sysroot/usr/bin/busybox
if [ ! -x "$bb" ] || [ ! -x "$sysroot/usr/bin/sort" ]; then
	echo "run-busybox.sh: no mipsel sysroot at $sysroot" \
	     "(scripts/fetch-debian.sh --arch mipsel --suite bookworm busybox-static coreutils)"
	exit 77
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/morph-mips-bb.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT INT TERM
cd "$scratch" || exit 1
export LC_ALL=C TZ=UTC

fails=0
n=0
# check NAME EXPECTED GUEST-SHELL-COMMAND: run the command with busybox sh under morph
check() {
	n=$((n + 1))
	got=$(timeout 300 $morph run $interp -L "$sysroot" "$bb" sh -c "$3" 2>&1)
	if [ "$got" = "$2" ]; then
		echo "ok   $1"
	else
		echo "FAIL $1"
		echo "  expected: $2"
		echo "  got:      $got"
		fails=$((fails + 1))
	fi
}

seq 1 3000 > numbers.txt
head -c 200000 /dev/zero | tr '\0' 'x' > xs.txt
host_sum=$(sha256sum numbers.txt | cut -d' ' -f1)
host_md5=$(md5sum xs.txt | cut -d' ' -f1)

check echo "hello from mipsel" "echo hello from mipsel"
check arithmetic "42 100" 'i=0; while [ $i -lt 100 ]; do i=$((i + 1)); done; echo $((6 * 7)) $i'
check sort "a b c" "printf 'c\nb\na\n' | sort | tr '\n' ' ' | sed 's/ \$//'"
check awk "4501500" "awk '{ s += \$1 } END { print s }' numbers.txt"
check sed "y-y-y" "echo x-x-x | sed 's/x/y/g'"
check sha256sum "$host_sum" "sha256sum numbers.txt | cut -d' ' -f1"
check md5sum "$host_md5" "md5sum xs.txt | cut -d' ' -f1"
check gzip "$host_sum" "gzip -c numbers.txt > n.gz && gunzip -c n.gz | sha256sum | cut -d' ' -f1"
check wc "3000 3000 13893" "wc numbers.txt | awk '{ print \$1, \$2, \$3 }'"
check date "1970-01-01 00:00:00" "date -u -d @0 '+%Y-%m-%d %H:%M:%S'"
check files "b.txt c.txt" "mkdir d && touch d/c.txt d/b.txt && ls d | tr '\n' ' ' | sed 's/ \$//'"
check find "./d/b.txt" "find . -name b.txt"
check pipes-and-subshells "3" "echo \$(echo a; echo b; echo c) | wc -w"
check grep "3000" "grep -c . numbers.txt"
check expr "7" "expr 3 + 4"
check od "0000000 041101 000012" "printf 'AB\n' | od | head -1 | tr -s ' '"
# dynamically linked Debian coreutils (the interpreter and libc from the sysroot)
check coreutils-sort "3000 2999 2998" \
	"$sysroot/usr/bin/sort -rn numbers.txt | head -3 | tr '\n' ' ' | sed 's/ \$//'"
check coreutils-ls "numbers.txt" "$sysroot/usr/bin/ls numbers.txt"

if [ "$fails" != 0 ]; then
	echo "$fails of $n checks failed"
	exit 1
fi
echo "all $n checks passed"
