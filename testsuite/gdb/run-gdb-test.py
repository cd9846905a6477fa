#!/usr/bin/env python3
"""GDB stub tests (docs/gdb.md).

  run-gdb-test.py user MORPH PROG [morph options]    gdb-multiarch session, `morph run`
  run-gdb-test.py system MORPH ELF [morph options]   gdb-multiarch session, spike, bare metal
  run-gdb-test.py rsp MORPH PROG [morph options]     the protocol by hand: bad input,
                                                     Ctrl-C, stepping, threads, detach
  run-gdb-test.py malta MORPH GUEST.ENV [options]    gdb-multiarch session, `morph system
                                                     -M malta` (scripts/fetch-guest-malta.sh)

morph listens on a free port (--gdb 0) and prints it. Exit status 0 on
success, 1 on failure, 77 when gdb-multiarch is not installed.
"""
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time

TIMEOUT = 60


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def start_morph(argv):
    """Start morph (which prints its port on stderr); returns (process, port)."""
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    deadline = time.time() + 30
    line = b""
    while time.time() < deadline:
        r, _, _ = select.select([p.stderr], [], [], 1)
        if not r:
            continue
        c = os.read(p.stderr.fileno(), 1)
        if not c:
            break
        line += c
        if c == b"\n":
            m = re.search(rb"listening on 127\.0\.0\.1:(\d+)", line)
            if m:
                return p, int(m.group(1))
            sys.stderr.write(line.decode(errors="replace"))
            line = b""
    p.kill()
    raise Failure("morph did not announce its gdb port")


def finish(p, timeout=TIMEOUT):
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        raise Failure("morph did not exit")
    return p.returncode, out.decode(errors="replace"), err.decode(errors="replace")


EM_MIPS = 8


def elf_header(path):
    """(e_machine, entry point, big-endian?) of an ELF32 or ELF64 file."""
    with open(path, "rb") as f:
        hdr = f.read(64)
    be = hdr[5] == 2
    o = ">" if be else "<"
    machine = struct.unpack_from(o + "H", hdr, 18)[0]
    entry = struct.unpack_from(o + ("Q" if hdr[4] == 2 else "I"), hdr, 24)[0]
    return machine, entry, be


def elf_entry(path):
    return elf_header(path)[1]


def is_mips(path):
    return elf_header(path)[0] == EM_MIPS


def elf_symbol(path, name):
    """The value of symbol @name in the ELF32 file's .symtab (the MIPS programs)."""
    with open(path, "rb") as f:
        data = f.read()
    o = ">" if data[5] == 2 else "<"
    shoff, = struct.unpack_from(o + "I", data, 32)
    shentsize, shnum = struct.unpack_from(o + "HH", data, 46)
    sections = [struct.unpack_from(o + "IIIIIIIIII", data, shoff + i * shentsize)
                for i in range(shnum)]
    for sh in sections:
        if sh[1] != 2:  # SHT_SYMTAB
            continue
        strtab = sections[sh[6]]
        for k in range(sh[5] // 16):
            st_name, st_value = struct.unpack_from(o + "II", data, sh[4] + 16 * k)
            end = data.index(b"\0", strtab[4] + st_name)
            if data[strtab[4] + st_name:end] == name.encode():
                return st_value
    raise Failure("no symbol %s in %s" % (name, path))


# ---------------------------------------------------------------- gdb sessions

def run_gdb(port, elf, commands, setup=()):
    """gdb-multiarch -batch: @setup, then `file @elf` (unless None), `target remote`."""
    argv = ["gdb-multiarch", "-nx", "-batch", "-ex", "set pagination off",
            "-ex", "set confirm off"]
    for c in list(setup) + (["file " + elf] if elf else []) + ["target remote :%d" % port]:
        argv += ["-ex", c]
    for c in commands:
        argv += ["-ex", c]
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=TIMEOUT)
    return r.stdout.decode(errors="replace")


