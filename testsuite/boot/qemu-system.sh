#!/bin/sh
# `morph system` options -> qemu-system-riscv64, so the boot tests and benchmarks can run the
# same guest on QEMU (the oracle and the performance peer):
#   MORPH_SYSTEM_CMD=testsuite/boot/qemu-system.sh testsuite/boot/run-boot.sh net
# Understands the options the boot tests use: -M/--machine, --bios, --kernel, --initrd,
# --append, --drive FILE[,readonly][,snapshot], --net user[,hostfwd=...], --rng, -m, --smp,
# --dtb, --dump-dtb; --interp is ignored.
set -eu

qemu=${QEMU_SYSTEM_RISCV64:-qemu-system-riscv64}
machine=virt
bios=
dump=
mem=512M
set -- "$@" --end-of-options
while [ "$1" != --end-of-options ]; do
	a=$1
	shift
	case "$a" in
	-M|--machine) machine=$1; shift ;;
	--bios) bios=$1; shift ;;
	--kernel) set -- "$@" -kernel "$1"; shift ;;
	--initrd) set -- "$@" -initrd "$1"; shift ;;
	--append) set -- "$@" -append "$1"; shift ;;
	--dtb) set -- "$@" -dtb "$1"; shift ;;
	--dump-dtb) dump=$1; shift ;;
	-m|--memory) mem=$1; shift ;;
	--smp) set -- "$@" -smp "$1"; shift ;;
	--rng) set -- "$@" -device virtio-rng-device ;;
	--net)
		opts=${1#user}
		shift
		set -- "$@" -netdev "user,id=net0$opts" -device virtio-net-device,netdev=net0
		;;
	--drive)
		spec=$1
		shift
		file=${spec%%,*}
		ro=
		snap=
		case ",$spec," in *,readonly,*) ro=",readonly=on" ;; esac
		case ",$spec," in *,snapshot,*) snap=",snapshot=on" ;; esac
		n=$(printf '%s' "$file" | cksum | cut -d' ' -f1)
		set -- "$@" -drive "file=$file,format=raw,if=none,id=d$n$ro$snap" \
			-device "virtio-blk-device,drive=d$n"
		;;
	--interp) ;;
	--console-device)
		# QEMU's virtconsole cannot share stdio with the serial port without its
		# mux and Ctrl-A switching: no oracle run for this test.
		echo "qemu-system.sh: --console-device has no QEMU equivalent here; skipped" >&2
		exit 77
		;;
	*) echo "qemu-system.sh: unsupported option $a" >&2; exit 2 ;;
	esac
done
shift # --end-of-options
[ -n "$bios" ] || bios=${MORPH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/morph}/guest-riscv64/fw_dynamic.bin
mopt=$machine
[ -n "$dump" ] && mopt="$mopt,dumpdtb=$dump"
exec "$qemu" -M "$mopt" -m "$mem" -bios "$bios" -display none -serial stdio -monitor none "$@"
