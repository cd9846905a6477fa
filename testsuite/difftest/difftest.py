#!/usr/bin/env python3
"""Random differential tester: morph (JIT), morph --interp and qemu-riscv64.

For each seed, rvgen.py writes a random RV64GC program (blocks of random
instructions, a state dump after every block), riscv64-linux-gnu-gcc
assembles it (-nostdlib -static), and every runner executes the same binary.
The dumps are compared block by block; on a mismatch the report names the
first differing block, the differing registers with each runner's value, the
state the block started from, and the block's instructions disassembled.
--minimize then shrinks the program to a small reproducer.

  difftest.py --morph build/morph                      # seed 1, 200 blocks
  difftest.py --morph build/morph --seeds 50 --size 2000    # soak
  difftest.py --morph build/morph --seed 17 --size 400 --minimize --keep /tmp/dt

Exit status: 0 all runners agree, 1 a mismatch (or a runner failed), 2 a
usage or toolchain error, 77 a required tool is missing (CTest: skipped).
Python 3, standard library only.
"""

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rvgen  # noqa: E402

FIELDS = rvgen.record_fields()
SKIP = 77


class Runner:
    def __init__(self, name, argv):
        self.name = name
        self.argv = argv


class Result:
    def __init__(self, runner, records, rc, stderr, partial):
        self.runner = runner
        self.records = records      # list of tuples of 64-bit words
        self.rc = rc
        self.stderr = stderr
        self.partial = partial      # trailing bytes that do not make a record


def log(msg=""):
    print(msg, flush=True)