def expect_in_order(out, patterns):
    """Each regex must match after the previous one's match."""
    pos = 0
    for pat in patterns:
        m = re.compile(pat, re.M).search(out, pos)
        check(m, "expected /%s/ after offset %d of the gdb output" % (pat, pos))
        pos = m.end()


def session(kind, morph, elf, extra):
    if is_mips(elf):
        return mips_session(kind, morph, elf, extra)
    if kind == "user":
        argv = [morph, "run", "--gdb", "0"] + extra + [elf]
        exit_line = r"exited with code 044"  # 36, octal
    else:
        argv = [morph, "system", "-M", "spike", "--bios", "none", "--kernel", elf,
                "--gdb", "0", "--gdb-wait"] + extra
        exit_line = r"exited normally"
    p, port = start_morph(argv)
    commands = [
        "print/x $pc",
        "break add",
        "continue",
        "print a", "print b", "print total", "info registers a1",
        "watch counter",
        "continue",                     # counter: 0 -> 10, stops after the store
        "print/x $pc",
        "continue",                     # the breakpoint again, a = 1
        "print a",
        "delete 1",
        "continue",                     # the watchpoint again: 10 -> 21
        "delete",
        "break *steps",
        "continue",
        "print/x $pc",
        "stepi",                        # c.addi: 2 bytes
        "print (long)$pc - (long)steps",
        "print $a0",
        "stepi",                        # addi: 4 bytes
        "print (long)$pc - (long)steps",
        "print $a0",
        "x/x 0",                        # nothing there
        "info threads",
    ]
    if kind == "system":
        commands += ["print $priv", "print $mtvec == (long)m_trap_entry", "print/x $misa"]
    commands += ["delete", "continue"]
    out = run_gdb(port, elf, commands)
    code, mout, merr = finish(p)
    sys.stdout.write(out)
    entry = elf_entry(elf) if kind == "user" else 0x1000
    patterns = [
        r"^\$1 = 0x%x$" % entry,                    # stopped before the first instruction
        r"Breakpoint 1, add \(a=",
        r"^\$2 = 0$", r"^\$3 = 10$", r"^\$4 = 5$", r"^a1\s+0xa\s+10$",
        r"Hardware watchpoint 2: counter",
        r"Old value = 0\s+New value = 10",
        r"^\$5 = 0x[0-9a-f]+$",
        r"Breakpoint 1, add \(a=",
        r"^\$6 = 1$",
        r"Old value = 10\s+New value = 21",
        r"Breakpoint 3, .*steps",
        r"^\$7 = 0x[0-9a-f]+$",
        r"^\$8 = 2$", r"^\$9 = 34$",
        r"^\$10 = 6$", r"^\$11 = 36$",
        r"Cannot access memory at address 0x0",
        r"^\* 1\s+Thread 1",
    ]
    if kind == "system":
        patterns += [r"^\$12 = 3$", r"^\$13 = 1$", r"^\$14 = 0x80000000[0-9a-f]{8}$"]
    patterns.append(exit_line)
    expect_in_order(out, patterns)
    # the watchpoint stop is at the store's instruction: GDB steps over it itself
    pcs = re.findall(r"^\$5 = (0x[0-9a-f]+)$", out, re.M)
    check(pcs, "no pc after the watchpoint")
    want = 36 if kind == "user" else 0
    check(code == want, "morph exit status %d, expected %d\n%s" % (code, want, merr))
    if kind == "user":
        check("s=36" in mout, "the guest's output is missing")


# ---------------------------------------------------------------- MIPS sessions

