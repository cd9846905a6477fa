#!/usr/bin/env python3
"""System-mode benchmark: `morph system` against qemu-system-riscv64 on the same guest
(RISC-V virt board, the default), or against qemu-system-mipsel on the MIPS Malta board
(--board malta: the boot time only).

1. Boot time. The firmware, kernel and initramfs of scripts/fetch-guest-system.sh boot to the
   initramfs' marker line (MORPH-BOOT-OK) and power off (morph_test=poweroff), under morph
   (default backend, the JIT) and under `qemu-system-riscv64 -M virt` with the same
   OpenSBI, kernel, initramfs, command line, memory and hart count, in alternating rounds.
   Measured: the time until the marker appears on the console pipe and the time until the
   emulator has exited, and its CPU time.

2. softMMU overhead. Kernels of bench/kernels, linked with bench/guest/timed-main.c (which
   prints the time the kernel took, from CLOCK_MONOTONIC), run inside the booted guest (an
   initramfs with bench/guest/init appended, booted with rdinit=/bench/init) and in user
   mode (`morph run`, qemu-riscv64), the same static binary everywhere; the host build of
   the same code gives the reference output. system/user is what running under a kernel
   costs: the softMMU (TLB lookups, page walks), timer interrupts, the guest's scheduler.

Malta: the kernel and initramfs of scripts/fetch-guest-malta.sh (no firmware: both emulators
load the kernel ELF themselves), booted as in 1.

The results go into docs/performance.md between the markers of bench/run.py (SYSTEM_BEGIN,
SYSTEM_END; for Malta MALTA_BEGIN, MALTA_END): this script replaces only the block of its
board; run.py, mips.py and the other board's run keep it.

usage: bench/system.py [--board virt|malta] [--quick] [--runs N] [--boots N] [--reps N] ...
See --help. Python 3 standard library; cpio and gzip for the initramfs.
"""

import argparse
import os
import re
import select
import shlex
import shutil
import statistics
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)
sys.dont_write_bytecode = True  # no bench/__pycache__ in the source tree
import run as ub  # noqa: E402  (run.py: shared helpers, workload sizes, report markers)

ROOT = ub.ROOT
BOOT_MARKER = b"MORPH-BOOT-OK"
KERNELS = ["sha256", "sort", "vm"]

# Runner ids of the in-guest benchmark, in table order.
RUNNERS = ["native", "morph-user", "morph-system", "qemu-user", "qemu-system"]
TITLES = {
    "native": "native",
    "morph-user": "morph run",
    "morph-system": "morph system",
    "qemu-user": "qemu-riscv64",
    "qemu-system": "qemu-system",
}


# What --board selects: the machine, its QEMU and its guest files (in guest.env), the RAM,
# QEMU's console and display options, whether the in-guest kernels (part 2) run, and the
# report's block.
BOARDS = {
    "virt": dict(
        qemu="qemu-system-riscv64",
        guest="guest-riscv64",
        fetch="scripts/fetch-guest-system.sh",
        files=("KERNEL", "FIRMWARE", "INITRD"),
        memory="512M",
        smp=True,
        kernels=True,
        qemu_opts=["-display", "none", "-serial", "stdio", "-monitor", "none", "-nic", "none"],
        heading="System mode results",
        markers=(ub.SYSTEM_BEGIN, ub.SYSTEM_END),
        keepers="`bench/run.py` keeps",
        issue=4,
    ),
    "malta": dict(
        qemu="qemu-system-mipsel",
        guest="guest-mipsel-malta",
        fetch="scripts/fetch-guest-malta.sh",
        files=("KERNEL", "INITRD"),
        memory="256M",
        smp=False,
        kernels=False,
        qemu_opts=["-nographic", "-no-reboot", "-monitor", "none"],
        heading="System mode results: MIPS Malta",
        markers=(ub.MALTA_BEGIN, ub.MALTA_END),
        keepers="`bench/run.py`, `bench/mips.py` and `bench/system.py` on the RISC-V board keep",
        issue=7,
    ),
}


class Setup:
    pass


# ---------------------------------------------------------------------------------------------
# Running an emulator with its console on a pipe


