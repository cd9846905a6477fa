#!/bin/sh
# Fetch and build what `morph system -M malta` boots (docs/malta.md): Debian bookworm's mipsel
# kernel for the Malta board (linux-image-4kc-malta, Linux 6.1) and busybox, and an initramfs.
#
# Usage: scripts/fetch-guest-malta.sh [options]
#   --dest DIR     where to put everything (default $MORPH_CACHE/guest-mipsel-malta;
#                  MORPH_CACHE defaults to ~/.cache/morph)
#   --offline      use only packages already cached (no network)
#   --rebuild      rebuild the initramfs even if it is up to date
#   --print        print the paths of an existing guest (shell assignments) and stop
#
# Packages come through scripts/fetch-debian.sh (a private apt configuration; nothing is
# installed into the host): linux-image-4kc-malta and the versioned linux-image-6.1.* package
# it depends on, busybox-static. They are unpacked into DIR/root. Host tools: cpio, gzip,
# mke2fs (e2fsprogs).
#
# Results in DIR:
#   vmlinuz           the kernel (an ELF linked in kseg0: Debian's self-decompressing vmlinuz)
#   initramfs.cpio.gz busybox, the virtio-pci/blk/net and ext4 modules, and the /init of
#                     scripts/initramfs/init (the same marker line, MORPH-BOOT-OK, and the
#                     same morph_test=... options as the RISC-V guest)
#   disk.ext4         a 64 MiB ext4 image holding /hello.txt (copy it before writing to it)
#   guest.env         KERNEL=... INITRD=... DISK=... KVER=...
# The last line of output is DIR.
set -eu

prog=fetch-guest-malta.sh
die() {
	echo "$prog: error: $*" >&2
	exit 1
}
note() {
	echo "$prog: $*" >&2
}

top=$(cd "$(dirname "$0")/.." && pwd)
cache_root=${MORPH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/morph}
dest=$cache_root/guest-mipsel-malta
offline=
rebuild=0
print_only=0

while [ $# -gt 0 ]; do
	case "$1" in
	--dest) [ $# -ge 2 ] || die "--dest needs a value"; dest=$2; shift 2 ;;
	--dest=*) dest=${1#*=}; shift ;;
	--offline) offline=--offline; shift ;;
	--rebuild) rebuild=1; shift ;;
	--print) print_only=1; shift ;;
	-h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option '$1' (try --help)" ;;
	esac
done

if [ "$print_only" = 1 ]; then
	[ -r "$dest/guest.env" ] || die "no guest in $dest: run $0 first"
	cat "$dest/guest.env"
	exit 0
fi

for tool in cpio gzip mke2fs; do
	command -v "$tool" >/dev/null 2>&1 ||
		[ -x "/usr/sbin/$tool" ] || [ -x "/sbin/$tool" ] ||
		die "'$tool' not found (Debian: apt-get install cpio gzip e2fsprogs)"
done
PATH=$PATH:/usr/sbin:/sbin
mkdir -p "$dest" || die "cannot create $dest"
dest=$(cd "$dest" && pwd)
root=$dest/root
fetch="$top/scripts/fetch-debian.sh --arch mipsel --suite bookworm"

# The metapackage names the versioned kernel package: take it from the dependency closure.
# shellcheck disable=SC2086
kpkg=$($fetch $offline --list linux-image-4kc-malta |
	grep -E '^linux-image-[0-9][^ ]*-4kc-malta$' | sort -V | tail -n 1) ||
	die "cannot resolve linux-image-4kc-malta"
[ -n "$kpkg" ] || die "linux-image-4kc-malta depends on no versioned linux-image package"
note "kernel package: $kpkg"
# shellcheck disable=SC2086
$fetch $offline --no-deps --dest "$root" "$kpkg" busybox-static >/dev/null ||
	die "fetching the guest packages failed"

kver=${kpkg#linux-image-}
kernel=$root/boot/vmlinuz-$kver
[ -f "$kernel" ] || die "$kpkg has no /boot/vmlinuz-$kver"
busybox=$root/usr/bin/busybox
[ -f "$busybox" ] || busybox=$root/bin/busybox
[ -f "$busybox" ] || die "busybox-static has no busybox binary"
moddir=$root/usr/lib/modules/$kver
[ -d "$moddir" ] || die "$kpkg has no modules in /usr/lib/modules/$kver"
ln -sf "root/boot/vmlinuz-$kver" "$dest/vmlinuz"

# ---------------------------------------------------------------- initramfs
# The modules of morph's virtio-pci devices (docs/malta.md) and ext4, with their dependencies
# (scripts/lib/guest-initramfs.sh); crc32c for ext4's metadata_csum, as on RISC-V.
want_modules="virtio_pci virtio_blk virtio_net crc32c_generic ext4"

# shellcheck source=scripts/lib/guest-initramfs.sh
. "$top/scripts/lib/guest-initramfs.sh"
# shellcheck disable=SC2086
visit $want_modules

initrd=$dest/initramfs.cpio.gz
stamp_inputs=$(initramfs_stamp "$(cksum < "$0")" "$order")
if [ "$rebuild" = 1 ] || [ ! -f "$initrd" ] ||
	[ "$(cat "$dest/.initramfs-stamp" 2>/dev/null)" != "$stamp_inputs" ]; then
	note "building $initrd (modules:$order)"
	initramfs_build "$initrd" "$kver" "$busybox" "$order"
	printf '%s\n' "$stamp_inputs" > "$dest/.initramfs-stamp"
fi

# ---------------------------------------------------------------- test disk
disk=$dest/disk.ext4
if [ "$rebuild" = 1 ] || [ ! -f "$disk" ]; then
	note "building $disk"
	test_disk_build "$disk"
fi

cat > "$dest/guest.env" <<EOT
KVER=$kver
KERNEL=$dest/vmlinuz
INITRD=$initrd
DISK=$disk
EOT
echo "$dest"
