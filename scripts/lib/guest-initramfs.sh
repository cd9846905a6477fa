# shellcheck shell=sh disable=SC2154,SC2034
# Shared by scripts/fetch-guest-system.sh (riscv64) and scripts/fetch-guest-malta.sh (mipsel):
# their options, the kernel package, the kernel-module closure, the busybox initramfs and the
# ext4 test disk. Sourced (POSIX sh) right after the caller sets prog (its name, for messages)
# and top (the source tree).
#
#   gi_args SUBDIR HELP_LINES "$@"  the options (--dest, --offline, --rebuild, --print, -h);
#                          sets dest, offline, rebuild; --print shows DIR/guest.env and exits
#   gi_need_tools "PACKAGES" TOOL...  each TOOL installed (PACKAGES: Debian's, for the message)
#   gi_dest                create dest, make it absolute; root=dest/root
#   gi_kernel_package META the versioned linux-image package META depends on -> kpkg, kver
#                          (fetches through $fetch, the caller's fetch-debian.sh command)
#   visit NAME...          add the modules and their dependencies (first) to $order
#                          (needs moddir: the kernel package's /usr/lib/modules/KVER)
#   gi_images BUSYBOX ORDER [DISPLAY_ORDER]  DIR/initramfs.cpio.gz when its inputs changed
#                          (initramfs_build) and DIR/disk.ext4 (test_disk_build) -> initrd, disk
#   modfile NAME, modcat FILE, initramfs_build OUT KVER BUSYBOX ORDER [DISPLAY_ORDER],
#   test_disk_build OUT    a 64 MiB ext4 image with /hello.txt and /dir/numbers.txt
#                          (what scripts/initramfs/init's ext4 test expects)

die() {
	echo "$prog: error: $*" >&2
	exit 1
}
note() {
	echo "$prog: $*" >&2
}

gi_args() {
	_sub=$1 _help=$2
	shift 2
	dest=${MORPH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/morph}/$_sub
	offline=
	rebuild=0
	_print=0
	while [ $# -gt 0 ]; do
		case "$1" in
		--dest) [ $# -ge 2 ] || die "--dest needs a value"; dest=$2; shift 2 ;;
		--dest=*) dest=${1#*=}; shift ;;
		--offline) offline=--offline; shift ;;
		--rebuild) rebuild=1; shift ;;
		--print) _print=1; shift ;;
		-h|--help) sed -n "2,${_help}p" "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) die "unknown option '$1' (try --help)" ;;
		esac
	done
	if [ "$_print" = 1 ]; then
		[ -r "$dest/guest.env" ] || die "no guest in $dest: run $0 first"
		cat "$dest/guest.env"
		exit 0
	fi
}

gi_need_tools() {
	_pkgs=$1
	shift
	for _tool in "$@"; do
		command -v "$_tool" >/dev/null 2>&1 ||
			[ -x "/usr/sbin/$_tool" ] || [ -x "/sbin/$_tool" ] ||
			die "'$_tool' not found (Debian: apt-get install $_pkgs)"
	done
	PATH=$PATH:/usr/sbin:/sbin
}

gi_dest() {
	mkdir -p "$dest" || die "cannot create $dest"
	dest=$(cd "$dest" && pwd)
	root=$dest/root
}

gi_kernel_package() {
	# shellcheck disable=SC2086
	kpkg=$($fetch $offline --list "$1" |
		grep -E "^linux-image-[0-9][^ ]*-${1#linux-image-}\$" | sort -V | tail -n 1) ||
		die "cannot resolve $1"
	[ -n "$kpkg" ] || die "$1 depends on no versioned linux-image package"
	note "kernel package: $kpkg"
	kver=${kpkg#linux-image-}
}

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

# gi_add_modules DIR LIST NAME...: the modules, decompressed, into DIR, their names into DIR/LIST
gi_add_modules() {
	_dir=$1 _list=$2
	shift 2
	for _m in "$@"; do
		_f=$(modfile "$_m")
		_ko=$(basename "${_f%.ko*}").ko
		modcat "$_f" > "$_dir/$_ko"
		echo "$_ko" >> "$_dir/$_list"
	done
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
	# shellcheck disable=SC2086 # the lists are words
	gi_add_modules "$_st/lib/modules/$_kver" load-order $_order
	# shellcheck disable=SC2086
	gi_add_modules "$_st/lib/modules/$_kver" load-order-display $_display
	(cd "$_st" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -9 > "$_out.tmp" || die "cpio failed"
	mv "$_out.tmp" "$_out"
	rm -rf "$_st"
	trap - EXIT INT TERM
}

gi_images() {
	initrd=$dest/initramfs.cpio.gz
	_stamp=$(initramfs_stamp "$(cksum < "$0")" "$2 /${3:-}")
	if [ "$rebuild" = 1 ] || [ ! -f "$initrd" ] ||
		[ "$(cat "$dest/.initramfs-stamp" 2>/dev/null)" != "$_stamp" ]; then
		note "building $initrd (modules:$2${3:+; display:$3})"
		initramfs_build "$initrd" "$kver" "$1" "$2" "${3:-}"
		printf '%s\n' "$_stamp" > "$dest/.initramfs-stamp"
	fi
	disk=$dest/disk.ext4
	if [ "$rebuild" = 1 ] || [ ! -f "$disk" ]; then
		note "building $disk"
		test_disk_build "$disk"
	fi
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