def run_console(argv, marker, timeout):
    """Run ARGV (a machine whose console is stdout) to its exit. Returns a dict: status
    (exit status, or None on timeout), wall and to_marker (seconds from the start; to_marker
    is None if MARKER never appeared), user and sys (CPU seconds), text (the console)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    fd = p.stdout.fileno()
    buf = bytearray()
    t_mark = None
    timed_out = False
    while True:
        left = t0 + timeout - time.perf_counter()
        if left <= 0:
            timed_out = True
            p.kill()
            break
        if not select.select([fd], [], [], left)[0]:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        # the time the marker reached us: after the chunk that completes it
        tail = len(buf) - len(marker)
        buf += chunk
        if t_mark is None and buf.find(marker, max(tail, 0)) >= 0:
            t_mark = time.perf_counter() - t0
    _, wstatus, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(wstatus)
    p.stdout.close()
    return {
        "status": None if timed_out else p.returncode,
        "wall": wall,
        "to_marker": t_mark,
        "user": ru.ru_utime,
        "sys": ru.ru_stime,
        "text": buf.decode(errors="replace").replace("\r", ""),
    }


def machine_cmd(s, runner, initrd, append):
    """argv of one boot on RUNNER ("morph" or "qemu"): the same board, firmware (if the board
    has one), kernel, initramfs, command line, RAM and harts; no display."""
    g, b = s.guest, s.board
    bios = g["FIRMWARE"] if "FIRMWARE" in b["files"] else None
    smp = str(s.smp) if b["smp"] else None
    if runner == "morph":
        argv = [s.morph, "system"]
        opts = {"-M": s.board_name, "--bios": bios, "--kernel": g["KERNEL"]}
        opts.update({"--initrd": initrd, "--append": append, "-m": s.memory})
        opts.update({"--smp": smp, "--display": "off"})
    else:
        argv = [s.qemu_system]
        opts = {"-M": s.board_name, "-m": s.memory, "-smp": smp, "-bios": bios}
        opts.update({"-kernel": g["KERNEL"], "-initrd": initrd, "-append": append})
    argv += [x for k, v in opts.items() if v is not None for x in (k, v)]
    return argv + (b["qemu_opts"] if runner == "qemu" else [])


def guest_uptime(text, what):
    """The guest kernel's printk time stamp of the line containing WHAT, or None."""
    m = None
    for m in re.finditer(r"\[\s*(\d+\.\d+)\][^\n]*" + re.escape(what), text):
        pass
    return float(m.group(1)) if m else None


def tail(text, n=15):
    return "\n".join(text.rstrip().splitlines()[-n:])


# ---------------------------------------------------------------------------------------------
# 1. Boot time


def bench_boot(s, args):
    """Alternating rounds of boot-to-marker-and-power-off: {runner: [sample]} and
    {runner: why} for runners that failed."""
    append = "console=ttyS0 quiet morph_test=poweroff"
    cmds = {r: machine_cmd(s, r, s.guest["INITRD"], append) for r in s.machines}
    s.boot_cmds = cmds
    samples = {r: [] for r in cmds}
    failed = {}
    for rnd in range(args.runs):
        order = list(cmds) if rnd % 2 == 0 else list(reversed(list(cmds)))
        for r in order:
            if r in failed:
                continue
            res = run_console(cmds[r], BOOT_MARKER, args.timeout)
            why = None
            if res["status"] is None:
                why = "no power-off after %d s" % args.timeout
            elif res["status"]:
                why = "exit status %d" % res["status"]
            elif res["to_marker"] is None:
                why = "no %s on the console" % BOOT_MARKER.decode()
            elif "MORPH-TESTS-DONE failures=0" not in res["text"]:
                why = "the guest's init did not finish"
            if why:
                failed[r] = why
                ub.log("boot %s failed: %s\n%s" % (r, why, tail(res["text"])))
                continue
            res["guest_off"] = guest_uptime(res["text"], "reboot: Power down")
            if not s.opensbi:
                m = re.search(r"OpenSBI (v[\d.]+)", res["text"])
                s.opensbi = m.group(1) if m else None
            del res["text"]
            samples[r].append(res)
            ub.log(
                "boot %-5s round %d: marker %.3f s, exit %.3f s, cpu %.3f s"
                % (r, rnd + 1, res["to_marker"], res["wall"], res["user"] + res["sys"])
            )
    return samples, failed


