#!/usr/bin/env python3
"""GDB stub tests (docs/gdb.md).

  run-gdb-test.py user MORPH PROG [morph options]    gdb-multiarch session, `morph run`
  run-gdb-test.py system MORPH ELF [morph options]   gdb-multiarch session, spike, bare metal
  run-gdb-test.py rsp MORPH PROG [morph options]     the protocol by hand: bad input,
                                                     Ctrl-C, stepping, threads, detach

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


def elf_entry(path):
    with open(path, "rb") as f:
        hdr = f.read(64)
    return struct.unpack_from("<Q", hdr, 24)[0]


# ---------------------------------------------------------------- gdb sessions

def run_gdb(port, elf, commands):
    argv = ["gdb-multiarch", "-nx", "-batch", "-ex", "set pagination off",
            "-ex", "set confirm off", "-ex", "file " + elf, "-ex", "target remote :%d" % port]
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


def rsp_tests(morph, prog, extra):
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