def mips_session(kind, morph, elf, extra):
    """`morph run` of the MIPS build of prog (steps-mips.S), mipsel or mips."""
    check(kind == "user", "MIPS: user sessions only (see malta)")
    p, port = start_morph([morph, "run", "--gdb", "0"] + extra + [elf])
    commands = [
        "print/x $pc",
        "break add",
        "continue",
        "print a", "print b", "print total", "info registers a1",
        "watch counter",
        "continue",                     # counter: 0 -> 10, stops after the store
        "continue",                     # the breakpoint again, a = 1
        "print a",
        "delete 1",
        "continue",                     # the watchpoint again: 10 -> 21
        "delete",
        "break *steps",
        "continue",
        "stepi",                        # addiu
        "print (long)$pc - (long)steps",
        "print $a0",
        "stepi",                        # b 1f: GDB stops at the target, the delay slot done
        "print (long)$pc - (long)steps",
        "print $a0",
        "set var $v1 = 0x12345678",     # a register write, read back
        "print/x $v1",
        "print/x $status", "print/x $cause", "print/x $fir",
        "print $f0 == $f0",
        "x/x 0",                        # nothing there
        "info threads",
        "watch counter",
        "continue",                     # the store in the delay slot of steps' jr: 33 -> 36
        "print/x $pc",
        "delete",
        "continue",
    ]
    out = run_gdb(port, elf, commands)
    code, mout, merr = finish(p)
    sys.stdout.write(out)
    patterns = [
        r"^\$1 = 0x%x$" % elf_entry(elf),          # stopped before the first instruction
        r"Breakpoint 1, add \(a=",
        r"^\$2 = 0$", r"^\$3 = 10$", r"^\$4 = 5$", r"^a1: 0xa$",
        r"Hardware watchpoint 2: counter",
        r"Old value = 0\s+New value = 10",
        r"Breakpoint 1, add \(a=",
        r"^\$5 = 1$",
        r"Old value = 10\s+New value = 21",
        r"Breakpoint 3, .*steps",
        r"^\$6 = 4$", r"^\$7 = 34$",
        r"^\$8 = 16$", r"^\$9 = 36$",
        r"^\$10 = 0x12345678$",
        # user mode: CU1, KSU = user, IE; FR: an FPXX program on the 24Kf (F64), as Linux
        r"^\$11 = 0x24000011$",
        r"^\$12 = 0x0$", r"^\$13 = 0x739300$", r"^\$14 = 1$",
        r"Cannot access memory at address 0x0",
        r"^\* 1\s+Thread 1",
        r"Hardware watchpoint 4: counter",
        r"Old value = 33\s+New value = 36",
        r"^\$15 = 0x[0-9a-f]+$",
        r"exited with code 044",
    ]
    expect_in_order(out, patterns)
    # GDB stepped over the jr and its delay slot: the stop is back in main
    m = re.search(r"^\$15 = (0x[0-9a-f]+)$", out, re.M)
    check(m and "in main" in out[out.rfind("Old value = 33"):m.start()],
          "the watchpoint in the delay slot did not stop in main")
    check(code == 36, "morph exit status %d, expected 36\n%s" % (code, merr))
    check("s=36" in mout, "the guest's output is missing")