# ---------------------------------------------------------------------------------------------
# 2. Kernels inside the guest and in user mode


def build_programs(s, names):
    """Each kernel linked with timed-main.c, for the host and (static) for riscv64:
    {name: {"x86_64": path, "riscv64": path}} (None where the compiler failed)."""
    out = {}
    kdir = os.path.join(BENCH, "kernels")
    timed = os.path.join(BENCH, "guest", "timed-main.c")
    flags = ["-O2", "-ffp-contract=off", "-Wall", "-Wextra"]
    bdir = os.path.join(s.work, "system-kernels")
    os.makedirs(bdir, exist_ok=True)
    for name in names:
        src = os.path.join(kdir, name + ".c")
        deps = [src, os.path.join(kdir, "common.h"), timed]
        out[name] = {}
        for cc, extra, arch in (
            ("gcc", [], "x86_64"),
            ("riscv64-linux-gnu-gcc", ["-static"], "riscv64"),
        ):
            exe = os.path.join(bdir, "%s.%s" % (name, arch))
            fresh = os.path.exists(exe) and all(
                os.path.getmtime(d) < os.path.getmtime(exe) for d in deps
            )
            ok = fresh or (
                ub.run_log(
                    [cc] + flags + ["-c", "-Dmain=bench_kernel_main", "-o", exe + ".o", src],
                    "%s %s" % (cc, src),
                )
                and ub.run_log([cc] + flags + ["-c", "-o", exe + "-t.o", timed], cc + " " + timed)
                and ub.run_log(
                    [cc] + extra + ["-o", exe, exe + ".o", exe + "-t.o", "-lm"], "linking " + exe
                )
            )
            out[name][arch] = exe if ok else None
    return out


def build_initrd(s, progs):
    """The guest's initramfs with a cpio holding /bench/init and /bench/KERNEL appended
    (concatenated gzip'd cpio archives: the kernel unpacks them in turn). Returns its path."""
    stage = os.path.join(s.work, "system-initrd")
    shutil.rmtree(stage, ignore_errors=True)
    os.makedirs(os.path.join(stage, "bench"))
    shutil.copy2(os.path.join(BENCH, "guest", "init"), os.path.join(stage, "bench", "init"))
    for name, p in progs.items():
        shutil.copy2(p["riscv64"], os.path.join(stage, "bench", name))
    files = sorted(
        os.path.relpath(os.path.join(d, f), stage)
        for d, dirs, fs in os.walk(stage)
        for f in dirs + fs
    )
    cpio = subprocess.run(
        ["cpio", "-o", "-H", "newc", "-R", "0:0", "--quiet"],
        input=("\n".join(files) + "\n").encode(),
        cwd=stage,
        stdout=subprocess.PIPE,
        check=True,
    )
    gz = subprocess.run(["gzip", "-9"], input=cpio.stdout, stdout=subprocess.PIPE, check=True)
    path = os.path.join(s.work, "initramfs-bench.cpio.gz")
    with open(s.guest["INITRD"], "rb") as f:
        base = f.read()
    with open(path + ".tmp", "wb") as f:
        f.write(base + gz.stdout)
    os.replace(path + ".tmp", path)
    shutil.rmtree(stage, ignore_errors=True)
    return path


def parse_program(lines):
    """(result, seconds) of one timed kernel run's output lines: the result is the output
    without the bench-time line and without interleaved kernel messages."""
    secs = None
    keep = []
    for line in lines:
        m = re.fullmatch(r"bench-time (\d+\.\d+)", line.strip())
        if m:
            secs = float(m.group(1))
        elif line.strip() and not re.match(r"\[\s*\d+\.\d+\]", line):
            keep.append(line.rstrip())
    return "\n".join(keep), secs


def parse_guest_runs(text):
    """[(name, result, seconds, exit status)] from a benchmark boot's console."""
    runs = []
    cur = None
    for line in text.splitlines():
        m = re.match(r"MORPH-BENCH-(BEGIN|END) (\S+) (\d+)(?: (\d+))?", line)
        if m and m.group(1) == "BEGIN":
            cur = (m.group(2), [])
        elif m and cur and m.group(2) == cur[0]:
            result, secs = parse_program(cur[1])
            runs.append((cur[0], result, secs, int(m.group(4) or 1)))
            cur = None
        elif cur:
            cur[1].append(line)
    return runs