def assemble(cc, src, out):
    p = subprocess.run([cc, "-nostdlib", "-static", "-march=rv64gc_zba_zbb_zbs",
                        "-mabi=lp64d", "-Wl,--section-start=.scratch=0x%x" % rvgen.SCRATCH_ADDR,
                        "-o", out, src],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise RuntimeError("assembling %s failed:\n%s" % (src, p.stdout))


def run(runner, binary, timeout, workdir):
    outpath = os.path.join(workdir, "dump-%s.bin" % runner.name)
    with open(outpath, "wb") as out:
        try:
            p = subprocess.run(runner.argv + [binary], stdout=out, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, timeout=timeout)
            rc, err = p.returncode, p.stderr.decode(errors="replace")
        except subprocess.TimeoutExpired as e:
            rc = "timeout"
            err = (e.stderr or b"").decode(errors="replace")
    with open(outpath, "rb") as f:
        data = f.read()
    n = len(data) // rvgen.RECORD_BYTES
    fmt = "<%dQ" % rvgen.RECORD_WORDS
    recs = [struct.unpack_from(fmt, data, i * rvgen.RECORD_BYTES) for i in range(n)]
    return Result(runner, recs, rc, err, len(data) % rvgen.RECORD_BYTES)


def first_difference(results):
    """(block index, kind) of the first disagreement, or None. kind is
    "fields" (records differ), "missing" (a runner has fewer records) or
    "exit" (same records, different exit status)."""
    most = max(len(r.records) for r in results)
    for k in range(most):
        recs = [r.records[k] if k < len(r.records) else None for r in results]
        if any(x is None for x in recs):
            return k, "missing"
        if any(x != recs[0] for x in recs[1:]):
            return k, "fields"
    if any(r.rc != results[0].rc for r in results[1:]) or any(r.partial for r in results):
        return most, "exit"
    return None


BINUTILS_PREFIX = ["riscv64-linux-gnu-"]


def binutil(name):
    """nm, objdump, ... of the cross toolchain --cc belongs to"""
    return BINUTILS_PREFIX[0] + name


def symbols(binary):
    p = subprocess.run([binutil("nm"), binary], stdout=subprocess.PIPE, text=True)
    syms = {}
    for line in p.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = int(parts[0], 16)
    return syms


def disassemble(binary, syms, block):
    lo, hi = syms.get("blk%d" % block), syms.get("blk%d_end" % block)
    if lo is None or hi is None:
        return ["  (block %d not found in the binary)" % block]
    if hi == lo:
        return ["  (empty block)"]
    p = subprocess.run([binutil("objdump"), "-d", "--no-show-raw-insn",
                        "--start-address=0x%x" % lo, "--stop-address=0x%x" % hi, binary],
                       stdout=subprocess.PIPE, text=True)
    lines = []
    started = False
    for line in p.stdout.splitlines():
        if re.match(r"^[0-9a-f]+ <", line):
            started = True
            lines.append("  " + line)
            continue
        if started and line.strip():
            lines.append("  " + line.rstrip())
    return lines


def regs_in(lines):
    """x and f register names the block's text mentions"""
    names = set()
    for line in lines:
        for tok in re.findall(r"[a-z][a-z0-9]*", line.split("#")[0]):
            if tok in rvgen.XNAMES or tok in rvgen.FNAMES:
                names.add(tok)
    return names


def field_index(name):
    if name in rvgen.XNAMES:
        return rvgen.XNAMES.index(name) if name != "zero" else None
    if name in rvgen.FNAMES:
        return 32 + rvgen.FNAMES.index(name)
    return None


def entry_state(prog, results, block):
    """The state block @block starts from: the previous record (all runners agree on it) or
    the program's initial values."""
    if block > 0:
        return list(results[0].records[block - 1])
    rec = [0] * rvgen.RECORD_WORDS
    for i, v in prog.init_x.items():
        rec[i] = v
    for i, v in enumerate(prog.init_f):
        rec[32 + i] = v
    rec[65] = rvgen.scratch_checksum(prog.scratch)
    return rec


def report(prog, binary, results, block, kind, nblocks, out=log):
    names = [r.runner.name for r in results]
    syms = symbols(binary)
    if kind == "exit":
        out("  all %d records agree, but the runs ended differently:" % block)
        for r in results:
            out("    %-7s exit %s, %d trailing bytes; stderr: %s" %
                (r.runner.name, r.rc, r.partial, r.stderr.strip()[-300:] or "-"))
        return
    out("  first difference in block %d (of %d)" % (block, nblocks))
    if kind == "missing":
        for r in results:
            if len(r.records) <= block:
                out("    %s stopped before the end of block %d: exit %s; stderr: %s" %
                    (r.runner.name, block, r.rc, r.stderr.strip()[-400:] or "-"))
    else:
        out("    %-22s" % "field" + "".join("%-20s" % n for n in names))
        recs = [r.records[block] for r in results]
        for i, f in enumerate(FIELDS):
            vals = [rec[i] for rec in recs]
            if any(v != vals[0] for v in vals[1:]):
                out("    %-22s" % f + "".join("0x%016x  " % v for v in vals))
        by = dict(zip(names, recs))
        if "jit" in by and "interp" in by:
            if by["jit"] != by["interp"]:
                out("  morph's JIT and interpreter disagree: a backend (or optimizer) bug")
            elif "qemu" in by:
                out("  morph's JIT and interpreter agree, QEMU differs: a frontend bug, or a "
                    "QEMU bug (check the spec)")
    entry = entry_state(prog, results, block)
    text = prog.block_text(block) if block < len(prog.blocks) else []
    used = sorted(regs_in(text), key=lambda n: (n in rvgen.FNAMES,
                                                 (rvgen.XNAMES + rvgen.FNAMES).index(n)))
    out("  state at block entry (registers the block names):")
    line = []
    for n in used:
        idx = field_index(n)
        if idx is None or n == "sp":
            continue
        line.append("%s=0x%x" % (n, entry[idx]))
        if len(line) == 4:
            out("    " + "  ".join(line))
            line = []
    if line:
        out("    " + "  ".join(line))
    out("    fcsr=0x%x  scratch-checksum=0x%x  (sp = scratch + 1024 = 0x%x)" %
        (entry[64], entry[65], rvgen.SCRATCH_ADDR + 1024))
    out("  block %d disassembled:" % block)
    for l in disassemble(binary, syms, block):
        out(l)


class Case:
    """One generated program, assembled and run."""

    def __init__(self, args, runners, seed, workdir):
        self.args = args
        self.runners = runners
        self.seed = seed
        self.workdir = workdir
        self.prog = rvgen.Gen(seed, args.block_len, args.qemu_bugs).program(args.size)

    def build_and_run(self, keep_blocks=None, keep_units=None, tag="prog", runners=None):
        src = os.path.join(self.workdir, tag + ".S")
        binary = os.path.join(self.workdir, tag)
        with open(src, "w") as f:
            f.write(self.prog.render(keep_blocks, keep_units))
        assemble(self.args.cc, src, binary)
        results = [run(r, binary, self.args.timeout, self.workdir)
                   for r in (runners or self.runners)]
        return binary, results


def minimize(case, block, results):
    """Shrink to a program whose last block still shows a difference between the runners that
    disagreed. Returns (keep_blocks, keep_units) or None."""
    rec = [r.records[block] if block < len(r.records) else None for r in results]
    # the runners taking part: the first disagreeing pair
    pair = None
    for i in range(len(results)):
        for j in range(i + 1, len(results)):
            if rec[i] != rec[j]:
                pair = [results[i].runner, results[j].runner]
                break
        if pair:
            break
    if not pair:
        return None
    trials = [0]

    def bad(keep_blocks, keep_units):
        trials[0] += 1
        try:
            _, res = case.build_and_run(keep_blocks, keep_units, tag="min", runners=pair)
        except RuntimeError:
            return False
        d = first_difference(res)
        return d is not None and d[0] == len(keep_blocks) - 1 and d[1] != "exit"

    blocks = list(range(block + 1))
    units = {b: set(range(len(case.prog.blocks[b]))) for b in blocks}
    if not bad(blocks, units):
        log("  minimize: the difference does not reproduce with the later blocks removed")
        return None

    def shrink(items, test):
        """ddmin-style: drop chunks of @items while test(remaining) holds"""
        items = list(items)
        n = 2
        while len(items) >= 1:
            chunk = max(1, len(items) // n)
            removed = False
            for s in range(0, len(items), chunk):
                cand = items[:s] + items[s + chunk:]
                if test(cand):
                    items = cand
                    n = max(n - 1, 2)
                    removed = True
                    break
            if not removed:
                if chunk == 1:
                    break
                n = min(len(items), n * 2)
        return items

    # the failing block's units, then the earlier blocks, then their units
    last = blocks[-1]
    units[last] = set(shrink(sorted(units[last]),
                             lambda c: bad(blocks, {**units, last: set(c)})))
    earlier = shrink(blocks[:-1], lambda c: bad(c + [last], units))
    blocks = earlier + [last]
    for b in earlier:
        units[b] = set(shrink(sorted(units[b]), lambda c: bad(blocks, {**units, b: set(c)})))
    log("  minimize: %d trials; %d block(s), %d unit(s) in the failing block" %
        (trials[0], len(blocks), len(units[last])))
    return blocks, units


def check_seed(args, runners, seed):
    workdir = os.path.join(args.keep, "seed-%d" % seed) if args.keep else \
        tempfile.mkdtemp(prefix="difftest-%d-" % seed)
    os.makedirs(workdir, exist_ok=True)
    ok = False
    try:
        case = Case(args, runners, seed, workdir)
        binary, results = case.build_and_run()
        d = first_difference(results)
        nrec = len(results[0].records)
        if d is None:
            if nrec != args.size:
                log("seed %d: all runners stopped early (after %d of %d blocks, exit %s): %s"
                    % (seed, nrec, args.size, results[0].rc, results[0].stderr.strip()[-300:]))
                return False
            log("seed %d: ok (%d blocks, %s agree)" %
                (seed, args.size, ", ".join(r.name for r in runners)))
            ok = True
            return True
        block, kind = d
        log("seed %d: MISMATCH" % seed)
        report(case.prog, binary, results, block, kind, args.size)
        if args.minimize and kind != "exit":
            m = minimize(case, block, results)
            if m:
                minimized_report(case, m, workdir, args)
        log("  reproduce: %s --morph %s --seed %d --size %d --block-len %d%s" %
            (sys.argv[0], args.morph, seed, args.size, args.block_len,
             " --qemu-bugs" if args.qemu_bugs else ""))
        log("  kept in %s: prog.S, prog, dump-<runner>.bin%s" %
            (workdir, ", min.S, min" if args.minimize else ""))
        return False
    finally:
        # a failing seed's files stay; dumps are large: a passing seed's only with --keep-all
        if ok and not (args.keep and args.keep_all):
            shutil.rmtree(workdir, ignore_errors=True)


def minimized_report(case, m, workdir, args):
    """Write the reduced program, renumbered, as min.S; run it and report its difference."""
    blocks, units = m
    new_blocks = []
    for b in blocks:
        kept = sorted(units[b])
        nb = []
        for i in kept:
            u = case.prog.blocks[b][i]
            t = u.target
            if t is not None:
                # a branch to a dropped unit goes to the next kept one
                t = sum(1 for k in kept if k < t)
            nb.append(rvgen.Unit(u.lines, t, u.kind))
        new_blocks.append(nb)
    sub = rvgen.Program(case.prog.seed, case.prog.init_x, case.prog.init_f, case.prog.scratch,
                        new_blocks)
    src = os.path.join(workdir, "min.S")
    binary = os.path.join(workdir, "min")
    with open(src, "w") as f:
        f.write(sub.render())
    assemble(args.cc, src, binary)
    results = [run(r, binary, args.timeout, workdir) for r in case.runners]
    d = first_difference(results)
    log("  minimized reproducer: %s (binary %s)" % (src, binary))
    if d is None:
        log("  (the renumbered reproducer no longer differs)")
        return
    report(sub, binary, results, d[0], d[1], len(sub.blocks))


RUNNERS = []


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--morph", help="the morph binary")
    ap.add_argument("--qemu", default=shutil.which("qemu-riscv64"),
                    help="qemu-riscv64 (default: from PATH)")
    ap.add_argument("--cc", default="riscv64-linux-gnu-gcc")
    ap.add_argument("--morph-args", default="",
                    help="extra options for both morph runs, e.g. "
                    "--morph-args=\"--max-tb-insns 1\" or --morph-args=--no-opt")
    ap.add_argument("--runners", default="jit,interp,qemu",
                    help="comma-separated subset of jit,interp,qemu (default: all)")
    ap.add_argument("--seed", type=int, default=1, help="first seed (default 1)")
    ap.add_argument("--seeds", type=int, default=1, help="number of seeds (default 1)")
    ap.add_argument("--size", type=int, default=200, help="blocks per program (default 200)")
    ap.add_argument("--block-len", type=int, default=24,
                    help="at most this many units per block (default 24)")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--keep", help="put each seed's program and dumps in DIR/seed-N/ (default: "
                    "a temporary directory, removed unless the seed fails)")
    ap.add_argument("--keep-all", action="store_true",
                    help="with --keep, keep the passing seeds' files too")
    ap.add_argument("--minimize", action="store_true",
                    help="on a mismatch, shrink the program to a small reproducer")
    ap.add_argument("--stop", action="store_true", help="stop at the first failing seed")
    ap.add_argument("--qemu-bugs", action="store_true",
                    help="also generate what QEMU 7.2 gets wrong (ctzw of values with a zero "
                    "low word): a self-test of the tester, expect mismatches")
    args = ap.parse_args()

    if args.cc.endswith("gcc"):
        BINUTILS_PREFIX[0] = args.cc[:-3]
    if not shutil.which(args.cc) or not shutil.which(binutil("objdump")):
        log("difftest: %s or %s not found: skipped" % (args.cc, binutil("objdump")))
        return SKIP
    wanted = [w for w in args.runners.split(",") if w]
    for w in wanted:
        if w not in ("jit", "interp", "qemu"):
            ap.error("unknown runner %s" % w)
        if w in ("jit", "interp") and not (args.morph and os.access(args.morph, os.X_OK)):
            log("difftest: no morph binary (--morph): skipped")
            return SKIP
    if "qemu" in wanted and not args.qemu:
        log("difftest: qemu-riscv64 not found; comparing morph's JIT and interpreter only")
        wanted.remove("qemu")
    if len(wanted) < 2:
        ap.error("need at least two runners")
    extra = args.morph_args.split()
    for w in wanted:
        if w == "jit":
            RUNNERS.append(Runner("jit", [args.morph, "run"] + extra))
        elif w == "interp":
            RUNNERS.append(Runner("interp", [args.morph, "run", "--interp"] + extra))
        else:
            RUNNERS.append(Runner("qemu", [args.qemu]))

    t0 = time.time()
    bad = []
    for seed in range(args.seed, args.seed + args.seeds):
        try:
            ok = check_seed(args, RUNNERS, seed)
        except (RuntimeError, OSError) as e:
            log("seed %d: %s" % (seed, e))
            return 2
        if not ok:
            bad.append(seed)
            if args.stop:
                break
    if args.seeds > 1:
        log("difftest: %d seed(s) x %d blocks in %.0f s: %s" %
            (args.seeds, args.size, time.time() - t0,
             "all agree" if not bad else "mismatches in seeds " + " ".join(map(str, bad))))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
