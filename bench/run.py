#!/usr/bin/env python3
"""morph's benchmark driver: morph (JIT), morph --interp, qemu-riscv64 and native, side by side.

Runs every workload under every runner, checks that all runners print the same output
(a wrong answer fast is a bug, not a result), times the runners that agree with hyperfine
in alternating rounds, and writes docs/performance.md (bench/performance-header.md plus
the generated tables).

Workloads: our own C kernels (bench/kernels/, built with riscv64-linux-gnu-gcc -O2 -static
for the guest and gcc -O2 for the host) and real Debian trixie programs (xz, lua5.4, python3,
sqlite3, 7z): the riscv64 build runs under the emulators with -L SYSROOT_RISCV64, the amd64
build of the same package version runs natively through its own loader and libraries.

usage: bench/run.py [--quick] [--runs N] [--workloads a,b] [--runners native,qemu,...] ...
       bench/run.py --callgrind vm,lua      (instruction counts instead of/besides times)
See --help. Python 3 standard library only.
"""

import argparse
import datetime
import hashlib
import json
import math
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
CACHE = os.environ.get("MORPH_CACHE", os.path.expanduser("~/.cache/morph"))

# Runner ids in table order, with the column titles.
RUNNERS = ["native", "morph", "interp", "qemu"]
TITLES = {
    "native": "native",
    "morph": "morph",
    "interp": "morph --interp",
    "qemu": "qemu-riscv64",
}


def kernel(name, args, quick, desc):
    """Our own C kernel bench/kernels/NAME.c; ARGS for full size, QUICK for --quick."""
    return dict(name=name, kind="kernel", src=name + ".c", args=args, quick=quick, desc=desc)


def debian(name, pkg, prog, args, quick, desc, binpkg=None):
    """Program PROG (path in the sysroot) of Debian package PKG (BINPKG: the package in PKG's
    dependencies that holds PROG, if another one; its version goes into the report)."""
    return dict(
        name=name,
        kind="debian",
        pkg=pkg,
        prog=prog,
        args=args,
        quick=quick,
        desc=desc,
        binpkg=binpkg or pkg,
    )


# Full sizes take ~0.2-0.6 s natively on this 2.5 GHz Xeon (--quick: about 4x less).
# In arguments, {w} is the scratch directory and {b} this directory; {w}/text-NNNk.txt is
# generated text of NNN KiB (gen_text).
WORKLOADS = [
    kernel("sort", ["2000000"], ["500000"], "quicksort of 2M pseudo-random 64-bit integers"),
    kernel("sha256", ["6"], ["2"], "our SHA-256 over a 6 MiB generated buffer, 4 chained passes"),
    kernel("nbody", ["1000000"], ["250000"], "5-body simulation in double, 1M steps (sqrt, div)"),
    kernel("matmul", ["256"], ["160"], "256x256 double matrix multiply, 3 times"),
    kernel("vm", ["100000"], ["25000"], "switch-dispatch bytecode VM: Collatz and a sieve"),
    kernel("strmem", ["100"], ["25"], "strlen/memcpy/memmove/memcmp/strchr/memset, 100 rounds"),
    debian(
        "xz",
        "xz-utils",
        "usr/bin/xz",
        ["-6", "-T1", "-c", "{w}/text-512k.txt"],
        ["-6", "-T1", "-c", "{w}/text-128k.txt"],
        "xz -6 -T1 compressing 512 KiB of generated text to stdout",
    ),
    debian(
        "lua",
        "lua5.4",
        "usr/bin/lua5.4",
        ["{b}/workloads/cpu.lua", "3"],
        ["{b}/workloads/cpu.lua", "1"],
        "lua5.4: recursion, integer/float loops, tables, strings",
    ),
    debian(
        "python",
        "python3",
        "usr/bin/python3.13",
        ["{b}/workloads/cpu.py", "4"],
        ["{b}/workloads/cpu.py", "1"],
        "python3.13: calls, int loops, dict/str work, sort, objects",
        binpkg="python3.13-minimal",
    ),
    debian(
        "sqlite",
        "sqlite3",
        "usr/bin/sqlite3",
        [
            ":memory:",
            "CREATE TEMP TABLE param AS SELECT 60000 AS n",
            ".read {b}/workloads/sqlite.sql",
        ],
        [
            ":memory:",
            "CREATE TEMP TABLE param AS SELECT 15000 AS n",
            ".read {b}/workloads/sqlite.sql",
        ],
        "sqlite3 :memory: 60k-row insert in a transaction, index, group-by, join",
    ),
    # usr/bin/7za is a shell script; the binary is the standalone 7za (no 7z.so plugin).
    debian(
        "7z",
        "7zip",
        "usr/lib/7zip/7za",
        ["a", "-tbzip2", "-mx=5", "-mmt=1", "-an", "-so", "{w}/text-1024k.txt"],
        ["a", "-tbzip2", "-mx=5", "-mmt=1", "-an", "-so", "{w}/text-256k.txt"],
        "7-Zip (7za): bzip2 (BWT) compression of 1 MiB of text to stdout, one thread",
    ),
]


# ---------------------------------------------------------------------------------------------
# Small utilities


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def run_text(cmd, **kw):
    """Output of a command, or '' if it cannot run."""
    try:
        r = subprocess.run(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=kw.pop("timeout", 60),
            **kw
        )
        return r.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    if not xs:
        return None
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