def user_cmd(s, runner, prog, arg):
    if runner == "native":
        return [prog["x86_64"], arg]
    if runner == "morph-user":
        return [s.morph, "run", prog["riscv64"], arg]
    return [s.qemu_user, prog["riscv64"], arg]


def run_user(cmd, timeout):
    """(result, seconds, why) of one user-mode run; why is None if it worked."""
    try:
        r = subprocess.run(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=timeout,
            text=True,
        )
    except subprocess.TimeoutExpired:
        return None, None, "no result after %d s" % timeout
    except OSError as e:
        return None, None, str(e)
    result, secs = parse_program(r.stdout.splitlines())
    if r.returncode or secs is None:
        err = r.stderr.strip().splitlines()
        return None, None, "exit status %d%s" % (r.returncode, ": " + err[-1] if err else "")
    return result, secs, None


class Cells:
    """Samples per (kernel, runner), with the output check against the reference."""

    def __init__(self, names, runners):
        self.samples = {n: {r: [] for r in runners} for n in names}
        self.status = {n: {} for n in names}
        self.ref = {}

    def add(self, name, runner, result, secs, why=None):
        if self.status[name].get(runner, "ok") != "ok":
            return
        if why is None and result != self.ref.get(name, result):
            why = "wrong: printed %r, the native build %r" % (result[:80], self.ref[name][:80])
        if why:
            self.status[name][runner] = why
            ub.log("%s %s: %s" % (name, runner, why))
            return
        self.status[name][runner] = "ok"
        self.samples[name][runner].append(secs)


def bench_kernels(s, args, progs, initrd):
    names = list(progs)
    runners = [r for r in RUNNERS if r.split("-")[0] in ["native"] + s.machines]
    cells = Cells(names, runners)
    sizes = {n: s.sizes[n] for n in names}
    # the native build's output is the reference every emulator must print
    for n in names:
        result, secs, why = run_user(user_cmd(s, "native", progs[n], sizes[n]), args.timeout)
        if why:
            ub.log("%s native: %s" % (n, why))
        else:
            cells.ref[n] = result
    append = "console=ttyS0 quiet rdinit=/bench/init morph_bench=%s morph_bench_reps=%d" % (
        ",".join("%s:%s" % (n, sizes[n]) for n in names),
        args.reps,
    )
    s.kernel_cmds = {r: machine_cmd(s, r, initrd, append) for r in s.machines}
    in_user = [r for r in runners if not r.endswith("-system")]
    s.kernel_user_cmds = {
        (n, r): user_cmd(s, r, progs[n], sizes[n]) for n in names for r in in_user
    }
    s.boot_with_kernels = {r: [] for r in s.machines}
    for b in range(args.boots):
        order = s.machines if b % 2 == 0 else list(reversed(s.machines))
        for m in order:
            r = m + "-system"
            res = run_console(s.kernel_cmds[m], b"MORPH-BENCH-DONE", args.timeout * 4)
            runs = parse_guest_runs(res["text"])
            ub.log(
                "%s boot %d: %d runs in %.1f s (status %s)"
                % (r, b + 1, len(runs), res["wall"], res["status"])
            )
            if res["status"] != 0 or res["to_marker"] is None:
                ub.log("%s failed:\n%s" % (r, tail(res["text"])))
            s.boot_with_kernels[m].append(res["wall"])
            for n in names:
                mine = [x for x in runs if x[0] == n]
                if len(mine) < args.reps:
                    cells.add(n, r, None, None, "%d of %d runs finished" % (len(mine), args.reps))
                for _, result, secs, st in mine:
                    why = None if st == 0 and secs is not None else "exit status %d" % st
                    cells.add(n, r, result, secs, why)
        # the user-mode runs of this round, alternating runners kernel by kernel
        for rep in range(args.reps):
            for n in names:
                order = list(in_user)
                if (b * args.reps + rep) % 2:
                    order.reverse()
                for r in order:
                    result, secs, why = run_user(s.kernel_user_cmds[(n, r)], args.timeout)
                    cells.add(n, r, result, secs, why)
        for n in names:
            got = cells.samples[n].items()
            ub.log(
                "round %d, %s medians: %s"
                % (b + 1, n, " ".join("%s %s" % (r, ub.fmt_s(med(v))) for r, v in got))
            )
    return cells, runners


