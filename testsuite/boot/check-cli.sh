#!/bin/bash
# `morph system` before the guest runs: bad input gives one clear error and no guest, the
# device tree is well formed and matches QEMU's virt where both have a node.
#
# Usage: check-cli.sh MORPH TEST
#   errors   missing or unreadable files, bad sizes, a kernel too large for RAM, bad --dtb
#   dtb      --dump-dtb output parses (dtc), --dtb round trip, /chosen from the options
#   qemu-dtb node names, compatibles, reg and interrupts against qemu-system-riscv64's virt
# Exit codes: 0 pass, 1 fail, 77 skipped (a tool is missing).
set -u
morph=$1
test_name=$2
scratch=$(mktemp -d "${TMPDIR:-/tmp}/morph-cli.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# expect_error STATUS 'message part' ARGS...: morph system ARGS fails with STATUS and says so.
expect_error() {
	local want=$1 msg=$2
	shift 2
	"$morph" system "$@" </dev/null >"$scratch/out" 2>"$scratch/err"
	local st=$?
	if [ "$st" != "$want" ]; then
		fail "morph system $*: status $st, want $want ($(head -c 300 "$scratch/err"))"
	elif ! grep -qF -- "$msg" "$scratch/err"; then
		fail "morph system $*: no '$msg' in: $(head -c 300 "$scratch/err")"
	elif [ "$(wc -l < "$scratch/err")" -gt 2 ]; then
		fail "morph system $*: more than one error line: $(cat "$scratch/err")"
	elif [ -s "$scratch/out" ]; then
		fail "morph system $*: the guest ran: $(head -c 200 "$scratch/out")"
	else
		echo "ok: $* -> $(cat "$scratch/err")"
	fi
}

# A firmware that must never run (an infinite loop at the reset address), and an Image whose
# header says it needs 64 MiB.
printf '\x6f\x00\x00\x00' > "$scratch/fw.bin" # j .
python3 - "$scratch/big-Image" <<'EOF'
import struct, sys
hdr = struct.pack("<IIQQQIIQ8s4sI", 0x6f, 0, 0x200000, 64 << 20, 0, 2, 0, 0, b"RISCV\0\0\0", b"RSC\x05", 0)
with open(sys.argv[1], "wb") as f:
    f.write(hdr + b"\0" * 4096)
EOF
touch "$scratch/empty"
printf 'not a device tree at all' > "$scratch/bad.dtb"

case "$test_name" in
errors)
	expect_error 1 "kernel /nonexistent/Image: No such file" --bios "$scratch/fw.bin" \
		--kernel /nonexistent/Image
	expect_error 1 "initrd /nonexistent/initrd: No such file" --bios "$scratch/fw.bin" \
		--kernel "$scratch/big-Image" -m 256M --initrd /nonexistent/initrd
	expect_error 1 "--drive /nonexistent/disk.img" --bios "$scratch/fw.bin" \
		--kernel "$scratch/big-Image" -m 256M --drive /nonexistent/disk.img
	expect_error 1 "firmware /nonexistent/fw.bin: No such file" --bios /nonexistent/fw.bin
	expect_error 1 "does not fit in RAM" --bios "$scratch/fw.bin" --kernel "$scratch/big-Image" \
		-m 32M
	expect_error 1 "empty file" --bios "$scratch/fw.bin" --kernel "$scratch/empty"
	expect_error 1 "needs --kernel" --bios "$scratch/fw.bin" --initrd "$scratch/fw.bin"
	expect_error 1 "not a flattened device tree" --bios "$scratch/fw.bin" --dtb "$scratch/bad.dtb"
	expect_error 2 "bad memory size" -m 12Q
	expect_error 2 "bad memory size" -m 1M
	expect_error 2 "unknown machine" -M nosuchboard
	expect_error 2 "bad --smp" --smp 0
	expect_error 2 "unknown option" --no-such-option
	expect_error 2 "--net" --net tap
	MORPH_CACHE=$scratch/no-cache expect_error 1 "no firmware" --kernel "$scratch/big-Image"
	expect_error 1 "nothing to run" -M spike
	;;
