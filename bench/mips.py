#!/usr/bin/env python3
"""MIPS user-mode benchmark: morph against qemu-mipsel (or qemu-mips) and native x86-64.

The same method as bench/run.py, whose functions it uses (check runs, alternating hyperfine
rounds, medians, ratios, geometric means): only the guest differs.

Workloads: our C kernels (bench/kernels/, the sizes of run.py), built with
mipsel-linux-gnu-gcc -O2 -ffp-contract=off -static (MIPS32r2, o32) for the guest and gcc for
the host; and Debian bookworm programs (xz, lua5.4, python3.11, sqlite3, 7-Zip), the mipsel
build run with -L SYSROOT_MIPSEL under morph and QEMU, the amd64 build of the same bookworm
version run natively through its own loader and libraries (its own sysroot,
~/.cache/morph/sysroot-amd64-bookworm). Big-endian MIPS (--guest mips) has only the kernels:
Debian has no big-endian MIPS port since buster.

The results go into docs/performance.md between run.py's markers MIPS_BEGIN and MIPS_END:
this script replaces only that block; run.py and system.py keep it.

usage: bench/mips.py [--quick] [--runs N] [--workloads a,b] [--runners native,morph,qemu] ...
See --help. Python 3 standard library only.
"""

import os
import shutil
import sys

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)
sys.dont_write_bytecode = True  # no bench/__pycache__ in the source tree
import run as ub  # noqa: E402  (run.py: the measuring and reporting functions)

SUITE = "bookworm"

# Per guest: cross compiler, QEMU user-mode emulator, Debian architecture (None: no port).
GUESTS = {
    "mipsel": dict(cc="mipsel-linux-gnu-gcc", qemu="qemu-mipsel", debian="mipsel"),
    "mips": dict(cc="mips-linux-gnu-gcc", qemu="qemu-mips", debian=None),
}


def _debian_workloads():
    """run.py's Debian workloads with bookworm's program names: python3.11 instead of 3.13,
    and bookworm's 7zip has only the standalone 7zz (trixie's 7za)."""
    renamed = {
        "python": dict(prog="usr/bin/python3.11", binpkg="python3.11-minimal"),
        "7z": dict(prog="usr/bin/7zz"),
    }
    out = []
    for w in ub.WORKLOADS:
        if w["kind"] == "debian":
            w = dict(w, **renamed.get(w["name"], {}))
            w["desc"] = w["desc"].replace("python3.13", "python3.11").replace("(7za)", "(7zz)")
            out.append(w)
    return out


WORKLOADS = [w for w in ub.WORKLOADS if w["kind"] == "kernel"] + _debian_workloads()


def titles(guest):
    return dict(ub.TITLES, qemu=GUESTS[guest]["qemu"])


# ---------------------------------------------------------------------------------------------
# Report


def report(s, args, results):
    """The MIPS block of docs/performance.md, markers included."""
    cols = [r for r in ub.RUNNERS if r in args.runners]
    tt = titles(args.guest)
    g = GUESTS[args.guest]
    lines = [ub.MIPS_BEGIN, "", "## MIPS (user mode) results\n"]
    lines.append(
        "Run: `%s`: %s guest, %s inputs, at most %d timed run(s) per cell, per-cell budget "
        "%s s. Written by `bench/mips.py`; `bench/run.py` and `bench/system.py` keep this "
        "part when they rewrite the file.\n"
        % (
            " ".join(["bench/mips.py"] + sys.argv[1:]),
            args.guest,
            "quick (about 4x smaller than described)" if args.quick else "full-size",
            args.runs,
            "%g" % args.budget if args.budget else "none",
        )
    )
    cc = (ub.run_text([g["cc"], "--version"]).splitlines() or ["?"])[0]
    lines.append("| | |\n|---|---|")
    for k, v in ub.host_info(s):
        if k == "gcc (guest kernels)":
            v = cc
        lines.append("| %s | %s |" % (k, v.replace("|", "\\|")))
    lines.append("")

    lines.append("### MIPS summary: median wall-clock seconds\n")
    lines.append(
        "Lower is better; qemu/morph > 1 means morph is faster than %s. `fail`, `wrong`, "
        "`*`: as in the RISC-V tables above.\n" % g["qemu"]
    )
    table, gm_wall = ub.summary_table(results, cols, "wall", tt)
    lines += table
    gm_cpu = ub.summarize(results, "cpu")[1]
    if gm_wall["qm"] is None:
        verdict = "n/a"
    else:
        verdict = "**met**" if gm_wall["qm"] > 1 else "**not met**"
    lines.append(
        "Target (issue 7): faster than QEMU on the geometric mean (qemu/morph > 1, "
        "wall-clock medians): %s (wall %s, CPU %s).\n"
        % (verdict, ub.fmt_r(gm_wall["qm"]), ub.fmt_r(gm_cpu["qm"]))
    )
    lines.append("### MIPS summary: median CPU seconds (user + system)\n")
    lines += ub.summary_table(results, cols, "cpu", tt)[0]
    if s.debian_versions:
        lines.append(
            "Debian %s packages (the same version for %s and amd64):\n" % (SUITE, g["debian"])
        )
        lines.append("| package | %s | amd64 |\n|---|---|---|" % g["debian"])
        for pkg, (gv, amd) in s.debian_versions.items():
            lines.append("| %s | %s | %s |" % (pkg, gv or "-", amd or "-"))
        lines.append("")
    per = ub.workload_tables(results, cols, tt)
    per[0] = per[0].replace("### Per workload", "### MIPS per workload")
    lines += per
    lines.append(ub.MIPS_END)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------


