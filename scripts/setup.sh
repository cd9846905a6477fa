#!/bin/sh
# Install every Debian 12 (bookworm) host package that morph's build, tests and benchmarks need.
#
# Usage: scripts/setup.sh [--no-cross] [--no-tools] [--sysroot] [--dry-run]
#   --no-cross   skip the cross toolchains (riscv64-linux-gnu, riscv64-unknown-elf)
#   --no-tools   skip oracles and tools (qemu, hyperfine, gdb-multiarch, valgrind)
#   --sysroot    also fetch the riscv64 Debian guest sysroot used by testsuite/debian
#                (scripts/fetch-debian.sh; needs network access to a Debian mirror)
#   --dry-run    print what would be installed, change nothing
#
# Idempotent: packages already installed are left alone, so a second run only costs an
# `apt-get update`. Foreign-architecture packages are never installed into the host: guest
# programs come from scripts/fetch-debian.sh, which unpacks them into a private sysroot.
set -eu

cross=1
tools=1
sysroot=0
dry=0
for arg in "$@"; do
	case "$arg" in
	--no-cross) cross=0 ;;
	--no-tools) tools=0 ;;
	--sysroot) sysroot=1 ;;
	--dry-run) dry=1 ;;
	-h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "setup.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
	esac
done

# Build and unit tests.
pkgs="cmake ninja-build gcc g++ make pkg-config python3 libcapstone-dev libffi-dev check
	libsdl2-dev libfdt-dev libslirp-dev device-tree-compiler libpng-dev debian-archive-keyring
	xvfb xdotool x11-apps xauth python3-png
	xz-utils file"
# Guest cross compilers (linux-user tests, ISA tests, boot ROMs).
cross_pkgs="gcc-riscv64-linux-gnu g++-riscv64-linux-gnu gcc-riscv64-unknown-elf
	gcc-mipsel-linux-gnu g++-mipsel-linux-gnu gcc-mips-linux-gnu g++-mips-linux-gnu"
# Optional cross packages: installed only if this Debian release has them.
cross_optional="picolibc-riscv64-unknown-elf"
# Oracles for differential tests, the performance peer, debugging.
tool_pkgs="qemu-user qemu-system-misc qemu-system-mips hyperfine gdb-multiarch valgrind"

[ "$cross" = 1 ] && pkgs="$pkgs $cross_pkgs"
[ "$tools" = 1 ] && pkgs="$pkgs $tool_pkgs"

if [ "$(id -u)" = 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
else
	echo "setup.sh: not root and sudo is missing; run as root" >&2
	exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "setup.sh: apt-get not found: this script targets Debian 12 (bookworm)" >&2
	exit 1
fi

run() {
	echo "+ $*"
	[ "$dry" = 1 ] || "$@"
}

export DEBIAN_FRONTEND=noninteractive
run $SUDO apt-get update -q

# A package that the configured archive does not know would make the whole install fail:
# probe the optional ones with apt-cache first.
if [ "$cross" = 1 ]; then
	for p in $cross_optional; do
		if apt-cache show "$p" >/dev/null 2>&1; then
			pkgs="$pkgs $p"
		else
			echo "setup.sh: note: $p is not in the configured archive; skipping it"
		fi
	done
fi

missing=
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed'; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	# shellcheck disable=SC2086 # word splitting of the package list is intended
	run $SUDO apt-get install -y -q --no-install-recommends $missing
else
	echo "setup.sh: all host packages already installed"
fi

if [ "$sysroot" = 1 ]; then
	here=$(cd "$(dirname "$0")" && pwd)
	run "$here/fetch-debian.sh" --arch riscv64 --suite trixie \
		busybox-static python3 lua5.4 sqlite3 xz-utils
fi

echo "setup.sh: done"
