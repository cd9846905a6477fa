#!/bin/sh
# Fetch and build the files `morph system` boots: Debian trixie's riscv64 firmware, kernel,
# U-Boot and busybox, an initramfs and an ext4 test disk (docs/system.md).
#
# Usage: scripts/fetch-guest-system.sh [options]
#   --dest DIR     where to put everything (default $MORPH_CACHE/guest-riscv64;
#                  MORPH_CACHE defaults to ~/.cache/morph)
#   --offline      use only packages already cached (no network)
#   --rebuild      rebuild the initramfs and the test disk even if they are up to date
#   --print        print the paths of an existing guest (shell assignments) and stop
#
# Packages come through scripts/fetch-debian.sh (a private apt configuration; nothing is
# installed into the host): opensbi, linux-image-riscv64 and the versioned linux-image-6.12.*
# package it depends on, busybox-static, u-boot-qemu. They are unpacked into DIR/root.
# Host tools needed: cpio, gzip, xz, mke2fs (e2fsprogs).
#
# Results in DIR (stable names, so scripts and tests need not know versions):
#   fw_dynamic.bin    OpenSBI generic, fw_dynamic flavour (the default firmware of virt)
#   fw_jump.bin       the same, fw_jump flavour
#   Image             the Linux kernel (an uncompressed RISC-V Image with an EFI/PE header)
#   u-boot.bin        U-Boot qemu-riscv64_smode (S-mode payload for OpenSBI)
#   initramfs.cpio.gz busybox, the virtio/ext4 (and display) modules, the /init of initramfs/init
#   disk.ext4         a 64 MiB ext4 image holding /hello.txt (copy it before writing to it)
#   guest.env         KERNEL=... FIRMWARE=... INITRD=... DISK=... UBOOT=... KVER=...
# The last line of output is DIR.
set -eu

prog="fetch-guest-system.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib/guest-initramfs.sh
. "$top/scripts/lib/guest-initramfs.sh"
gi_args guest-riscv64 26 "$@"
gi_need_tools "cpio gzip xz-utils e2fsprogs" cpio gzip xz mke2fs
gi_dest
fetch="$top/scripts/fetch-debian.sh --arch riscv64 --suite trixie"

gi_kernel_package linux-image-riscv64
# shellcheck disable=SC2086
$fetch $offline --no-deps --dest "$root" linux-image-riscv64 "$kpkg" opensbi busybox-static \
	u-boot-qemu >/dev/null || die "fetching the guest packages failed"

kernel=$root/boot/vmlinux-$kver
[ -f "$kernel" ] || die "$kpkg has no /boot/vmlinux-$kver"
moddir=$root/usr/lib/modules/$kver
[ -d "$moddir" ] || die "$kpkg has no modules in /usr/lib/modules/$kver"
fwdir=$root/usr/lib/riscv64-linux-gnu/opensbi/generic
[ -f "$fwdir/fw_dynamic.bin" ] || die "opensbi has no generic/fw_dynamic.bin"
uboot=$root/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
[ -f "$uboot" ] || die "u-boot-qemu has no qemu-riscv64_smode/u-boot.bin"
busybox=$root/usr/bin/busybox
[ -f "$busybox" ] || die "busybox-static has no /usr/bin/busybox"

ln -sf "root/boot/vmlinux-$kver" "$dest/Image"
ln -sf "${fwdir#"$dest"/}/fw_dynamic.bin" "$dest/fw_dynamic.bin"
ln -sf "${fwdir#"$dest"/}/fw_jump.bin" "$dest/fw_jump.bin"
ln -sf "${uboot#"$dest"/}" "$dest/u-boot.bin"

# ---------------------------------------------------------------- initramfs
# Modules the guest needs, with their dependencies (scripts/lib/guest-initramfs.sh). crc32c is
# a soft dependency of ext4 (through the crypto API) that the metadata_csum feature of
# mke2fs's defaults needs.
want_modules="virtio_mmio virtio_blk virtio_net virtio-rng crc32c_generic ext4"
# The display's (docs/display.md): virtio-gpu (DRM; fbcon is built in) and virtio-input with
# evdev. /init loads them (load-order-display) only when such a device exists.
want_display_modules="virtio-gpu virtio_input evdev"

# shellcheck disable=SC2086
visit $want_modules
base_order=$order
# shellcheck disable=SC2086
visit $want_display_modules
display_order=${order#"$base_order"}
order=$base_order

gi_images "$busybox" "$order" "$display_order"

cat > "$dest/guest.env" <<EOF
KVER=$kver
KERNEL=$dest/Image
FIRMWARE=$dest/fw_dynamic.bin
FW_JUMP=$dest/fw_jump.bin
UBOOT=$dest/u-boot.bin
INITRD=$initrd
DISK=$disk
EOF
echo "$dest"