dtb)
	command -v dtc >/dev/null || { echo "SKIP: dtc missing (device-tree-compiler)"; exit 77; }
	"$morph" system --bios "$scratch/fw.bin" --smp 2 -m 1G --append "console=ttyS0 hello" \
		--rng --dump-dtb "$scratch/a.dtb" || fail "--dump-dtb failed"
	dtc -I dtb -O dts -o "$scratch/a.dts" "$scratch/a.dtb" 2>"$scratch/dtc.err" ||
		fail "dtc cannot read the dumped tree: $(cat "$scratch/dtc.err")"
	if grep -q Warning "$scratch/dtc.err"; then
		fail "dtc warns: $(cat "$scratch/dtc.err")"
	fi
	for want in 'bootargs = "console=ttyS0 hello"' 'stdout-path = "/soc/serial@10000000"' \
		'cpu@1 {' 'timebase-frequency = <0x989680>' 'reg = <0x00 0x80000000 0x00 0x40000000>' \
		'compatible = "riscv,cpu-intc"' 'compatible = "syscon-poweroff"' 'rng-seed'; do
		grep -qF -- "$want" "$scratch/a.dts" || fail "the tree lacks '$want'"
	done
	# a given tree is used as it is, plus /chosen from the options
	"$morph" system --bios "$scratch/fw.bin" --dtb "$scratch/a.dtb" --append "other" \
		--dump-dtb "$scratch/b.dtb" || fail "--dtb FILE --dump-dtb failed"
	dtc -I dtb -O dts -o "$scratch/b.dts" "$scratch/b.dtb" 2>/dev/null || fail "dtc: b.dtb"
	grep -qF 'bootargs = "other"' "$scratch/b.dts" || fail "--dtb: bootargs not replaced"
	grep -qF 'cpu@1 {' "$scratch/b.dts" || fail "--dtb: the given tree was not used"
	# --seed makes the tree reproducible
	"$morph" system --bios "$scratch/fw.bin" --seed 7 --dump-dtb "$scratch/s1.dtb"
	"$morph" system --bios "$scratch/fw.bin" --seed 7 --dump-dtb "$scratch/s2.dtb"
	cmp -s "$scratch/s1.dtb" "$scratch/s2.dtb" || fail "--seed 7 twice gives different trees"
	# spike: CLINT and HTIF
	"$morph" system -M spike --bios "$scratch/fw.bin" --dump-dtb "$scratch/sp.dtb" ||
		fail "spike --dump-dtb failed"
	dtc -I dtb -O dts "$scratch/sp.dtb" 2>/dev/null | grep -qF 'ucb,htif0' ||
		fail "spike's tree has no HTIF node"
	;;
qemu-dtb)
	command -v qemu-system-riscv64 >/dev/null || { echo "SKIP: no qemu-system-riscv64"; exit 77; }
	command -v fdtget >/dev/null || { echo "SKIP: fdtget missing (device-tree-compiler)"; exit 77; }
	"$morph" system --bios "$scratch/fw.bin" --smp 2 --dump-dtb "$scratch/m.dtb" ||
		fail "--dump-dtb failed"
	qemu-system-riscv64 -M virt,dumpdtb="$scratch/q.dtb" -smp 2 -m 512M -display none \
		>/dev/null 2>&1
	[ -s "$scratch/q.dtb" ] || { echo "SKIP: qemu did not dump its tree"; exit 77; }
	# nodes QEMU has and we do not emulate
	skip='^(pci@|flash@|fw-cfg@|platform-bus@|pmu$)'
	for parent in / /soc /cpus /cpus/cpu@0 /cpus/cpu@1; do
		for n in $(fdtget -l "$scratch/q.dtb" "$parent" | grep -Ev "$skip"); do
			p=${parent%/}/$n
			fdtget -l "$scratch/m.dtb" "$p" >/dev/null 2>&1 || { fail "no node $p"; continue; }
			for prop in compatible reg interrupts interrupts-extended device_type \
				interrupt-controller '#interrupt-cells' riscv,ndev value offset regmap \
				stdout-path timebase-frequency; do
				q=$(fdtget "$scratch/q.dtb" "$p" "$prop" 2>/dev/null) || continue
				m=$(fdtget "$scratch/m.dtb" "$p" "$prop" 2>/dev/null) ||
					{ fail "$p: no $prop (QEMU: $q)"; continue; }
				case "$p:$prop" in
				/soc/plic@*:reg|/soc/plic@*:riscv,ndev) continue ;; # window and source count
				esac
				[ "$q" = "$m" ] || fail "$p: $prop is '$m', QEMU has '$q'"
			done
		done
	done
	echo "compared $(fdtget -l "$scratch/q.dtb" /soc | grep -Evc "$skip") /soc nodes with QEMU's"
	;;
*)
	echo "check-cli.sh: unknown test $test_name" >&2
	exit 1
	;;
esac
[ "$failures" = 0 ] || exit 1
echo "PASS: $test_name"