def malta_session(morph, env_file, extra):
    """`morph system -M malta` stopped at the kernel's ELF entry (Debian's vmlinuz has no
    symbols): CP0, kseg0/kseg1/kuseg memory, a CP0 write, a watchpoint in a delay slot."""
    env = {}
    with open(env_file) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            env[k] = v
    kernel, initrd = env["KERNEL"], env["INITRD"]
    entry = elf_entry(kernel)
    p, port = start_morph([morph, "system", "-M", "malta", "--kernel", kernel, "--initrd", initrd,
                           "--append", "console=ttyS0", "--gdb", "0", "--gdb-wait"] + extra)
    # a branch whose delay slot stores t0 = 0x80800000 to 0x80800100, then a loop
    code = [0x3c088080, 0x10000002, 0xad080100, 0, 0x1000ffff, 0]
    commands = ["print/x $pc",
                "break *0x%x" % entry,
                "continue",
                "print/x $pc", "print $a0", "print/x $prid", "print/x $status",
                "x/s *(char **)($a1 + 4)",      # YAMON's argv[1]: the command line (kseg0)
                "x/wx 0xbfc00010",              # the board ID in the boot ROM (kseg1)
                "x/wx 0x1000",                  # kuseg: the TLB is empty
                "set var $entryhi = 0x2005", "print/x $entryhi", "set var $entryhi = 0",
                "delete"]
    commands += ["set var *(unsigned int *)0x%x = 0x%x" % (0x80800000 + 4 * i, w)
                 for i, w in enumerate(code)]
    commands += ["set var *(int *)0x80800100 = 7",
                 "set var $pc = 0x80800000",
                 "watch *(int *)0x80800100",
                 "continue",                    # the store in the delay slot
                 "print/x $pc",
                 "kill"]
    out = run_gdb(port, None, commands, ["set architecture mips:isa32r2", "set endian little"])
    finish(p)
    sys.stdout.write(out)
    expect_in_order(out, [
        r"^\$1 = 0xbfc00000$",                       # the reset vector, --gdb-wait
        r"Breakpoint 1, 0x%08x in" % entry,            # a kseg0 breakpoint
        r"^\$2 = 0x%x$" % entry, r"^\$3 = 2$",          # a0 = argc
        r"^\$4 = 0x19300$",                           # PRId: 24K
        r"^\$5 = 0x400000$",                          # Status: BEV, ERL cleared by the stub
        r'console=ttyS0"$',
        r"^0xbfc00010:\s+0x00000420$",
        r"Cannot access memory at address 0x1000",
        r"^\$6 = 0x2005$",
        r"Hardware watchpoint 2: \*\(int \*\)0x80800100",
        r"Old value = 7\s+New value = -2139095040",
        r"^\$7 = 0x80800010$",                        # past the branch and its slot
    ])


# ---------------------------------------------------------------- raw protocol

class Rsp:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.buf = b""
        self.ack = True

    def close(self):
        self.s.close()

    def raw(self, data):
        self.s.sendall(data)

    def byte(self):
        while not self.buf:
            d = self.s.recv(65536)
            if not d:
                raise Failure("connection closed by morph")
            self.buf += d
        c, self.buf = self.buf[:1], self.buf[1:]
        return c

    @staticmethod
    def frame(payload):
        if isinstance(payload, str):
            payload = payload.encode()
        return b"$" + payload + b"#%02x" % (sum(payload) & 0xff)

    def read_packet(self):
        while self.byte() != b"$":
            pass
        body = b""
        while True:
            c = self.byte()
            if c == b"#":
                break
            body += c
        cs = self.byte() + self.byte()
        check(int(cs, 16) == sum(body) & 0xff, "bad checksum from morph")
        if self.ack:
            self.raw(b"+")
        # undo run-length encoding
        out = bytearray()
        i = 0
        while i < len(body):
            if body[i:i + 1] == b"*":
                out += out[-1:] * (body[i + 1] - 29)
                i += 2
            else:
                out.append(body[i])
                i += 1
        return out.decode("latin-1")

    def expect_ack(self):
        if self.ack:
            c = self.byte()
            check(c == b"+", "expected '+', got %r" % c)

    def cmd(self, payload):
        self.raw(self.frame(payload))
        self.expect_ack()
        return self.read_packet()

    def pc(self):
        v = self.cmd("p20")
        check(re.fullmatch(r"[0-9a-f]{16}", v), "bad pc reply %r" % v)
        return struct.unpack("<Q", bytes.fromhex(v))[0]


