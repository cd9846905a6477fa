#!/usr/bin/env python3
"""The console on a terminal: `morph system` on a pty runs spike/htif-echo (HTIF getchar and
putchar). While it runs the terminal is raw (no echo, no line editing, Ctrl-C to the guest);
Ctrl-A h prints help, Ctrl-A Ctrl-A sends one Ctrl-A, Ctrl-A x quits with status 0; SIGTERM
stops it with 128+15; a crash signal kills it. On every path the terminal's modes are restored.

Usage: check-console.py MORPH HTIF_ECHO_ELF {escapes|sigterm|crash}
"""
import os
import pty
import select
import signal
import subprocess
import sys
import termios
import time


def fail(msg, out=b""):
    print("FAIL:", msg)
    if out:
        print("---- output ----")
        print(out.decode(errors="replace"))
    sys.exit(1)


def read_until(fd, want, out, timeout=30.0):
    deadline = time.time() + timeout
    while want not in out:
        left = deadline - time.time()
        if left <= 0:
            fail("no %r on the terminal" % want, out)
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                fail("terminal closed before %r" % want, out)
            if not data:
                fail("terminal closed before %r" % want, out)
            out += data
    return out


def drain(fd, out, proc, timeout=30.0):
    deadline = time.time() + timeout
    while proc.poll() is None and time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
    try:
        proc.wait(timeout=max(0.1, deadline - time.time()))
    except subprocess.TimeoutExpired:
        proc.kill()
        fail("morph did not exit", out)
    return out


def main():
    morph, elf, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    master, slave = pty.openpty()
    cooked = termios.tcgetattr(slave)
    if not cooked[3] & termios.ECHO or not cooked[3] & termios.ICANON:
        fail("the new pty is not in cooked mode")
    proc = subprocess.Popen([morph, "system", "-M", "spike", "--bios", "none", "--kernel", elf],
                            stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    out = read_until(master, b"ready> ", b"")
    raw = termios.tcgetattr(slave)
    if raw[3] & (termios.ECHO | termios.ICANON | termios.ISIG):
        fail("the terminal is not raw while the guest runs", out)

    # typed bytes reach the guest once, not echoed by the terminal
    os.write(master, b"a")
    out = read_until(master, b"<a>", out)
    if b"a<a>" in out:
        fail("the terminal echoed the input itself", out)
    # Ctrl-C is a byte for the guest, not a signal
    os.write(master, b"\x03")
    out = read_until(master, b"<\x03>", out)
    if proc.poll() is not None:
        fail("Ctrl-C stopped morph", out)

    if mode == "escapes":
        os.write(master, b"\x01h")
        out = read_until(master, b"C-a x", out)
        os.write(master, b"\x01\x01")
        out = read_until(master, b"<\x01>", out)
        os.write(master, b"\x01x")
        out = drain(master, out, proc)
        if proc.returncode != 0:
            fail("Ctrl-A x: status %d, want 0" % proc.returncode, out)
    elif mode == "sigterm":
        proc.send_signal(signal.SIGTERM)
        out = drain(master, out, proc)
        if proc.returncode != 128 + signal.SIGTERM:
            fail("SIGTERM: status %d, want %d" % (proc.returncode, 128 + signal.SIGTERM), out)
    elif mode == "crash":
        proc.send_signal(signal.SIGSEGV)
        out = drain(master, out, proc)
        if proc.returncode != -signal.SIGSEGV:
            fail("SIGSEGV: status %d, want death by the signal" % proc.returncode, out)
    else:
        fail("unknown mode " + mode)

    after = termios.tcgetattr(slave)
    if after != cooked:
        fail("the terminal's modes were not restored: %r != %r" % (after, cooked), out)
    print("PASS:", mode)


main()
