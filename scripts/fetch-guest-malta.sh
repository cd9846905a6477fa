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

prog="fetch-guest-malta.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib/guest-initramfs.sh
. "$top/scripts/lib/guest-initramfs.sh"
gi_args guest-mipsel-malta 25 "$@"
gi_need_tools "cpio gzip e2fsprogs" cpio gzip mke2fs
gi_dest
fetch="$top/scripts/fetch-debian.sh --arch mipsel --suite bookworm"

gi_kernel_package linux-image-4kc-malta
# shellcheck disable=SC2086
$fetch $offline --no-deps --dest "$root" "$kpkg" busybox-static >/dev/null ||
	die "fetching the guest packages failed"

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

# shellcheck disable=SC2086
visit $want_modules

gi_images "$busybox" "$order"

cat > "$dest/guest.env" <<EOT
KVER=$kver
KERNEL=$dest/vmlinuz
INITRD=$initrd
DISK=$disk
EOT
echo "$dest"