def mips_rsp_tests(morph, prog, extra):
    """MIPS: GDB's register numbering and the guest's byte order, by hand."""
    _, entry, be = elf_header(prog)
    steps = elf_symbol(prog, "steps")
    o = ">I" if be else "<I"

    def word(v):
        return struct.pack(o, v).hex()

    p, port = start_morph([morph, "run", "--gdb", "0"] + extra + [prog])
    g = Rsp(port)
    g.cmd("qSupported:swbreak+;hwbreak+")
    check(g.cmd("?").startswith("T05thread:"), "initial stop reply")
    xml = g.cmd("qXfer:features:read:target.xml:0,3fff")
    for want in ("mips:isa32r2", "org.gnu.gdb.mips.cpu", "org.gnu.gdb.mips.cp0",
                 "org.gnu.gdb.mips.fpu", 'name="pc" bitsize="32" regnum="37"',
                 'name="status" bitsize="32" regnum="32"', 'name="f0" bitsize="32"',
                 'name="fir" bitsize="32" group="float" regnum="71"'):
        check(want in xml, "target.xml lacks %r" % want)
    check('name="epc"' not in xml, "user mode shows system CP0 registers")
    # 'g': r0-r31, status, lo, hi, badvaddr, cause, pc, f0-f31, fcsr, fir; 4 bytes each
    regs = g.cmd("g")
    check(re.fullmatch(r"[0-9a-f]{%d}" % (72 * 8), regs), "g reply %r" % regs[:80])
    check(regs[37 * 8:38 * 8] == word(entry), "pc in g %r, entry 0x%x" % (regs[296:304], entry))
    check(g.cmd("p25") == word(entry), "p25 (pc) is not the entry 0x%x" % entry)
    check(g.cmd("p47") == word(0x739300), "fir")
    check(g.cmd("p48") == "E01", "a register beyond fir")
    # P: a GPR and an FP register in the guest's byte order (v0 goes back: it is
    # the rtld_fini that __start passes on)
    v0 = g.cmd("p2")
    check(g.cmd("P2=" + word(0x11223344)) == "OK", "P2")
    check(g.cmd("p2") == word(0x11223344), "v0 written")
    check(g.cmd("g")[16:24] == word(0x11223344), "v0 in g")
    check(g.cmd("P2=" + v0) == "OK", "P2 back")
    check(g.cmd("P27=" + word(0x3fc00000)) == "OK", "P27 (f1)")
    check(g.cmd("p27") == word(0x3fc00000), "f1 written")
    check(g.cmd("P0=" + word(5)) == "OK" and g.cmd("p0") == word(0), "r0 stays 0")
    # to steps(); single steps: one instruction, then a branch with its delay slot
    check(g.cmd("Z0,%x,4" % steps) == "OK", "Z0 at steps")
    r = g.cmd("vCont;c")
    check(r.startswith("T05") and "swbreak" in r, "breakpoint stop %r" % r)
    check(g.cmd("p25") == word(steps), "not stopped at steps")
    check(g.cmd("z0,%x,4" % steps) == "OK", "z0")
    check(g.cmd("p4") == word(33), "a0 at steps: %r" % g.cmd("p4"))
    check(g.cmd("vCont;s:1").startswith("T05"), "step")
    check(g.cmd("p25") == word(steps + 4) and g.cmd("p4") == word(34), "step over addiu")
    check(g.cmd("vCont;s:1").startswith("T05"), "step")
    check(g.cmd("p25") == word(steps + 16) and g.cmd("p4") == word(36),
          "a step over a branch runs its delay slot and stops at the target")
    # writing pc: back to steps (a pc with bit 0 set loses it), run steps() again
    check(g.cmd("P25=" + word(steps | 1)) == "OK", "P25")
    check(g.cmd("p25") == word(steps), "pc written")
    check(g.cmd("vCont;s:1").startswith("T05"), "step")
    check(g.cmd("p25") == word(steps + 4) and g.cmd("p4") == word(37), "step after a pc write")
    # steps() now returns 39: the exit status shows the state GDB changed
    g.raw(g.frame("vCont;c"))
    g.expect_ack()
    r = g.read_packet()
    check(r == "W27", "exit reply %r, expected W27" % r)
    code, out, _ = finish(p, 30)
    check(code == 39 and "s=39" in out, "exit status %d, output %r" % (code, out))
    print("MIPS rsp tests passed")