class Rng:
    """xorshift64*: the text generator must not depend on Python's random module."""

    def __init__(self, seed):
        self.s = seed or 1

    def next(self):
        x = self.s
        x ^= x >> 12
        x ^= (x << 25) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 27
        self.s = x
        return (x * 0x2545F4914F6CDD1D) & 0xFFFFFFFFFFFFFFFF


def gen_text(path, size, seed):
    """Deterministic, semi-compressible English-like text: a Zipf-ish vocabulary of made-up
    words, sentences, numbers and line breaks (xz -6 gets roughly 3.5:1)."""
    if os.path.exists(path) and os.path.getsize(path) == size:
        return
    rng = Rng(seed)
    syl = [
        "ka",
        "lo",
        "mi",
        "ne",
        "ra",
        "tu",
        "shi",
        "ven",
        "dor",
        "el",
        "an",
        "qu",
        "is",
        "po",
        "ba",
        "re",
        "xi",
        "zu",
        "o",
        "ti",
        "st",
        "ch",
        "gra",
        "fel",
        "mon",
        "e",
    ]
    vocab = []
    for _ in range(6000):
        r = rng.next()
        n = 1 + r % 4
        vocab.append("".join(syl[(r >> (8 + 5 * k)) % len(syl)] for k in range(n)))
    out, total, line = [], 0, 0
    while total < size:
        r = rng.next()
        # cube of a uniform number: a few words are very common, most are rare
        u = (r >> 11) / float(1 << 53)
        w = vocab[int(len(vocab) * u * u * u)]
        if r & 0xF == 0:
            w = str((r >> 20) % 100000)
        if r & 0x3F0 == 0:
            w += "."
        elif r & 0x3F0 == 0x10:
            w += ","
        if line + len(w) + 1 > 72:
            w += "\n"
            line = 0
        else:
            w += " "
            line += len(w)
        out.append(w)
        total += len(w)
    data = "".join(out).encode()[:size]
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.replace(path + ".tmp", path)


# ---------------------------------------------------------------------------------------------
# Set-up: morph, kernels, sysroots


def run_log(argv, what, **kw):
    """Run ARGV quietly; on failure log WHAT and the tail of its output. True if it worked."""
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if r.returncode:
        log("%s failed:\n%s" % (what, r.stdout[-1500:]))
    return r.returncode == 0