# ---------------------------------------------------------------------------------------------
# Report


def med(xs):
    return statistics.median(xs) if xs else None


def ratio(a, b):
    return a / b if a and b else None


def boot_guest_text(s):
    """The first sentences of the boot part: what boots, and when /init prints the marker."""
    kver = s.guest.get("KVER", "?")
    if s.board_name == "malta":
        return (
            "Kernel and initramfs of `scripts/fetch-guest-malta.sh` with "
            "`morph_test=poweroff`, no firmware (each emulator loads the kernel ELF and "
            "starts it as the board's boot monitor would): Linux %s, %s RAM, one CPU. "
            "*To marker*: from starting the emulator until `MORPH-BOOT-OK` (printed by /init "
            "after mounting /proc, /sys and /dev; this initramfs has no modules) arrives on "
            "its console pipe" % (kver, s.memory)
        )
    return (
        "Firmware, kernel and the tests' initramfs with `morph_test=poweroff`: OpenSBI "
        "%s (fw_dynamic), Linux %s, %s RAM, %d hart(s). *To marker*: from starting the "
        "emulator until `MORPH-BOOT-OK` (printed by /init after loading the virtio and ext4 "
        "modules) arrives on its console pipe" % (s.opensbi or "?", kver, s.memory, s.smp)
    )


def boot_report(s, samples, failed):
    lines = ["### Boot to the marker and power off\n"]
    lines.append(
        "%s; *to exit*: until the emulator has exited "
        "after the guest's `poweroff -f`; *CPU*: user + system seconds of the emulator "
        "process; *guest clock*: the kernel's printk time stamp of `reboot: Power down` "
        "(time since the kernel started, by the guest's timer). Seconds; median (min-max) "
        "over the rounds.\n" % boot_guest_text(s)
    )
    lines.append(
        "| emulator | to marker | to exit | CPU | guest clock | runs |\n"
        "|---|---:|---:|---:|---:|---:|"
    )

    def cell(xs):
        xs = [x for x in xs if x is not None]
        if not xs:
            return "-"
        return "%s (%s-%s)" % (ub.fmt_s(med(xs)), ub.fmt_s(min(xs)), ub.fmt_s(max(xs)))

    meds = {}
    for r in s.machines:
        sm = samples.get(r) or []
        title = "morph system" if r == "morph" else s.board["qemu"]
        if r in failed and not sm:
            lines.append("| %s | fail: %s | | | | |" % (title, failed[r]))
            continue
        meds[r] = {k: med([x[k] for x in sm]) for k in ("to_marker", "wall")}
        lines.append(
            "| %s | %s | %s | %s | %s | %d%s |"
            % (
                title,
                cell([x["to_marker"] for x in sm]),
                cell([x["wall"] for x in sm]),
                cell([x["user"] + x["sys"] for x in sm]),
                cell([x["guest_off"] for x in sm]),
                len(sm),
                " (then failed: %s)" % failed[r] if r in failed else "",
            )
        )
    lines.append("")
    m, q = meds.get("morph"), meds.get("qemu")
    if m and q:
        rm, rw = q["to_marker"] / m["to_marker"], q["wall"] / m["wall"]
        lines.append(
            "qemu/morph on the medians: **%.2f** to the marker, **%.2f** to exit. Target "
            "(issue %d): morph's boot time no more than QEMU's: **%s**.\n"
            % (rm, rw, s.board["issue"], "met" if rm >= 1 and rw >= 1 else "not met")
        )
    lines.append("<details><summary>commands</summary>\n\n```")
    for r in s.machines:
        lines.append(shlex.join(s.boot_cmds[r]))
    lines.append("```\n</details>\n")
    return lines