def rsp_tests(morph, prog, extra):
    if is_mips(prog):
        return mips_rsp_tests(morph, prog, extra)
    entry = elf_entry(prog)

    # --gdb-wait (implied by `morph run --gdb`): stopped before the first instruction
    p, port = start_morph([morph, "run", "--gdb", "0"] + extra + [prog, "spin"])
    g = Rsp(port)
    r = g.cmd("qSupported:swbreak+;hwbreak+")
    check("PacketSize=" in r and "qXfer:features:read+" in r, "qSupported: %r" % r)
    check(g.cmd("?").startswith("T05thread:"), "initial stop reply")
    check(g.pc() == entry, "not stopped at the entry point 0x%x" % entry)

    # a bad checksum: '-', then the retransmission is answered
    g.raw(b"$g#00")
    check(g.byte() == b"-", "no '-' for a bad checksum")
    r = g.cmd("g")
    check(re.fullmatch(r"[0-9a-f]{%d}" % (33 * 16), r), "g after a retransmission: %r" % r)
    # our reply lost: '-' makes morph send it again
    g.raw(g.frame("qC"))
    g.expect_ack()
    first = g.read_packet()
    g.raw(b"-")
    check(g.read_packet() == first, "no retransmission after '-'")

    # malformed and unknown packets
    for bad, want in (("mzz", "E01"), ("m10", "E01"), ("Z9,0,1", "E01"), ("M0,1:zz", "E01"),
                      ("Hgzz", "E01"), ("T7777", "E01"), ("pzz", "E01"), ("P1=", "E01"),
                      ("vCont;q", "E01"), ("vFooBar", ""), ("qFooBar", ""), ("!", ""),
                      ("qXfer:features:read:nosuch.xml:0,100", "E00")):
        r = g.cmd(bad)
        check(r == want, "%r -> %r, expected %r" % (bad, r, want))
    # an overlong packet is refused ('-') and the stub goes on
    g.raw(b"$" + b"a" * 20000 + b"#00")
    check(g.byte() == b"-", "no '-' for an overlong packet")
    check(g.cmd("?").startswith("T05"), "no answer after an overlong packet")

    # memory: unmapped -> E14, mapped -> bytes, a binary write and read back
    check(g.cmd("m0,4") == "E14", "read of unmapped memory")
    check(g.cmd("M0,1:00") == "E14", "write to unmapped memory")
    code = g.cmd("m%x,4" % entry)
    check(re.fullmatch(r"[0-9a-f]{8}", code), "read at the entry: %r" % code)
    sp = struct.unpack("<Q", bytes.fromhex(g.cmd("p2")))[0]
    addr = sp - 64
    payload = bytes([0x23, 0x24, 0x7d, 0x2a, 0x00, 0xff])  # # $ } * need escapes
    esc = b"".join(b"}" + bytes([b ^ 0x20]) if b in b"#$}*" else bytes([b]) for b in payload)
    g.raw(b"$" + b"X%x,%x:" % (addr, len(payload)) + esc + b"#%02x" % (
        sum(b"X%x,%x:" % (addr, len(payload)) + esc) & 0xff))
    g.expect_ack()
    check(g.read_packet() == "OK", "X write")
    check(g.cmd("m%x,%x" % (addr, len(payload))) == payload.hex(), "X then m")
    # the target description
    xml = g.cmd("qXfer:features:read:target.xml:0,3fff")
    check(xml[0] in "ml" and "org.gnu.gdb.riscv.cpu" in xml and "riscv:rv64" in xml,
          "target.xml: %r" % xml[:80])

    # single steps, one instruction each (vCont;s)
    pcs = [g.pc()]
    for _ in range(3):
        r = g.cmd("vCont;s:1")
        check(r.startswith("T05thread:1;"), "step stop reply %r" % r)
        pcs.append(g.pc())
    for a, b in zip(pcs, pcs[1:]):
        check(b - a in (2, 4) or abs(b - a) > 4, "a step moved the pc by %d" % (b - a))
    check(len(set(pcs)) == 4, "steps did not move the pc: %s" % pcs)

    # no-ack mode from here on
    check(g.cmd("QStartNoAckMode") == "OK", "QStartNoAckMode")
    g.ack = False

    # Ctrl-C interrupts the busy loop
    g.raw(g.frame("vCont;c"))
    time.sleep(0.5)
    check(p.poll() is None, "morph exited while running")
    g.raw(b"\x03")
    r = g.read_packet()
    check(r.startswith("T02thread:"), "Ctrl-C stop reply %r" % r)
    spin_pc = g.pc()
    check(spin_pc != entry, "Ctrl-C: still at the entry point")

    # a client that disconnects in the middle of a packet while the guest runs
    g.raw(g.frame("vCont;c"))
    time.sleep(0.2)
    g.raw(b"$m0,")
    g.close()
    time.sleep(0.5)
    check(p.poll() is None, "morph exited after the client went away")
    # the next client finds it running, stops it, and kills it
    g = Rsp(port)
    check(g.cmd("?").startswith("T05"), "stop reply of a new connection")
    g.raw(g.frame("k"))
    g.expect_ack()
    code, _, _ = finish(p, 20)
    check(code != 0, "morph survived 'k'")

    # threads: every guest thread is a GDB thread; detach lets them run
    p, port = start_morph([morph, "run", "--gdb", "0"] + extra + [prog, "threads"])
    g = Rsp(port)
    g.cmd("?")
    g.raw(g.frame("vCont;c"))
    g.expect_ack()
    time.sleep(1.0)
    g.raw(b"\x03")
    check(g.read_packet().startswith("T02"), "Ctrl-C with threads")
    r = g.cmd("qfThreadInfo")
    tids = r[1:].split(",") if r.startswith("m") else []
    check(len(tids) == 3, "expected 3 threads, got %r" % r)
    check(g.cmd("qsThreadInfo") == "l", "qsThreadInfo")
    for t in tids:
        check(g.cmd("T" + t) == "OK", "thread %s alive" % t)
        check(g.cmd("Hg" + t) == "OK", "Hg%s" % t)
        check(re.fullmatch(r"[0-9a-f]{16}", g.cmd("p20")), "pc of thread %s" % t)
    info = bytes.fromhex(g.cmd("qThreadExtraInfo," + tids[1])).decode()
    check(info.startswith("LWP "), "qThreadExtraInfo: %r" % info)
    check(g.cmd("D") == "OK", "detach")
    g.close()
    time.sleep(0.5)
    check(p.poll() is None, "morph exited after detach")
    p.send_signal(signal.SIGKILL)
    finish(p, 20)

    # detach at the first instruction: the program runs to its end
    p, port = start_morph([morph, "run", "--gdb", "0"] + extra + [prog])
    g = Rsp(port)
    g.cmd("?")
    check(g.cmd("D") == "OK", "detach")
    code, out, _ = finish(p, 30)
    check(code == 36 and "s=36" in out, "after detach: status %d, output %r" % (code, out))

    # the exit is reported: W with the status
    p, port = start_morph([morph, "run", "--gdb", "0"] + extra + [prog])
    g = Rsp(port)
    g.cmd("?")
    g.raw(g.frame("vCont;c"))
    g.expect_ack()
    r = g.read_packet()
    check(r == "W24", "exit reply %r, expected W24" % r)
    code, _, _ = finish(p, 30)
    check(code == 36, "exit status %d" % code)
    print("rsp tests passed")


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    if not shutil.which("gdb-multiarch") and sys.argv[1] != "rsp":
        print("gdb-multiarch not found (Debian: gdb-multiarch): skipped")
        return 77
    kind, morph, elf, extra = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    try:
        if kind in ("user", "system"):
            session(kind, morph, elf, extra)
        elif kind == "rsp":
            rsp_tests(morph, elf, extra)
        elif kind == "malta":
            if not os.path.exists(elf):
                print("%s not found (scripts/fetch-guest-malta.sh): skipped" % elf)
                return 77
            malta_session(morph, elf, extra)
        else:
            print(__doc__)
            return 2
    except (Failure, OSError, subprocess.TimeoutExpired) as e:
        print("FAIL: %s" % e)
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
