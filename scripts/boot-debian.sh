#!/usr/bin/env bash
# Boot Debian trixie's riscv64 Linux on `morph system -M virt` to a busybox shell: builds morph
# if needed, fetches OpenSBI, the kernel and busybox into the cache and makes the initramfs
# and a test disk (scripts/fetch-guest-system.sh), then boots with the disk, user-mode
# networking and a virtio-rng. Type `poweroff` in the guest (or Ctrl-A x) to stop.
#
# Usage: scripts/boot-debian.sh [--interp] [--no-disk] [--no-net] [morph system options...]
#   The disk is a copy of the cache's test disk (the guest's writes do not touch the
#   original): DISK=FILE to use another raw image, APPEND='...' to add to the kernel command
#   line. BUILD_DIR (default build/) is where morph is built.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}

disk=1
net=1
extra=()
for a in "$@"; do
	case "$a" in
	--no-disk) disk=0 ;;
	--no-net) net=0 ;;
	-h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) extra+=("$a") ;;
	esac
done

if [ ! -x "$build/morph" ]; then
	gen=()
	command -v ninja >/dev/null && gen=(-G Ninja)
	cmake -S "$top" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$build" -j "${JOBS:-2}" --target morph >/dev/null
fi
guest=$("$top/scripts/fetch-guest-system.sh" | tail -n 1)
# shellcheck disable=SC1091
. "$guest/guest.env"

args=(--kernel "$KERNEL" --initrd "$INITRD" --append "console=ttyS0 quiet ${APPEND:-}" --rng)
if [ "$disk" = 1 ]; then
	if [ -n "${DISK:-}" ]; then
		img=$DISK
	else
		img=$guest/scratch-disk.ext4
		cp "$guest/disk.ext4" "$img"
	fi
	args+=(--drive "$img")
fi
[ "$net" = 1 ] && args+=(--net user)

cat >&2 <<EOF
+ morph system ${args[*]} ${extra[*]:-}
  (the guest's shell: mount /dev/vda /mnt; udhcpc -i eth0; poweroff -- Ctrl-A x quits)
EOF
exec "$build/morph" system "${args[@]}" "${extra[@]}"