def ratio_table(cells, have, pairs, stat, show_times):
    """Markdown lines: per kernel STAT (median or min) of every runner's seconds if
    SHOW_TIMES, the ratios of PAIRS (title, numerator, denominator) and their geomeans."""
    head = ["kernel"] + ([TITLES[r] for r in have] if show_times else []) + [p[0] for p in pairs]
    lines = ["| " + " | ".join(head) + " |"]
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
    ratios = {p[0]: [] for p in pairs}
    for n in cells.samples:
        ok = {r: cells.status[n].get(r) == "ok" and cells.samples[n][r] for r in have}
        val = {r: stat(cells.samples[n][r]) if ok[r] else None for r in have}
        row = [n]
        if show_times:
            row += [ub.fmt_s(val[r]) if ok[r] else "fail" for r in have]
        for title, a, b in pairs:
            x = ratio(val[a], val[b])
            ratios[title].append(x)
            row.append(ub.fmt_r(x))
        lines.append("| " + " | ".join(row) + " |")
    row = ["**geometric mean**"] + ([""] * len(have) if show_times else [])
    row += ["**%s**" % ub.fmt_r(ub.geomean(ratios[p[0]])) for p in pairs]
    lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    return lines


def kernel_report(s, args, cells, runners):
    names = list(cells.samples)
    lines = ["### CPU-bound programs inside the guest: softMMU overhead\n"]
    lines.append(
        "Kernels of `bench/kernels` linked with `bench/guest/timed-main.c`: each prints "
        "how long its `main` took by `clock_gettime(CLOCK_MONOTONIC)`, so neither the "
        "emulator's start-up nor the boot counts. The same static riscv64 binary runs in "
        "user mode (`morph run`, `qemu-riscv64`) and inside the booted guest (`morph "
        "system`, `qemu-system-riscv64`; /bench/init of an initramfs with the binaries "
        "appended, `rdinit=/bench/init`, %d boot(s) per emulator, each running every "
        "kernel %d time(s)), alternating with the user-mode runs. The native column is "
        "the host build of the same code, whose output every other run must print. "
        "In the guest the time comes from the guest's clock (the timer the emulator "
        "gives it, which follows the host's clock in both emulators). *system/user* is the "
        "cost of running under a kernel: address translation through the softMMU TLB and "
        "page tables, timer interrupts and the guest's scheduler tick.\n" % (args.boots, args.reps)
    )
    sizes = ", ".join("%s `%s`" % (n, s.sizes[n]) for n in names)
    lines.append("Arguments: %s. Median seconds:\n" % sizes)
    have = [r for r in RUNNERS if r in runners]
    pairs = [
        ("morph system/user", "morph-system", "morph-user"),
        ("qemu system/user", "qemu-system", "qemu-user"),
        ("qemu-system/morph system", "qemu-system", "morph-system"),
        ("qemu-riscv64/morph run", "qemu-user", "morph-user"),
    ]
    pairs = [p for p in pairs if p[1] in have and p[2] in have]
    lines += ratio_table(cells, have, pairs, med, True)
    lines.append(
        "The same ratios on the fastest run of each cell, which other jobs on the shared "
        "machine disturb least (they can only add time):\n"
    )
    lines += ratio_table(cells, have, pairs, min, False)
    lines.append(
        "Per run: median, min and max seconds and the number of runs (`fail`: the run "
        "crashed, timed out or printed another result than the native build).\n"
    )
    lines.append("| kernel | runner | median | min | max | runs | check |")
    lines.append("|---|---|---:|---:|---:|---:|---|")
    for n in names:
        for r in have:
            sm = cells.samples[n][r]
            st = cells.status[n].get(r, "n/a")
            if st != "ok" or not sm:
                lines.append(
                    "| %s | %s | | | | %d | %s |" % (n, TITLES[r], len(sm), st.replace("|", "\\|"))
                )
                continue
            lines.append(
                "| %s | %s | %s | %s | %s | %d | ok |"
                % (n, TITLES[r], ub.fmt_s(med(sm)), ub.fmt_s(min(sm)), ub.fmt_s(max(sm)), len(sm))
            )
    lines.append("")
    for n in names:
        for r in have:
            sm = cells.samples[n][r]
            if len(sm) >= 3 and max(sm) > 3 * med(sm):
                lines.append(
                    "Outlier: one run of %s under %s took %s s against a median of %s s "
                    "(the machine or the emulator stalled).\n"
                    % (n, TITLES[r], ub.fmt_s(max(sm)), ub.fmt_s(med(sm)))
                )
    for m in s.machines:
        w = s.boot_with_kernels.get(m)
        if w:
            lines.append(
                "A benchmark boot took %s s (median) under %s, boot and power-off included.\n"
                % (ub.fmt_s(med(w)), "morph" if m == "morph" else "QEMU")
            )
    lines.append("<details><summary>commands</summary>\n\n```")
    for m in s.machines:
        lines.append(shlex.join(s.kernel_cmds[m]))
    for (n, r), c in s.kernel_user_cmds.items():
        if r != "native":
            lines.append(shlex.join(c))
    lines.append("```\n</details>\n")
    return lines