def parse_args():
    p = ub.arg_parser(
        "Benchmark morph on MIPS32r2 o32 Linux programs against QEMU user mode and native "
        "x86-64; writes the MIPS section of docs/performance.md.",
        "qemu-mipsel or qemu-mips",
    )
    p.add_argument(
        "--guest",
        choices=sorted(GUESTS),
        default="mipsel",
        help="mipsel (default: kernels and Debian programs) or mips (big-endian, kernels only)",
    )
    p.add_argument(
        "--sysroot",
        default=os.path.join(ub.CACHE, "sysroot-mipsel"),
        help="Debian mipsel sysroot (default ~/.cache/morph/sysroot-mipsel)",
    )
    p.add_argument(
        "--sysroot-amd64",
        default=os.path.join(ub.CACHE, "sysroot-amd64-" + SUITE),
        help="Debian amd64 sysroot of the same suite, for the native column "
        "(default ~/.cache/morph/sysroot-amd64-%s)" % SUITE,
    )
    # The interpreter is ~20-50x slower than the JIT: left out unless asked for.
    p.set_defaults(runners="native,morph,qemu", work="/tmp/morph-bench-mips")
    args = ub.finish_args(p, p.parse_args(), WORKLOADS)
    args.qemu = args.qemu or shutil.which(GUESTS[args.guest]["qemu"])
    return args


def main():
    args = parse_args()
    started = ub.start(args, WORKLOADS)
    if not started:
        return 0 if args.list else 1
    s, env = started
    g = GUESTS[args.guest]
    s.kernels = ub.build_kernels(s.work, args.workloads, g["cc"], args.guest)

    selected = [w for w in WORKLOADS if w["name"] in args.workloads]
    pkgs = sorted({w["pkg"] for w in selected if w["kind"] == "debian"})
    s.sysroot_guest = s.sysroot_amd64 = None
    s.debian_versions = {}
    if pkgs and g["debian"]:
        fetch = not args.no_fetch
        s.sysroot_guest = ub.ensure_sysroot(g["debian"], args.sysroot, pkgs, fetch, SUITE, selected)
        if "native" in args.runners:
            s.sysroot_amd64 = ub.ensure_sysroot(
                "amd64", args.sysroot_amd64, pkgs, fetch, SUITE, selected
            )
        binpkgs = sorted({w["binpkg"] for w in selected if w["kind"] == "debian"})
        for pkg in binpkgs + ["libc6"]:
            s.debian_versions[pkg] = tuple(
                ub.deb_version(a, pkg, SUITE) for a in (g["debian"], "amd64")
            )
    elif pkgs:
        ub.log("no Debian port for %s: the Debian workloads are n/a" % args.guest)
    ub.make_inputs(s, selected)

    results = ub.measure_all(s, selected, args, env)
    if not args.no_report:
        ub.replace_section(args.output, report(s, args, results), ub.MIPS_BEGIN, ub.MIPS_END)
        ub.log("wrote the MIPS results into " + args.output)
    ub.print_summary(results, [r for r in ub.RUNNERS if r in args.runners], titles(args.guest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
