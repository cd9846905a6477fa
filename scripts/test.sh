#!/usr/bin/env bash
# Builds morph and runs the test suites (ctest). Run scripts/setup.sh first on
# a fresh machine. Environment: BUILD_DIR (default build), JOBS (default 2),
# MORPH_SKIP_DEBIAN=1 to skip fetching Debian guest packages (and so the Linux boot
# tests), MORPH_BOOT_TESTS=0 to skip the boot tests of `morph system` (label boot, ~2
# minutes), MORPH_BOOT_QEMU=1 to also boot the same guests on qemu-system-riscv64
# (label boot-qemu: checks the tests themselves).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
jobs=${JOBS:-2}

gen=()
command -v ninja >/dev/null && gen=(-G Ninja)
cmake -S "$top" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMORPH_WERROR=ON
cmake --build "$build" -j "$jobs"

# Debian riscv64 programs for the real-input tests (cached after the first run).
if [ "${MORPH_SKIP_DEBIAN:-0}" != 1 ] && [ -x "$top/scripts/fetch-debian.sh" ]; then
	"$top/scripts/fetch-debian.sh" --arch riscv64 --suite trixie \
		busybox-static python3-minimal lua5.4 sqlite3 xz-utils ||
		echo "test.sh: could not fetch Debian guest packages; their tests will be skipped" >&2
	"$top/scripts/fetch-debian.sh" --arch mipsel --suite bookworm busybox-static coreutils ||
		echo "test.sh: could not fetch Debian mipsel packages; their tests will be skipped" >&2
	# OpenSBI, Linux, U-Boot and the initramfs of the boot tests
	if [ "${MORPH_BOOT_TESTS:-1}" != 0 ]; then
		"$top/scripts/fetch-guest-system.sh" ||
			echo "test.sh: could not fetch the guest system; the boot tests will be skipped" >&2
		"$top/scripts/fetch-guest-malta.sh" ||
			echo "test.sh: could not fetch the Malta guest; its boot tests will be skipped" >&2
	fi
fi

cd "$build"
exclude=(-LE '^boot-qemu$')
[ "${MORPH_BOOT_QEMU:-0}" = 1 ] && exclude=()
[ "${MORPH_BOOT_TESTS:-1}" = 0 ] && exclude=(-LE '^boot')
ctest --output-on-failure -j "$jobs" --timeout 600 "${exclude[@]}"