def report(s, args, boot, kernels):
    begin, end = s.board["markers"]
    lines = [begin, "", "## %s\n" % s.board["heading"]]
    lines.append(
        "Run: `%s`. Written by `bench/system.py`; %s this part when they "
        "rewrite the file.\n" % (" ".join(["bench/system.py"] + sys.argv[1:]), s.board["keepers"])
    )
    s.qemu = s.qemu_system
    info = [(k, v) for k, v in ub.host_info(s) if k not in ("hyperfine", "qemu")]
    if not s.board["kernels"]:
        info = [(k, v) for k, v in info if not k.startswith("gcc")]
    info.insert(
        5,
        (
            "qemu-system",
            (ub.run_text([s.qemu_system, "--version"]).splitlines() or ["not found"])[0],
        ),
    )
    if s.board["kernels"]:
        info.insert(
            6,
            (
                "qemu-user",
                (ub.run_text([s.qemu_user, "--version"]).splitlines() or ["not found"])[0],
            ),
        )
    lines.append("| | |\n|---|---|")
    for k, v in info:
        lines.append("| %s | %s |" % (k, v.replace("|", "\\|")))
    lines.append("")
    if boot:
        lines += boot_report(s, *boot)
    if kernels:
        lines += kernel_report(s, args, *kernels)
    lines.append(end)
    return "\n".join(lines) + "\n"


def write_section(s, path, block):
    """Replace the board's system-mode block of PATH (or append it), and the text above
    run.py's generated part with bench/performance-header.md as it is now."""
    ub.replace_section(path, block, *s.board["markers"])
    ub.log("wrote the %s block into %s" % (s.board["heading"], path))


# ---------------------------------------------------------------------------------------------


def parse_args():
    p = argparse.ArgumentParser(
        description="Benchmark morph system against qemu-system-riscv64: boot time, and "
        "CPU-bound kernels inside the guest against user mode; or, with --board malta, the "
        "boot time against qemu-system-mipsel -M malta. Writes the board's system-mode "
        "part of docs/performance.md."
    )
    p.add_argument(
        "--board",
        choices=sorted(BOARDS),
        default="virt",
        help="virt: RISC-V, boot time and in-guest kernels (default); malta: MIPS, boot time",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 2 boot rounds, 1 benchmark boot, 1 rep, --quick sizes",
    )
    p.add_argument(
        "--runs",
        type=int,
        default=5,
        help="boot-time rounds (each boots every emulator once; default 5)",
    )
    p.add_argument("--boots", type=int, default=3, help="benchmark boots per emulator (default 3)")
    p.add_argument(
        "--reps",
        type=int,
        default=2,
        help="runs of every kernel per benchmark boot, and user-mode runs per " "round (default 2)",
    )
    p.add_argument(
        "--kernels",
        help="kernels of bench/kernels to run in the guest (default %s; '' for "
        "none; none on malta)" % ",".join(KERNELS),
    )
    p.add_argument("--no-boot", action="store_true", help="skip the boot-time part")
    p.add_argument("--machines", default="morph,qemu", help="comma-separated subset of morph,qemu")
    p.add_argument(
        "--timeout",
        type=float,
        default=300,
        help="seconds per boot or user-mode run (benchmark boots: 4x; default 300)",
    )
    p.add_argument("-m", "--memory", help="guest RAM (default virt 512M, malta 256M)")
    p.add_argument("--smp", type=int, default=1, help="harts (default 1; virt only)")
    p.add_argument("--morph", help="morph binary (default: build it in --build-dir)")
    p.add_argument(
        "--build-dir",
        default="/tmp/build-bench",
        help="where to build morph (default /tmp/build-bench, as bench/run.py)",
    )
    p.add_argument("--no-build", action="store_true", help="use the morph already in --build-dir")
    p.add_argument("--rev", help="measure this commit (a clean export, as bench/run.py)")
    p.add_argument(
        "--qemu-system", help="default qemu-system-riscv64 (malta: qemu-system-mipsel) on the PATH"
    )
    p.add_argument("--qemu-user", default=shutil.which("qemu-riscv64"))
    p.add_argument(
        "--guest",
        help="the guest files (guest.env) of scripts/fetch-guest-system.sh (default "
        "CACHE/guest-riscv64) or, for malta, of scripts/fetch-guest-malta.sh "
        "(CACHE/guest-mipsel-malta)",
    )
    p.add_argument(
        "--work",
        default="/tmp/morph-bench",
        help="scratch directory (default /tmp/morph-bench, as bench/run.py)",
    )
    p.add_argument(
        "--output",
        default=os.path.join(ROOT, "docs", "performance.md"),
        help="report whose system-mode block is replaced (default " "docs/performance.md)",
    )
    p.add_argument("--no-report", action="store_true", help="do not write the report")
    args = p.parse_args()
    if args.quick:
        args.runs, args.boots, args.reps = 2, 1, 1
    board = BOARDS[args.board]
    args.memory = args.memory or board["memory"]
    args.guest = args.guest or os.path.join(ub.CACHE, board["guest"])
    args.qemu_system = args.qemu_system or shutil.which(board["qemu"])
    if args.kernels is None:
        args.kernels = ",".join(KERNELS) if board["kernels"] else ""
    args.kernels = [k.strip() for k in args.kernels.split(",") if k.strip()]
    if args.kernels and not board["kernels"]:
        p.error("--board %s has no in-guest kernels" % args.board)
    known = {w["name"]: w for w in ub.WORKLOADS if w["kind"] == "kernel"}
    for k in args.kernels:
        if k not in known:
            p.error("unknown kernel '%s' (have: %s)" % (k, ", ".join(known)))
    args.sizes = {k: known[k]["quick" if args.quick else "args"][0] for k in args.kernels}
    args.machines = [m.strip() for m in args.machines.split(",") if m.strip()]
    for m in args.machines:
        if m not in ("morph", "qemu"):
            p.error("unknown machine '%s'" % m)
    return args


