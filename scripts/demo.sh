#!/usr/bin/env bash
# The default guest: builds morph if needed, fetches Debian trixie's riscv64
# busybox-static and runs a small shell pipeline in it under `morph run`.
# Extra arguments replace the shell command: scripts/demo.sh 'uname -a; ls /'.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}

if [ ! -x "$build/morph" ]; then
	gen=()
	command -v ninja >/dev/null && gen=(-G Ninja)
	cmake -S "$top" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$build" -j "${JOBS:-2}" >/dev/null
fi
sysroot=$("$top/scripts/fetch-debian.sh" --arch riscv64 --suite trixie busybox-static | tail -n 1)
cmd=${1:-'echo "hello from $(uname -m) busybox"; echo hi | sed s/hi/ho/; seq 10 | sort -rn | head -3'}
echo "+ morph run $sysroot/bin/busybox sh -c '$cmd'" >&2
exec "$build/morph" run "$sysroot/bin/busybox" sh -c "$cmd"