def morph_source(args, work):
    """(source tree, build directory, description) of the morph to build: the working tree,
    or with --rev a clean export of that commit (git archive: the repository is only read)."""
    if not args.rev:
        rev = run_text(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]) or "unknown"
        if run_text(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"]):
            rev += " with uncommitted changes"
        return ROOT, args.build_dir, "git %s (working tree)" % rev
    sha = run_text(["git", "-C", ROOT, "rev-parse", "--short", args.rev + "^{commit}"])
    if not re.fullmatch(r"[0-9a-f]+", sha):
        log("unknown revision '%s'" % args.rev)
        return None, None, "revision %s not found" % args.rev
    src = os.path.join(work, "src-" + sha)
    if not os.path.exists(os.path.join(src, "CMakeLists.txt")):
        os.makedirs(src, exist_ok=True)
        git = subprocess.Popen(["git", "-C", ROOT, "archive", sha], stdout=subprocess.PIPE)
        ok = run_log(["tar", "-x", "-C", src], "git archive %s" % sha, stdin=git.stdout)
        git.stdout.close()
        if git.wait() or not ok:
            shutil.rmtree(src, ignore_errors=True)
            return None, None, "git archive %s failed" % sha
    return src, args.build_dir + "-" + sha, "git %s (clean export)" % sha


def build_morph(args, work):
    """Path of the morph binary to measure and a description of where it comes from.

    The binary is copied out of the build directory after each good build, because others
    edit the working tree concurrently: a link that fails half-way deletes the old binary,
    and then the last good copy is measured instead (the report gives its build time)."""
    if args.morph:
        return (args.morph if os.access(args.morph, os.X_OK) else None), "given with --morph"
    src, build_dir, desc = morph_source(args, work)
    if not src:
        return None, desc
    exe = os.path.join(build_dir, "morph")
    good = os.path.join(work, "morph-" + re.sub(r"[^A-Za-z0-9]+", "_", build_dir.strip("/")))
    if not args.no_build:
        log("building morph (%s) in %s" % (desc, build_dir))
        ok = os.path.exists(os.path.join(build_dir, "build.ninja")) or run_log(
            ["cmake", "-S", src, "-B", build_dir, "-G", "Ninja"], "cmake"
        )
        if ok and run_log(["ninja", "-C", build_dir, "-j2", "morph"], "building morph"):
            shutil.copy2(exe, good)
        elif os.access(good, os.X_OK):
            log("using the last good build, " + good)
            desc += ", last good build"
    elif os.access(exe, os.X_OK):
        shutil.copy2(exe, good)
    return (good if os.access(good, os.X_OK) else None), desc


def build_kernels(work, wanted, cross="riscv64-linux-gnu-gcc", suffix="riscv64"):
    """Compile the kernels for the guest (with the cross compiler CROSS, executables NAME.SUFFIX)
    and the host; returns {name: (native, guest)}."""
    out = {}
    src_dir = os.path.join(BENCH, "kernels")
    flags = ["-O2", "-ffp-contract=off", "-Wall", "-Wextra"]
    for w in WORKLOADS:
        if w["kind"] != "kernel" or w["name"] not in wanted:
            continue
        src = os.path.join(src_dir, w["src"])
        deps = [src, os.path.join(src_dir, "common.h")]
        pair = []
        for cc, extra, suffix in (
            ("gcc", [], "x86_64"),
            (cross, ["-static"], suffix),
        ):
            exe = os.path.join(work, "kernels", "%s.%s" % (w["name"], suffix))
            fresh = os.path.exists(exe) and all(
                os.path.getmtime(d) < os.path.getmtime(exe) for d in deps
            )
            if not fresh:
                os.makedirs(os.path.dirname(exe), exist_ok=True)
                r = subprocess.run(
                    [cc] + flags + extra + ["-o", exe, src, "-lm"],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
                if r.returncode:
                    log("%s failed on %s:\n%s" % (cc, src, r.stdout))
                    exe = None
            pair.append(exe)
        out[w["name"]] = tuple(pair)
    return out


def ensure_sysroot(arch, root, pkgs, fetch, suite="trixie", workloads=None):
    """The Debian SUITE sysroot for ARCH with PKGS, fetched with scripts/fetch-debian.sh if a
    program of WORKLOADS (default: ours) is missing. Returns the path or None."""
    progs = [
        w["prog"] for w in workloads or WORKLOADS if w["kind"] == "debian" and w["pkg"] in pkgs
    ]
    missing = [p for p in progs if not os.path.exists(os.path.join(root, p))]
    if missing and fetch:
        log("fetching Debian %s %s packages into %s" % (suite, arch, root))
        r = subprocess.run(
            [
                os.path.join(ROOT, "scripts", "fetch-debian.sh"),
                "--arch",
                arch,
                "--suite",
                suite,
                "--dest",
                root,
            ]
            + sorted(pkgs),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if r.returncode:
            log("fetch-debian.sh failed:\n" + r.stdout[-2000:])
        missing = [p for p in progs if not os.path.exists(os.path.join(root, p))]
    if missing:
        log("%s sysroot %s lacks %s" % (arch, root, ", ".join(missing)))
    return root if os.path.isdir(root) else None


def deb_version(arch, pkg, suite="trixie"):
    """Version of PKG from the .deb that fetch-debian.sh downloaded (newest if several)."""
    d = os.path.join(CACHE, "debian", "%s-%s" % (arch, suite), "debs")
    try:
        debs = [f for f in os.listdir(d) if f.startswith(pkg + "_") and f.endswith(".deb")]
    except OSError:
        return None
    if not debs:
        return None
    debs.sort(key=lambda f: os.path.getmtime(os.path.join(d, f)))
    return debs[-1].split("_")[1].replace("%3a", ":")


# ---------------------------------------------------------------------------------------------
# Commands


class Setup:
    pass


def command(s, w, runner):
    """argv for WORKLOAD under RUNNER, or None if that runner cannot run it here."""
    subst = {"w": s.work, "b": BENCH}
    args = [a.format(**subst) for a in w["quick" if s.quick else "args"]]
    if w["kind"] == "kernel":
        native, guest = s.kernels.get(w["name"], (None, None))
        if runner == "native":
            return [native] + args if native else None
        if not guest:
            return None
        prog, lopt = [guest], []
    else:
        if runner == "native":
            a = s.sysroot_amd64
            if not a or not os.path.exists(os.path.join(a, w["prog"])):
                return None
            libs = ":".join(
                os.path.join(a, d)
                for d in ("usr/lib/x86_64-linux-gnu", "lib/x86_64-linux-gnu", "usr/lib")
            )
            # not usr/lib64/ld-linux-x86-64.so.2: bookworm's is a symlink to the host's
            return [
                os.path.join(a, "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
                "--library-path",
                libs,
                os.path.join(a, w["prog"]),
            ] + args
        r = s.sysroot_guest
        if not r or not os.path.exists(os.path.join(r, w["prog"])):
            return None
        prog, lopt = [os.path.join(r, w["prog"])], ["-L", r]
    if runner == "qemu":
        return [s.qemu] + lopt + prog + args if s.qemu else None
    if not s.morph:
        return None
    mode = ["--interp"] if runner == "interp" else list(s.morph_args)
    return [s.morph, "run"] + mode + lopt + prog + args


def bench_env(work):
    """The same environment for every runner. Python keeps its bytecode cache in the
    scratch directory (like the .pyc files of an installed Debian, written by the first
    run, which is the native or QEMU check run, not by morph), never in the sysroots."""
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("PYTHON") or k.startswith("LUA_") or k.startswith("LD_"):
            del env[k]
    env.update(
        {
            "LC_ALL": "C",
            "TZ": "UTC",
            "PYTHONHASHSEED": "0",
            "PYTHONPYCACHEPREFIX": os.path.join(work, "pycache"),
        }
    )
    return env


# ---------------------------------------------------------------------------------------------
# Check runs


def check_run(cmd, work, timeout, env):
    """One run with the output captured: a dict with status, sha256, detail and the
    sample (wall, user, sys) in seconds."""
    out_path = os.path.join(work, "out.tmp")
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    try:
        with open(out_path, "wb") as out:
            r = subprocess.run(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.PIPE,
                timeout=timeout,
                env=env,
                cwd=work,
            )
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "detail": "no result after %d s" % timeout}
    except OSError as e:
        return {"status": "fail", "detail": str(e)}
    dt = time.perf_counter() - t0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    sample = (dt, ru1.ru_utime - ru0.ru_utime, ru1.ru_stime - ru0.ru_stime)
    with open(out_path, "rb") as f:
        data = f.read()
    res = {
        "status": "ok",
        "sha256": hashlib.sha256(data).hexdigest(),
        "sample": sample,
        "detail": "%d bytes of output" % len(data),
    }
    if r.returncode:
        err = r.stderr.decode(errors="replace").strip().splitlines()
        why = (
            "exit status %d" % r.returncode
            if r.returncode > 0
            else "killed by signal %d" % -r.returncode
        )
        res["status"] = "fail"
        res["detail"] = why + (": " + err[-1][:160] if err else "")
    return res


# ---------------------------------------------------------------------------------------------
# Timing


def hyperfine_round(cmds, warmup, json_path, env, work):
    """One hyperfine call with one timed run per command: {runner: (wall, user, sys,
    exit status)}, or {} if hyperfine itself failed."""
    names = list(cmds)
    argv = ["hyperfine", "-N", "-i", "--runs", "1", "--warmup", str(warmup), "--style", "none"]
    argv += ["--export-json", json_path] + [shlex.join(cmds[n]) for n in names]
    r = subprocess.run(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=work,
        text=True,
    )
    if r.returncode:
        log("hyperfine failed: " + r.stderr.strip()[-500:])
        return {}
    with open(json_path) as f:
        res = json.load(f)["results"]
    return {
        n: (x["times"][0], x["user"], x["system"], (x.get("exit_codes") or [0])[0])
        for n, x in zip(names, res)
    }


def time_workload(s, w, cmds, checks, args, env):
    """Alternating rounds: each round runs every runner that still needs samples once, so a
    slow drift of the shared machine's load hits all runners alike. Returns the samples
    {runner: [(wall, user, sys)]} and {runner: why} for runners that failed a timed run."""
    want = {}
    for n in cmds:
        dt = checks[n]["sample"][0]
        if args.budget and dt * args.runs > args.budget:
            want[n] = int(args.budget // dt)
        else:
            want[n] = args.runs
    samples = {n: [] for n in cmds}
    failed = {}
    rnd = 0
    while True:
        todo = {n: c for n, c in cmds.items() if len(samples[n]) < want[n] and n not in failed}
        if not todo:
            break
        got = hyperfine_round(
            todo,
            args.warmup if rnd == 0 else 0,
            os.path.join(s.work, "hf-%s-%d.json" % (w["name"], rnd)),
            env,
            s.work,
        )
        if not got:
            break
        for n, (wall, user, sys_, status) in got.items():
            if status:
                # It passed the check run: a flaky runner is a failing one.
                failed[n] = "exit status %s in timed round %d" % (status, rnd + 1)
                log("%s: %s failed: %s" % (w["name"], n, failed[n]))
            else:
                samples[n].append((wall, user, sys_))
        rnd += 1
    return samples, failed


# ---------------------------------------------------------------------------------------------
# Callgrind


def callgrind(s, w, cmd, env):
    """A repeatable work measure: host instructions executed (callgrind's Ir), or None."""
    out = os.path.join(s.work, "callgrind.out")
    argv = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=" + out,
        # all: morph's code cache is a memfd (a file mapping) patched through a second view
        "--smc-check=all",
    ] + cmd
    try:
        r = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            cwd=s.work,
            text=True,
            timeout=3600,
        )
    except subprocess.TimeoutExpired:
        log("callgrind %s: timeout" % w["name"])
        return None
    m = re.search(r"Collected\s*:\s*(\d+)", r.stderr)
    if m and r.returncode == 0:
        return int(m.group(1))
    msgs = [l for l in r.stderr.splitlines() if not l.startswith("==")]
    log(
        "callgrind %s failed (exit status %d): %s"
        % (w["name"], r.returncode, (msgs or ["?"])[-1][:200])
    )
    return None


# ---------------------------------------------------------------------------------------------
# Report


def fmt_s(x):
    if x is None:
        return "-"
    return "%.3f" % x if x < 10 else "%.2f" % x if x < 100 else "%.1f" % x


def fmt_r(x):
    return "-" if x is None else "%.2f" % x


def load():
    return " ".join("%.1f" % x for x in os.getloadavg())


def host_info(s):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    built = "-"
    if s.morph:
        mtime = datetime.datetime.fromtimestamp(os.path.getmtime(s.morph), datetime.timezone.utc)
        built = mtime.strftime("%Y-%m-%d %H:%M UTC")
    return [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("host CPU", "%s, %d logical CPUs (shared)" % (cpu, os.cpu_count() or 0)),
        ("load average", "%s at the start, %s at the end (1/5/15 min)" % (s.load0, load())),
        (
            "host OS",
            "%s, Linux %s"
            % (
                run_text(["sh", "-c", ". /etc/os-release; echo " "$PRETTY_NAME"]) or "?",
                platform.release(),
            ),
        ),
        ("morph", "%s, binary built %s; %s" % (s.morph_src, built, s.morph_desc)),
        (
            "qemu",
            (run_text([s.qemu, "--version"]).splitlines() or ["not found"])[0]
            if s.qemu
            else "not found",
        ),
        ("hyperfine", run_text(["hyperfine", "--version"]) or "?"),
        ("gcc (native kernels)", (run_text(["gcc", "--version"]).splitlines() or ["?"])[0]),
        (
            "gcc (guest kernels)",
            (run_text(["riscv64-linux-gnu-gcc", "--version"]).splitlines() or ["?"])[0],
        ),
    ]


def summarize(results, metric):
    """Per-workload ratios of METRIC ("wall" or "cpu" medians) and their geometric means:
    ({workload: {ratio: value}}, {ratio: geomean})."""
    per = {}
    for w in results:
        med = w["median"][metric]

        def ratio(a, b):
            return med[a] / med[b] if med.get(a) and med.get(b) else None

        per[w["name"]] = {
            "qm": ratio("qemu", "morph"),
            "mn": ratio("morph", "native"),
            "im": ratio("interp", "morph"),
        }
    return per, {k: geomean([p[k] for p in per.values()]) for k in ("qm", "mn", "im")}


def summary_table(results, cols, metric, titles=TITLES):
    """Markdown lines: one row per workload, the ratios, geometric means at the bottom."""
    per, gm = summarize(results, metric)
    # only the ratios of runners that were measured
    ratios = [
        (k, a + "/" + b)
        for k, a, b in (
            ("qm", "qemu", "morph"),
            ("mn", "morph", "native"),
            ("im", "interp", "morph"),
        )
        if a in cols and b in cols
    ]
    head = ["workload"] + [titles[r] for r in cols] + [name for _, name in ratios]
    lines = [
        "| " + " | ".join(head) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|",
    ]
    for w in results:
        row = [w["name"]]
        for r in cols:
            st = w["status"].get(r)
            if st == "ok":
                row.append(fmt_s(w["median"][metric][r]) + ("*" if w["check_only"].get(r) else ""))
            else:
                row.append(st or "n/a")
        row += [fmt_r(per[w["name"]][k]) for k, _ in ratios]
        lines.append("| " + " | ".join(row) + " |")
    n = len(results)
    cells = [
        "**%s** (%d/%d)" % (fmt_r(gm[k]), sum(1 for p in per.values() if p[k]), n)
        for k, _ in ratios
    ]
    lines.append("| " + " | ".join(["**geometric mean**"] + [""] * len(cols) + cells) + " |")
    lines.append("")
    return lines, gm


# The line between bench/performance-header.md and the generated part of the report.
GENERATED = (
    "<!-- Everything below is generated by bench/run.py; edit "
    "bench/performance-header.md for the text above. -->"
)

# The report also holds the results of other scripts, each between two marker lines:
# bench/system.py's system-mode results (RISC-V virt, and MIPS Malta with --board malta) and
# bench/mips.py's MIPS user-mode results. Each script replaces only its own block
# (replace_section), and write_report copies all of them into the report it rewrites.
MIPS_BEGIN = "<!-- MIPS user-mode results: written by bench/mips.py, kept by bench/run.py and bench/system.py -->"
MIPS_END = "<!-- End of the MIPS results -->"
SYSTEM_BEGIN = "<!-- System-mode results: written by bench/system.py, kept by bench/run.py -->"
SYSTEM_END = "<!-- End of the system-mode results -->"
MALTA_BEGIN = (
    "<!-- MIPS Malta system-mode results: written by bench/system.py --board malta, "
    "kept by bench/run.py, bench/mips.py and bench/system.py -->"
)
MALTA_END = "<!-- End of the MIPS Malta system-mode results -->"
SECTIONS = [(SYSTEM_BEGIN, SYSTEM_END), (MIPS_BEGIN, MIPS_END), (MALTA_BEGIN, MALTA_END)]


def read_report(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def kept_section(path, begin, end):
    """The block from BEGIN to END of the report at PATH, markers included, or '' if none."""
    text = read_report(path)
    a = text.find(begin)
    b = text.find(end, max(a, 0))
    return text[a : b + len(end)] + "\n" if 0 <= a < b else ""


def replace_section(path, block, begin, end):
    """Replace the block from BEGIN to END of the report at PATH with BLOCK (or append it),
    and the text above run.py's generated part with bench/performance-header.md as it is now;
    the other blocks stay as they are."""
    text = read_report(path)
    g = text.find(GENERATED)
    if g >= 0:
        with open(os.path.join(BENCH, "performance-header.md")) as f:
            text = f.read().rstrip() + "\n\n" + text[g:]
    a = text.find(begin)
    b = text.find(end, max(a, 0))
    if 0 <= a < b:
        rest = text[b + len(end) :].lstrip("\n")
        text = text[:a] + block + ("\n" + rest if rest else "")
    else:
        text = text.rstrip() + ("\n\n" if text.strip() else "") + block
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def write_report(s, args, results, cg, path):
    lines = []
    header = os.path.join(BENCH, "performance-header.md")
    if os.path.exists(header):
        with open(header) as f:
            lines.append(f.read().rstrip() + "\n")
    lines.append(GENERATED + "\n")
    lines.append("## Results\n")
    lines.append(
        "Run: `%s`: %s inputs, at most %d timed run(s) per cell, per-cell budget "
        "%s s.\n"
        % (
            " ".join(["bench/run.py"] + sys.argv[1:]),
            "quick (about 4x smaller than described below)" if args.quick else "full-size",
            args.runs,
            "%g" % args.budget if args.budget else "none",
        )
    )
    lines.append("| | |\n|---|---|")
    for k, v in host_info(s):
        lines.append("| %s | %s |" % (k, v.replace("|", "\\|")))
    lines.append("")

    cols = [r for r in RUNNERS if r in args.runners]
    lines.append("### Summary: median wall-clock seconds\n")
    lines.append(
        "Lower is better. Ratios: qemu/morph > 1 means morph is faster than QEMU; "
        "morph/native is the slowdown against the host; interp/morph is how much "
        "the JIT gains over the interpreter. `fail`/`timeout`: crashed or took too "
        "long, `wrong`: printed a different result (see the details); such cells "
        "are not timed. `*`: only the check run was timed (the runner was slower "
        "than the per-cell budget).\n"
    )
    table, gm = summary_table(results, cols, "wall")
    lines += table
    lines.append(
        "Targets (issue 3, the JIT), on wall-clock medians: geomean qemu/morph >= 1.5: %s; "
        "morph/native <= 3: %s; interp/morph >= 5: %s.\n"
        % tuple(
            "n/a" if gm[k] is None else ("**met**" if ok(gm[k]) else "**not met**")
            for k, ok in (
                ("qm", lambda x: x >= 1.5),
                ("mn", lambda x: x <= 3),
                ("im", lambda x: x >= 5),
            )
        )
    )
    lines.append("### Summary: median CPU seconds (user + system)\n")
    lines.append(
        "The same runs, counting the CPU time the process used instead of the "
        "elapsed time: less sensitive to other jobs taking turns on the two "
        "cores.\n"
    )
    lines += summary_table(results, cols, "cpu")[0]
    if s.debian_versions:
        lines.append("Debian trixie packages (the same version for riscv64 and amd64):\n")
        lines.append("| package | riscv64 | amd64 |\n|---|---|---|")
        for pkg, (rv, amd) in s.debian_versions.items():
            lines.append("| %s | %s | %s |" % (pkg, rv or "-", amd or "-"))
        lines.append("")

    if cg:
        lines.append("### Callgrind: host instructions executed (millions)\n")
        lines.append(
            "`valgrind --tool=callgrind`; instruction counts are repeatable, unlike "
            "times on a shared machine. They count the emulator's own work, "
            "translation included.\n"
        )
        lines.append("| workload | " + " | ".join(TITLES[r] for r in cols) + " | qemu/morph |")
        lines.append("|---|" + "---:|" * (len(cols) + 1))
        for name, counts in cg.items():
            row = [name] + [
                "n/a"
                if r not in counts
                else "fail"
                if counts[r] is None
                else "%.0f" % (counts[r] / 1e6)
                for r in cols
            ]
            q, m = counts.get("qemu"), counts.get("morph")
            row.append(fmt_r(q / m) if q and m else "-")
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")

    lines += workload_tables(results, cols)
    kept = [kept_section(path, *m) for m in SECTIONS]
    lines += [k for k in kept if k]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines).rstrip() + "\n")
    log("wrote " + path + (" (the system-mode and MIPS results kept)" if any(kept) else ""))


def workload_tables(results, cols, titles=TITLES):
    """Markdown lines: the per-workload tables (median, min, max, CPU, runs, commands)."""
    lines = []
    lines.append("### Per workload\n")
    lines.append(
        "Median, min and max wall-clock seconds over the timed runs, median user and "
        "system CPU seconds, and the number of timed runs. The check run (output "
        "captured and compared with the native run's) is not counted, except where "
        "marked `*`.\n"
    )
    for w in results:
        lines.append("#### %s\n" % w["name"])
        lines.append(w["desc"] + ".\n")
        lines.append("| runner | median | min | max | user | sys | runs | check |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---|")
        for r in cols:
            st = w["status"].get(r)
            sm = w["samples"].get(r) or []
            if st != "ok" or not sm:
                lines.append(
                    "| %s | %s | | | | | | %s |"
                    % (titles[r], st or "n/a", w["detail"].get(r, "").replace("|", "\\|"))
                )
                continue
            walls = [x[0] for x in sm]
            cpu = [fmt_s(statistics.median(x[i] for x in sm)) for i in (1, 2)]
            lines.append(
                "| %s | %s | %s | %s | %s | %s | %d%s | ok |"
                % (
                    titles[r],
                    fmt_s(statistics.median(walls)),
                    fmt_s(min(walls)),
                    fmt_s(max(walls)),
                    cpu[0],
                    cpu[1],
                    len(sm),
                    "*" if w["check_only"].get(r) else "",
                )
            )
        lines.append("")
        lines.append("<details><summary>commands</summary>\n")
        lines.append("```")
        for r in cols:
            if w["cmds"].get(r):
                lines.append(shlex.join(w["cmds"][r]))
        lines.append("```\n</details>\n")
    return lines


def print_summary(results, cols, titles=TITLES):
    print("%-8s " % "workload" + " ".join("%14s" % titles[r] for r in cols))
    for w in results:
        cells = []
        for r in cols:
            st = w["status"].get(r)
            cells.append("%14s" % (fmt_s(w["median"]["wall"][r]) if st == "ok" else (st or "n/a")))
        print("%-8s " % w["name"] + " ".join(cells))
    for metric in ("wall", "cpu"):
        gm = summarize(results, metric)[1]
        print(
            "geomean (%s) qemu/morph %s  morph/native %s  interp/morph %s"
            % (metric, fmt_r(gm["qm"]), fmt_r(gm["mn"]), fmt_r(gm["im"]))
        )


# ---------------------------------------------------------------------------------------------


def arg_parser(description, qemu):
    """The options every user-mode driver has (this one and bench/mips.py); QEMU is the
    name of the QEMU user-mode emulator."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: ~4x smaller inputs, 1 timed run per cell, 10 s budget",
    )
    p.add_argument(
        "--runs", type=int, default=5, help="timed runs per runner and workload (default 5)"
    )
    p.add_argument(
        "--warmup",
        type=int,
        default=0,
        help="extra hyperfine warm-up runs per command before the first round "
        "(default 0: the check run already warms caches)",
    )
    p.add_argument(
        "--budget",
        type=float,
        default=40,
        help="seconds per runner and workload: a runner slower than budget/runs "
        "gets fewer timed runs; slower than the budget, only its check run "
        "is timed (default 40; 0 = no limit)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=600,
        help="a check run taking longer fails as 'timeout' (default 600 s)",
    )
    p.add_argument(
        "--workloads", default="", help="comma-separated subset (default all; see --list)"
    )
    p.add_argument(
        "--runners",
        default=",".join(RUNNERS),
        help="comma-separated subset of %s" % ",".join(RUNNERS),
    )
    p.add_argument("--list", action="store_true", help="list the workloads and exit")
    p.add_argument("--morph", help="morph binary (default: build it in --build-dir)")
    p.add_argument(
        "--morph-arg",
        action="append",
        default=[],
        dest="morph_args",
        help="extra option for 'morph run' in the morph (JIT) column, repeatable",
    )
    p.add_argument(
        "--build-dir",
        default="/tmp/build-bench",
        help="where to build morph (default %(default)s)",
    )
    p.add_argument("--no-build", action="store_true", help="use the morph already in --build-dir")
    p.add_argument(
        "--rev",
        help="measure this commit: build a clean export of it (git archive) in "
        "BUILD_DIR-SHA instead of the working tree",
    )
    p.add_argument("--qemu", help="QEMU binary (default: %s on the PATH)" % qemu)
    p.add_argument(
        "--no-fetch",
        action="store_true",
        help="never call scripts/fetch-debian.sh for missing Debian programs",
    )
    p.add_argument(
        "--work",
        default="/tmp/morph-bench",
        help="scratch directory: built kernels, inputs, JSON (default %(default)s)",
    )
    p.add_argument(
        "--output",
        default=os.path.join(ROOT, "docs", "performance.md"),
        help="report file (default docs/performance.md)",
    )
    p.add_argument("--no-report", action="store_true", help="do not write the report")
    p.add_argument(
        "--no-time",
        action="store_true",
        help="only check outputs (and run.py's --callgrind); no hyperfine timing",
    )
    return p


def split_list(p, arg, have, what):
    """The comma-separated list ARG, every item one of HAVE."""
    xs = [x.strip() for x in arg.split(",") if x.strip()]
    for x in xs:
        if x not in have:
            p.error("unknown %s '%s' (have: %s)" % (what, x, ", ".join(have)))
    return xs


def finish_args(p, args, workloads):
    """Parsed ARGS with --quick applied and the lists split and checked against WORKLOADS."""
    if args.quick:
        args.runs = 1
        args.budget = 10
    args.runners = split_list(p, args.runners, RUNNERS, "runner")
    names = [w["name"] for w in workloads]
    args.workloads = split_list(p, args.workloads, names, "workload") or names
    return args


def parse_args():
    p = arg_parser(
        "Benchmark morph (JIT and --interp) against qemu-riscv64 and native x86-64; "
        "writes docs/performance.md.",
        "qemu-riscv64",
    )
    p.add_argument("--sysroot-riscv64", default=os.path.join(CACHE, "sysroot-riscv64"))
    p.add_argument("--sysroot-amd64", default=os.path.join(CACHE, "sysroot-amd64"))
    p.add_argument(
        "--callgrind",
        default="",
        help="comma-separated workloads to also count host instructions for "
        "with valgrind --tool=callgrind (slow: ~50x)",
    )
    args = finish_args(p, p.parse_args(), WORKLOADS)
    args.qemu = args.qemu or shutil.which("qemu-riscv64")
    args.callgrind = split_list(p, args.callgrind, [w["name"] for w in WORKLOADS], "workload")
    return args


def morph_description(exe):
    """What the morph column means: the default backend, from `morph run --help`."""
    if not exe:
        return "not available"
    h = run_text([exe, "run", "--help"])
    jit = re.search(r"--jit\b|\bJIT\b|x86-64", h, re.I)
    if "--interp" in h and jit:
        return "'morph run' (default backend) vs 'morph run --interp'"
    if "--interp" in h:
        return "'morph run --help' mentions no JIT: the morph column may be the interpreter"
    return "'morph run --help' mentions neither --interp nor a JIT"


def start(args, workloads):
    """The set-up every user-mode driver shares: the scratch directory, the environment and
    the morph binary. Returns (setup, env), or None after --list or without hyperfine."""
    if args.list:
        for w in workloads:
            print("%-8s %-7s %s" % (w["name"], w["kind"], w["desc"]))
        return None
    if not shutil.which("hyperfine") and not args.no_time:
        log("hyperfine not found (scripts/setup.sh installs it)")
        return None
    os.makedirs(args.work, exist_ok=True)
    env = bench_env(os.path.abspath(args.work))

    s = Setup()
    s.load0 = load()
    s.work = os.path.abspath(args.work)
    s.quick = args.quick
    s.qemu = args.qemu if "qemu" in args.runners else None
    s.morph_args = args.morph_args
    s.morph, s.morph_src = None, "not measured"
    if {"morph", "interp"} & set(args.runners):
        s.morph, s.morph_src = build_morph(args, s.work)
    s.morph_desc = morph_description(s.morph)
    log("morph: %s (%s)" % (s.morph or "not available", s.morph_desc))
    return s, env


def make_inputs(s, selected):
    """The generated text files the SELECTED workloads read."""
    for w in selected:
        for a in w["quick" if s.quick else "args"]:
            m = re.search(r"text-(\d+)k\.txt$", a)
            if m:
                gen_text(a.format(w=s.work), int(m.group(1)) << 10, int(m.group(1)))


def measure(s, w, args, env):
    """Check and time workload W under every runner of ARGS: the result dict of one
    workload (commands, status and detail per runner, samples, medians)."""
    cmds = {r: command(s, w, r) for r in args.runners}
    res = {
        "name": w["name"],
        "desc": w["desc"],
        "cmds": cmds,
        "status": {},
        "detail": {},
        "samples": {},
        "median": {"wall": {}, "cpu": {}},
        "check_only": {},
    }
    # Check runs: everyone's output must match the native one (or QEMU's if the
    # native one is unavailable).
    checks = {}
    for r in sorted(args.runners, key=("native", "qemu", "morph", "interp").index):
        if not cmds[r]:
            res["status"][r] = "n/a"
            res["detail"][r] = "not available (see the log)"
            continue
        c = checks[r] = check_run(cmds[r], s.work, args.timeout, env)
        log(
            "%-7s %-7s %-7s %s%s"
            % (
                w["name"],
                r,
                c["status"],
                fmt_s(c["sample"][0]) + " s, " if "sample" in c else "",
                c["detail"],
            )
        )
    ref = None
    for r in ("native", "qemu"):
        if r in checks and checks[r]["status"] == "ok":
            ref = (r, checks[r]["sha256"])
            break
    good = {}
    for r, c in checks.items():
        st, detail = c["status"], c["detail"]
        if st == "ok" and ref and c["sha256"] != ref[1]:
            st, detail = "wrong", "output differs from %s's (sha256 %s vs %s)" % (
                ref[0],
                c["sha256"][:12],
                ref[1][:12],
            )
            log("%s: %s gives a WRONG ANSWER: %s" % (w["name"], r, detail))
        elif st == "ok" and not ref:
            st, detail = "fail", "no reference output (native and qemu failed)"
        res["status"][r] = st
        res["detail"][r] = detail
        if st == "ok":
            good[r] = cmds[r]
    if good and not args.no_time:
        res["samples"], failed = time_workload(s, w, good, checks, args, env)
        for r, why in failed.items():
            res["status"][r], res["detail"][r] = "fail", why
            del good[r]
    for r in good:
        sm = res["samples"].get(r) or []
        if not sm:
            # Too slow for the budget (or timing disabled): the check run's time.
            sm = res["samples"][r] = [checks[r]["sample"]]
            res["check_only"][r] = True
        res["median"]["wall"][r] = statistics.median(x[0] for x in sm)
        res["median"]["cpu"][r] = statistics.median(x[1] + x[2] for x in sm)
    return res


def measure_all(s, selected, args, env):
    results = []
    t_start = time.time()
    for w in selected:
        results.append(measure(s, w, args, env))
    log("finished in %.0f s" % (time.time() - t_start))
    return results


def main():
    args = parse_args()
    started = start(args, WORKLOADS)
    if not started:
        return 0 if args.list else 1
    s, env = started
    s.kernels = build_kernels(s.work, args.workloads)

    selected = [w for w in WORKLOADS if w["name"] in args.workloads]
    pkgs = sorted({w["pkg"] for w in selected if w["kind"] == "debian"})
    s.sysroot_guest = s.sysroot_amd64 = None
    s.debian_versions = {}
    if pkgs:
        s.sysroot_guest = ensure_sysroot("riscv64", args.sysroot_riscv64, pkgs, not args.no_fetch)
        if "native" in args.runners:
            s.sysroot_amd64 = ensure_sysroot("amd64", args.sysroot_amd64, pkgs, not args.no_fetch)
        binpkgs = sorted({w["binpkg"] for w in selected if w["kind"] == "debian"})
        for pkg in binpkgs + ["libc6"]:
            s.debian_versions[pkg] = (deb_version("riscv64", pkg), deb_version("amd64", pkg))
    make_inputs(s, selected)

    results = measure_all(s, selected, args, env)
    cg = {}
    for res in results:
        if res["name"] in args.callgrind:
            cg[res["name"]] = {}
            for r in RUNNERS:
                if res["status"].get(r) == "ok":
                    log("callgrind %s %s ..." % (res["name"], r))
                    cg[res["name"]][r] = callgrind(s, res, res["cmds"][r], env)

    if not args.no_report:
        write_report(s, args, results, cg, args.output)
    print_summary(results, [r for r in RUNNERS if r in args.runners])
    return 0


if __name__ == "__main__":
    sys.exit(main())