def read_guest(d, need):
    env = {}
    try:
        with open(os.path.join(d, "guest.env")) as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                env[k] = v
    except OSError:
        return None
    return env if all(os.path.exists(env.get(k, "")) for k in need) else None


def main():
    args = parse_args()
    s = Setup()
    s.load0 = ub.load()
    s.work = os.path.abspath(args.work)
    os.makedirs(s.work, exist_ok=True)
    s.board_name, s.board = args.board, BOARDS[args.board]
    s.guest = read_guest(args.guest, s.board["files"])
    if not s.guest:
        ub.log("no guest in %s: run %s" % (args.guest, s.board["fetch"]))
        return 1
    s.memory, s.smp, s.sizes, s.opensbi = args.memory, args.smp, args.sizes, None
    s.qemu_system, s.qemu_user = args.qemu_system, args.qemu_user
    s.machines = list(args.machines)
    if "qemu" in s.machines and not (s.qemu_system and (s.qemu_user or not s.board["kernels"])):
        ub.log("%s or qemu-riscv64 not found: QEMU left out" % s.board["qemu"])
        s.machines.remove("qemu")
    s.morph, s.morph_src = None, "not measured"
    if "morph" in s.machines:
        s.morph, s.morph_src = ub.build_morph(args, s.work)
        if not s.morph:
            ub.log("no morph binary: " + s.morph_src)
            return 1
    s.morph_desc = "%s, default backend (the x86-64 JIT)" % (
        "'morph system' and 'morph run'" if s.board["kernels"] else "'morph system'"
    )
    ub.log("morph: %s (%s); guest %s" % (s.morph, s.morph_src, args.guest))

    t0 = time.time()
    boot = None if args.no_boot else bench_boot(s, args)
    kernels = None
    if args.kernels:
        progs = build_programs(s, args.kernels)
        progs = {n: p for n, p in progs.items() if p["x86_64"] and p["riscv64"]}
        if progs:
            initrd = build_initrd(s, progs)
            kernels = bench_kernels(s, args, progs, initrd)
    ub.log("finished in %.0f s" % (time.time() - t0))
    block = report(s, args, boot, kernels)
    if args.no_report:
        print(block)
    else:
        write_section(s, args.output, block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
