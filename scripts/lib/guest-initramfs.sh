# shellcheck shell=sh disable=SC2154
# Shared by scripts/fetch-guest-system.sh (riscv64) and scripts/fetch-guest-malta.sh (mipsel):
# the kernel-module closure, the busybox initramfs and the ext4 test disk. Sourced (POSIX sh).
#
# The caller defines die() and note() and sets: top (the source tree), moddir (the kernel
# package's /usr/lib/modules/KVER), kpkg (the kernel package, for messages).
#
#   visit NAME...          add the modules and their dependencies (first) to $order
#   modfile NAME, modcat FILE
#   initramfs_stamp        what the initramfs is built from (compare with the saved stamp)
#   initramfs_build OUT KVER BUSYBOX ORDER [DISPLAY_ORDER]
#   test_disk_build OUT    a 64 MiB ext4 image with /hello.txt and /dir/numbers.txt
#                          (what scripts/initramfs/init's ext4 test expects)

gi_lib=$top/scripts/lib/guest-initramfs.sh
init_src=$top/scripts/initramfs/init
dhcp_src=$top/scripts/initramfs/udhcpc.script

modfile() { # NAME -> path of NAME.ko* in the package ('-' and '_' are the same)
	_n=$(printf '%s' "$1" | sed 's/[-_]/[-_]/g')
	find "$moddir/kernel" -regex ".*/$_n\.ko\(\.xz\|\.zst\|\.gz\)?" | head -n 1
}
modcat() { # decompressed module on stdout
	case "$1" in
	*.xz) xz -dc "$1" ;;
	*.gz) gzip -dc "$1" ;;
	*.zst) zstd -dc "$1" ;;
	*) cat "$1" ;;
	esac
}
moddeps() { # names of the modules NAME depends on ("depends=" of its .modinfo: the package
	# has no modules.dep, depmod runs at installation)
	modcat "$(modfile "$1")" | tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '
}

# Load order: dependencies first (depth-first, each module once).
order=
visit() {
	for _v in "$@"; do
		visit_one "$_v"
	done
}
visit_one() { # (the word lists of the loops are expanded before the recursion clobbers _d)
	case " $order " in *" $1 "*) return ;; esac
	[ -n "$(modfile "$1")" ] || die "kernel module $1 not found in $kpkg"
	for _d in $(moddeps "$1"); do
		visit_one "$_d"
	done
	order="$order $1"
}

initramfs_stamp() {
	echo "$kpkg $(cat "$gi_lib" "$init_src" "$dhcp_src" | cksum) $*"
}

# initramfs_build OUT KVER BUSYBOX ORDER [DISPLAY_ORDER]: busybox, the shared /init, the
# udhcpc script, the modules of ORDER (lib/modules/KVER/load-order, which /init loads) and of
# DISPLAY_ORDER (load-order-display, loaded only when a display device exists).
initramfs_build() {
	_out=$1 _kver=$2 _busybox=$3 _order=$4 _display=${5:-}
	[ -f "$init_src" ] || die "$init_src missing"
	_st=$(mktemp -d "${TMPDIR:-/tmp}/morph-initramfs.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$_st'" EXIT INT TERM
	mkdir -p "$_st/bin" "$_st/sbin" "$_st/usr/bin" "$_st/usr/sbin" "$_st/proc" "$_st/sys" \
		"$_st/dev" "$_st/tmp" "$_st/mnt" "$_st/etc" "$_st/root" "$_st/usr/share/udhcpc" \
		"$_st/lib/modules/$_kver"
	cp "$_busybox" "$_st/bin/busybox"
	ln -s busybox "$_st/bin/sh"
	cp "$init_src" "$_st/init"
	cp "$dhcp_src" "$_st/usr/share/udhcpc/default.script"
	chmod 755 "$_st/init" "$_st/bin/busybox" "$_st/usr/share/udhcpc/default.script"
	printf 'root:x:0:0:root:/root:/bin/sh\n' > "$_st/etc/passwd"
	printf 'root:x:0:\n' > "$_st/etc/group"
	# PID 1 is a script, not an init that handles poweroff's signals: act directly
	printf '%s\n' "alias poweroff='sync; poweroff -f'" "alias reboot='sync; reboot -f'" \
		"alias halt='sync; poweroff -f'" > "$_st/etc/profile"
	for _m in $_order; do
		_f=$(modfile "$_m")
		modcat "$_f" > "$_st/lib/modules/$_kver/$(basename "${_f%.ko*}").ko"
		echo "$(basename "${_f%.ko*}").ko" >> "$_st/lib/modules/$_kver/load-order"
	done
	for _m in $_display; do
		_f=$(modfile "$_m")
		modcat "$_f" > "$_st/lib/modules/$_kver/$(basename "${_f%.ko*}").ko"
		echo "$(basename "${_f%.ko*}").ko" >> "$_st/lib/modules/$_kver/load-order-display"
	done
	(cd "$_st" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -9 > "$_out.tmp" || die "cpio failed"
	mv "$_out.tmp" "$_out"
	rm -rf "$_st"
	trap - EXIT INT TERM
}

test_disk_build() {
	_content=$(mktemp -d "${TMPDIR:-/tmp}/morph-disk.XXXXXX")
	printf 'hello from the host disk\n' > "$_content/hello.txt"
	mkdir "$_content/dir"
	seq 1 2000 > "$_content/dir/numbers.txt"
	rm -f "$1.tmp"
	mke2fs -q -F -t ext4 -L morphtest -d "$_content" "$1.tmp" 64M ||
		{ rm -rf "$_content"; die "mke2fs failed"; }
	rm -rf "$_content"
	mv "$1.tmp" "$1"
}
