"""Seeded random RV64GC program generator for the differential tester.

A program is a list of blocks; a block is a list of units; a unit is one or
a few assembly lines that must stay together (an lr/sc pair, "lla + jalr",
a c.addi16sp round trip, a small counted loop). Branches between units only
go forward, to a label between two units of the same block or to the
block's end; the only backward branches are the loops' own. After every block the
program calls __dump, which writes one record of the architectural state to
stdout (see RECORD_* below), so two emulators running the same binary can be
compared block by block.

Register conventions of the generated code:
  sp (x2)  the scratch base: always scratch + 1024; the scratch area is
           [sp - 1024, sp + 1024), the dump record lives at sp + 1024.
           Generated code never changes sp except in c.addi16sp round trips.
  others   random, all of them fair game as sources and destinations.

Things that are legitimately implementation-defined, or that QEMU 7.2 gets
wrong, are not generated:
  - counters (rdcycle/rdtime/rdinstret);
  - ctzw of a value whose low 32 bits are zero (QEMU 7.2 counts into the upper
    word): every ctzw is preceded by a bseti on its source that makes the low
    word non-zero;
  - an sc whose reservation could be affected by anything implementation-
    defined: lr and sc are always one unit, same address, only register
    arithmetic between them, and a unit may end with a second sc that must
    fail;
  - misaligned atomics;
  - frm values 5..7 (a dynamic rounding mode would then trap);
  - csrrs/csrrc with a non-x0 source on read-only CSRs (QEMU 7.2 does not trap).

Python 3, standard library only.
"""

import random

XNAMES = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1",
          "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7",
          "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
          "t3", "t4", "t5", "t6"]
FNAMES = ["ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7",
          "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5", "fa6", "fa7",
          "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11",
          "ft8", "ft9", "ft10", "ft11"]

# Record layout (64-bit little-endian words), written by __dump.
RECORD_WORDS = 66
RECORD_BYTES = RECORD_WORDS * 8
REC = 1024                      # record offset from sp
COUNTER = REC + RECORD_BYTES    # private block counter
SCRATCH_LO, SCRATCH_HI = -1024, 1024
# Where the linker puts the .scratch section: sp (scratch + 1024) is on a page boundary, so
# misaligned accesses near sp cross pages.
SCRATCH_ADDR = 0x8000000 - 1024


def record_fields():
    """Names of the record's words: block, x1..x31, f0..f31, fcsr, mem."""
    names = ["block"]
    names += ["x%d(%s)" % (i, XNAMES[i]) for i in range(1, 32)]
    names += ["f%d(%s)" % (i, FNAMES[i]) for i in range(32)]
    names += ["fcsr", "scratch-checksum"]
    assert len(names) == RECORD_WORDS
    return names


M64 = (1 << 64) - 1

INT_SPECIALS = [0, 1, 2, 3, M64, M64 - 1, 1 << 63, (1 << 63) - 1, 0xffffffff80000000,
                0x80000000, 0x7fffffff, 0xffffffff, 0x100000000, 0xffffffff00000000,
                0x8000, 0xffff, 0x80, 0xff, 63, 64, 31, 32]

D_SPECIALS = [0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000,
              0x3fe0000000000000, 0x3ff8000000000000, 0x4004000000000000, 0xc004000000000000,
              0x4008000000000000, 0x0000000000000001, 0x800fffffffffffff, 0x0010000000000000,
              0x7fefffffffffffff, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000,
              0xfff8000000000000, 0x7ff0000000000001, 0x7ff8dead00000000, 0x41e0000000000000,
              0x41dfffffffe00000, 0x41f0000000000000, 0x43e0000000000000, 0x43f0000000000000,
              0xc3e0000000000000, 0xc1e0000000200000, 0x3fd5555555555555, 0x3ff0000000000001,
              0x400921fb54442d18, 0x3fdfffffffffffff, 0xc1e0000000000000, 0x43dfffffffffffff]

S_SPECIALS = [0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x40200000, 0xc0200000,
              0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x7fc0dead,
              0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0x4f000000, 0x5f000000,
              0x4f800000, 0xcf000000, 0xdf000000, 0x3eaaaaab, 0x3f800001, 0x3effffff,
              0x4effffff, 0x5f7fffff]

RMS = ["rne", "rtz", "rdn", "rup", "rmm", "dyn"]


class Unit:
    """A few lines that stay together; @target is a forward unit index or None."""

    def __init__(self, lines, target=None, kind=""):
        self.lines = lines
        self.target = target
        self.kind = kind


class Gen:
    def __init__(self, seed, block_len=24, qemu_bugs=False):
        self.r = random.Random(seed)
        self.seed = seed
        self.block_len = block_len
        # generate what QEMU 7.2 is known to get wrong (to see the tester catch it)
        self.qemu_bugs = qemu_bugs

    # ---- operand choice

    def xr(self, zero_ok=True):
        """a source register: anything (sp included: it holds a fixed address)"""
        r = self.r
        if zero_ok and r.random() < 0.05:
            return "zero"
        return XNAMES[r.randrange(1, 32)]

    def xd(self, zero_ok=True):
        """a destination register: anything but sp"""
        r = self.r
        if zero_ok and r.random() < 0.03:
            return "zero"
        while True:
            i = r.randrange(1, 32)
            if i != 2:
                return XNAMES[i]

    def xc(self):
        """a register of the compressed 3-bit field (x8..x15)"""
        return XNAMES[self.r.randrange(8, 16)]

    def fr(self):
        return FNAMES[self.r.randrange(32)]

    def fc(self):
        return FNAMES[self.r.randrange(8, 16)]

    def rm(self):
        return self.r.choice(RMS)

    def int_value(self):
        r = self.r
        k = r.random()
        if k < 0.35:
            return r.choice(INT_SPECIALS)
        if k < 0.55:
            return r.randrange(-2048, 2048) & M64
        if k < 0.7:
            v = r.getrandbits(32)
            return (v | (M64 << 32) if v >> 31 else v) & M64
        return r.getrandbits(64)

    def f_value(self):
        r = self.r
        k = r.random()
        if k < 0.35:
            return r.choice(D_SPECIALS)
        if k < 0.65:
            return (0xffffffff << 32) | r.choice(S_SPECIALS)
        if k < 0.8:
            return (0xffffffff << 32) | r.getrandbits(32)
        if k < 0.9:
            # a "nice" double: small exponent range, so arithmetic stays finite
            return (r.getrandbits(1) << 63) | ((1023 + r.randrange(-40, 40)) << 52) | \
                r.getrandbits(52)
        return r.getrandbits(64)

    # ---- units

    def u_alu_rr(self):
        op = self.r.choice(["add", "sub", "and", "or", "xor", "sll", "srl", "sra", "slt",
                            "sltu", "addw", "subw", "sllw", "srlw", "sraw"])
        return Unit(["%s %s, %s, %s" % (op, self.xd(), self.xr(), self.xr())])

    def u_alu_ri(self):
        r = self.r
        op = r.choice(["addi", "andi", "ori", "xori", "slti", "sltiu", "addiw",
                       "slli", "srli", "srai", "slliw", "srliw", "sraiw"])
        if op in ("slli", "srli", "srai"):
            imm = r.choice([0, 1, 31, 32, 63, r.randrange(64)])
        elif op.endswith("iw") and op != "addiw":
            imm = r.choice([0, 1, 31, r.randrange(32)])
        else:
            imm = r.choice([0, 1, -1, 2047, -2048, r.randrange(-2048, 2048)])
        return Unit(["%s %s, %s, %d" % (op, self.xd(), self.xr(), imm)])

    def u_upper(self):
        r = self.r
        op = r.choice(["lui", "auipc"])
        imm = r.choice([0, 1, 0x7ffff, 0x80000, 0xfffff, r.randrange(1 << 20)])
        return Unit(["%s %s, 0x%x" % (op, self.xd(), imm)])

    def u_li(self):
        return Unit(["li %s, 0x%x" % (self.xd(False), self.int_value())])

    def u_muldiv(self):
        op = self.r.choice(["mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu",
                            "mulw", "divw", "divuw", "remw", "remuw"])
        return Unit(["%s %s, %s, %s" % (op, self.xd(), self.xr(), self.xr())])

    def u_zb(self):
        r = self.r
        rr = ["add.uw", "sh1add", "sh2add", "sh3add", "sh1add.uw", "sh2add.uw", "sh3add.uw",
              "andn", "orn", "xnor", "max", "maxu", "min", "minu", "rol", "ror", "rolw", "rorw",
              "bclr", "bext", "binv", "bset"]
        r1 = ["clz", "ctz", "cpop", "clzw", "cpopw", "sext.b", "sext.h", "zext.h", "orc.b",
              "rev8", "ctzw"]
        ri = ["slli.uw", "rori", "roriw", "bclri", "bexti", "binvi", "bseti"]
        k = r.random()
        if k < 0.5:
            line = "%s %s, %s, %s" % (r.choice(rr), self.xd(), self.xr(), self.xr())
            return Unit([line])
        if k < 0.8:
            op = r.choice(r1)
            rd, rs = self.xd(), self.xr()
            if op == "ctzw" and not self.qemu_bugs:
                # keep the low word non-zero (QEMU 7.2's ctzw bug, see the top)
                if rs == "zero" or rs == "sp":
                    rs = self.xd(False)
                t = self.xd(False)
                return Unit(["bseti %s, %s, %d" % (t, rs, r.randrange(32)),
                             "ctzw %s, %s" % (rd, t)], kind="zb")
            return Unit(["%s %s, %s" % (op, rd, rs)])
        op = r.choice(ri)
        imm = r.randrange(32) if op == "roriw" else r.choice([0, 1, 31, 32, 63, r.randrange(64)])
        return Unit(["%s %s, %s, %d" % (op, self.xd(), self.xr(), imm)])

    def u_load_store(self):
        r = self.r
        k = r.random()
        store = r.random() < 0.45
        size = r.choice([1, 2, 4, 8])
        if store:
            op = {1: "sb", 2: "sh", 4: "sw", 8: "sd"}[size]
        else:
            op = r.choice({1: ["lb", "lbu"], 2: ["lh", "lhu"], 4: ["lw", "lwu"], 8: ["ld"]}[size])
        fp = r.random() < 0.2
        if fp:
            size = r.choice([4, 8])
            op = ("fs" if store else "fl") + ("w" if size == 4 else "d")
        aligned = r.random() < 0.8
        # address sp + a, inside the scratch area
        a = r.randrange(SCRATCH_LO, SCRATCH_HI - size + 1)
        if aligned:
            a -= a % size
        if fp:
            val = self.fr()
        else:
            val = self.xr() if store else self.xd()
        if k < 0.55:
            return Unit(["%s %s, %d(sp)" % (op, val, a)])
        # through another base register: base = sp + b, offset a - b
        b = r.randrange(SCRATCH_LO, SCRATCH_HI)
        off = a - b
        if not -2048 <= off <= 2047:
            off = 0
            b = a
        base = self.xd(False)
        if not fp and not store and r.random() < 0.2:
            val = base      # rd == rs1
        return Unit(["addi %s, sp, %d" % (base, b), "%s %s, %d(%s)" % (op, val, off, base)])

    def u_amo(self):
        r = self.r
        w = r.random() < 0.5
        sz = 4 if w else 8
        a = r.randrange(SCRATCH_LO, SCRATCH_HI - sz + 1)
        a -= a % sz
        base = self.xd(False)
        order = r.choice(["", "", ".aq", ".rl", ".aqrl"])
        sfx = (".w" if w else ".d") + order
        k = r.random()
        lines = ["addi %s, sp, %d" % (base, a)]
        if k < 0.7:
            op = r.choice(["amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin",
                           "amomax", "amominu", "amomaxu"])
            lines.append("%s%s %s, %s, (%s)" % (op, sfx, self.xd(), self.xr(), base))
            return Unit(lines, kind="amo")
        # lr / arithmetic / sc [/ a second sc that must fail]
        rd = self.xd()
        while rd == base:
            rd = self.xd()
        lines.append("lr%s %s, (%s)" % (sfx, rd, base))
        for _ in range(r.randrange(3)):
            d = self.xd()
            while d == base:
                d = self.xd()
            lines.append("%s %s, %s, %s" % (r.choice(["add", "xor", "addw", "sub"]), d,
                                            self.xr(), self.xr()))
        s = self.xd()
        while s == base:
            s = self.xd()
        lines.append("sc%s %s, %s, (%s)" % (sfx, s, self.xr(), base))
        if r.random() < 0.3:
            s2 = self.xd()
            lines.append("sc%s %s, %s, (%s)" % (sfx, s2, self.xr(), base))
        return Unit(lines, kind="lrsc")

    def u_fp(self):
        r = self.r
        s = r.random() < 0.4
        t = ".s" if s else ".d"
        k = r.random()
        if k < 0.3:
            op = r.choice(["fadd", "fsub", "fmul", "fdiv"])
            return Unit(["%s%s %s, %s, %s, %s" % (op, t, self.fr(), self.fr(), self.fr(),
                                                  self.rm())])
        if k < 0.38:
            return Unit(["fsqrt%s %s, %s, %s" % (t, self.fr(), self.fr(), self.rm())])
        if k < 0.5:
            op = r.choice(["fmadd", "fmsub", "fnmadd", "fnmsub"])
            return Unit(["%s%s %s, %s, %s, %s, %s" % (op, t, self.fr(), self.fr(), self.fr(),
                                                      self.fr(), self.rm())])
        if k < 0.58:
            op = r.choice(["fmin", "fmax", "fsgnj", "fsgnjn", "fsgnjx"])
            return Unit(["%s%s %s, %s, %s" % (op, t, self.fr(), self.fr(), self.fr())])
        if k < 0.66:
            op = r.choice(["feq", "flt", "fle"])
            return Unit(["%s%s %s, %s, %s" % (op, t, self.xd(), self.fr(), self.fr())])
        if k < 0.69:
            return Unit(["fclass%s %s, %s" % (t, self.xd(), self.fr())])
        if k < 0.78:
            it = r.choice(["w", "wu", "l", "lu"])
            return Unit(["fcvt.%s%s %s, %s, %s" % (it, t, self.xd(), self.fr(), self.rm())])
        if k < 0.85:
            it = r.choice(["w", "wu", "l", "lu"])
            if not s and it in ("w", "wu"):
                return Unit(["fcvt.d.%s %s, %s" % (it, self.fr(), self.xr())])
            return Unit(["fcvt%s.%s %s, %s, %s" % (t, it, self.fr(), self.xr(), self.rm())])
        if k < 0.89:
            if s:
                return Unit(["fcvt.s.d %s, %s, %s" % (self.fr(), self.fr(), self.rm())])
            return Unit(["fcvt.d.s %s, %s" % (self.fr(), self.fr())])
        if k < 0.93:
            op = r.choice(["fmv.x.w", "fmv.x.d"])
            return Unit(["%s %s, %s" % (op, self.xd(), self.fr())])
        # a fresh interesting value through an integer register
        tmp = self.xd(False)
        v = self.f_value()
        if r.random() < 0.3:
            return Unit(["li %s, 0x%x" % (tmp, v & 0xffffffff),
                         "fmv.w.x %s, %s" % (self.fr(), tmp)])
        return Unit(["li %s, 0x%x" % (tmp, v), "fmv.d.x %s, %s" % (self.fr(), tmp)])

    def u_fcsr(self):
        r = self.r
        k = r.random()
        if k < 0.35:
            return Unit(["fsrmi %s, %d" % (self.xd(), r.randrange(5))])
        if k < 0.55:
            return Unit(["fsflagsi %s, %d" % (self.xd(), r.randrange(32))])
        if k < 0.7:
            return Unit(["frcsr %s" % self.xd()])
        if k < 0.8:
            return Unit(["csrrw %s, fflags, %s" % (self.xd(), self.xr())])
        if k < 0.9:
            return Unit(["%s %s, fflags, %d" % (r.choice(["csrrsi", "csrrci"]), self.xd(),
                                                r.randrange(32))])
        return Unit(["frflags %s" % self.xd()])

    def u_compressed(self):
        r = self.r
        k = r.randrange(20)
        c, x = self.xc, self.xd
        nz6 = lambda: r.choice([i for i in range(-32, 32) if i])
        if k == 0:
            line = "c.addi %s, %d" % (x(False), nz6())
        elif k == 1:
            line = "c.addiw %s, %d" % (x(False), r.randrange(-32, 32))
        elif k == 2:
            line = "c.li %s, %d" % (x(False), r.randrange(-32, 32))
        elif k == 3:
            rd = x(False)
            imm = r.choice(list(range(1, 32)) + list(range(0xfffe0, 0x100000)))
            line = "c.lui %s, 0x%x" % (rd, imm)
        elif k == 4:
            line = "c.slli %s, %d" % (x(False), r.randrange(1, 64))
        elif k == 5:
            line = "%s %s, %d" % (r.choice(["c.srli", "c.srai"]), c(), r.randrange(1, 64))
        elif k == 6:
            line = "c.andi %s, %d" % (c(), r.randrange(-32, 32))
        elif k == 7:
            line = "%s %s, %s" % (r.choice(["c.sub", "c.xor", "c.or", "c.and", "c.addw",
                                            "c.subw"]), c(), c())
        elif k == 8:
            line = "%s %s, %s" % (r.choice(["c.mv", "c.add"]), x(False), self.xr(False))
        elif k == 9:
            return self.u_c_mem()
        elif k == 10:
            return self.u_c_sp()
        elif k == 11:
            line = "c.addi4spn %s, sp, %d" % (c(), 4 * r.randrange(1, 256))
        elif k == 12:
            # -512 would need +512 to undo, beyond the +496 limit
            n = 16 * r.choice([i for i in range(-31, 32) if i])
            # move sp, touch memory through it, move it back (one unit)
            off = 8 * r.randrange(0, 64)
            if not SCRATCH_LO <= n + off <= SCRATCH_HI - 8:
                off = 0
            if not SCRATCH_LO <= n + off <= SCRATCH_HI - 8:
                n = -16
            lines = ["c.addi16sp sp, %d" % n]
            if r.random() < 0.5:
                lines.append("c.sdsp %s, %d(sp)" % (self.xr(False), off))
            else:
                lines.append("c.ldsp %s, %d(sp)" % (x(False), off))
            lines.append("c.addi16sp sp, %d" % -n)
            return Unit(self.rvc(lines), kind="c")
        elif k == 13:
            line = "c.nop"
        else:
            # the arithmetic forms are the most common in real code
            line = r.choice(["c.addi %s, %d" % (x(False), nz6()),
                             "c.mv %s, %s" % (x(False), self.xr(False)),
                             "c.add %s, %s" % (x(False), self.xr(False)),
                             "c.li %s, %d" % (x(False), r.randrange(-32, 32)),
                             "c.slli %s, %d" % (x(False), r.randrange(1, 64))])
        return Unit(self.rvc([line]), kind="c")

    def u_c_mem(self):
        r = self.r
        base = self.xc()
        d = r.random() < 0.6
        fp = r.random() < 0.2
        if fp:
            d = True
        size = 8 if d else 4
        off = size * r.randrange(0, 32)
        b = r.randrange(SCRATCH_LO, SCRATCH_HI - off - size + 1)
        b -= b % 8
        if r.random() < 0.5:
            op = "c.fsd" if fp else ("c.sd" if d else "c.sw")
            val = self.fc() if fp else self.xc()
        else:
            op = "c.fld" if fp else ("c.ld" if d else "c.lw")
            val = self.fc() if fp else self.xc()
        lines = ["addi %s, sp, %d" % (base, b)] + self.rvc(["%s %s, %d(%s)" % (op, val, off, base)])
        return Unit(lines, kind="c")

    def u_c_sp(self):
        r = self.r
        d = r.random() < 0.6
        fp = r.random() < 0.2
        if fp:
            d = True
        size = 8 if d else 4
        off = size * r.randrange(0, 64)
        if r.random() < 0.5:
            op = "c.fsdsp" if fp else ("c.sdsp" if d else "c.swsp")
            val = self.fr() if fp else self.xr(False)
        else:
            op = "c.fldsp" if fp else ("c.ldsp" if d else "c.lwsp")
            val = self.fr() if fp else self.xd(False)
        return Unit(self.rvc(["%s %s, %d(sp)" % (op, val, off)]), kind="c")

    @staticmethod
    def rvc(lines):
        return [".option push", ".option rvc"] + lines + [".option pop"]

    def u_misc(self):
        r = self.r
        k = r.random()
        if k < 0.5:
            return self.u_li()
        if k < 0.8:
            return self.u_upper()
        return Unit([r.choice(["fence", "fence rw, rw", "fence.i", "nop"])])

    # ---- control flow (targets are filled in by the block builder)

    def u_branch(self, here, n):
        r = self.r
        t = min(n, here + 1 + r.randrange(0, 6 if r.random() < 0.8 else 20))
        k = r.random()
        if k < 0.55:
            op = r.choice(["beq", "bne", "blt", "bge", "bltu", "bgeu"])
            a, b = self.xr(), self.xr()
            if r.random() < 0.15:
                b = a
            return Unit(["%s %s, %s, {L}" % (op, a, b)], target=t, kind="br")
        if k < 0.7:
            t = min(n, here + 1 + r.randrange(0, 5))
            op = r.choice(["c.beqz", "c.bnez"])
            return Unit(self.rvc(["%s %s, {L}" % (op, self.xc())]), target=t, kind="br")
        if k < 0.8:
            if r.random() < 0.5:
                return Unit(["jal %s, {L}" % self.xd()], target=t, kind="br")
            t = min(n, here + 1 + r.randrange(0, 5))
            return Unit(self.rvc(["c.j {L}"]), target=t, kind="br")
        # lla + jalr (possibly with an offset and bit 0 set), or c.jr / c.jalr
        tmp = self.xd(False)
        if r.random() < 0.6:
            off = r.randrange(-64, 64)
            odd = r.random() < 0.3
            rd = self.xd()
            if r.random() < 0.2:
                rd = tmp
            return Unit(["lla %s, {L}" % tmp, "addi %s, %s, %d" % (tmp, tmp, -off),
                         "jalr %s, %d(%s)" % (rd, off + (1 if odd else 0), tmp)],
                        target=t, kind="br")
        op = r.choice(["c.jr", "c.jalr"])
        lines = ["lla %s, {L}" % tmp]
        if r.random() < 0.3:
            lines.append("addi %s, %s, 1" % (tmp, tmp))
        return Unit(lines + self.rvc(["%s %s" % (op, tmp)]), target=t, kind="br")

    RR_OPS = ["add", "sub", "and", "or", "xor", "sll", "srl", "sra", "slt", "sltu", "addw",
              "subw", "sllw", "srlw", "sraw", "mul", "mulh", "mulhsu", "mulhu", "div", "divu",
              "rem", "remu", "mulw", "divw", "divuw", "remw", "remuw", "add.uw", "sh1add",
              "sh2add", "sh3add", "sh1add.uw", "sh2add.uw", "sh3add.uw", "andn", "orn", "xnor",
              "max", "maxu", "min", "minu", "rol", "ror", "rolw", "rorw", "bclr", "bext",
              "binv", "bset"]
    R1_OPS = ["clz", "ctz", "cpop", "clzw", "cpopw", "sext.b", "sext.h", "zext.h", "orc.b",
              "rev8", "neg", "negw", "not", "seqz", "snez", "sltz", "sgtz", "sext.w", "zext.w"]

    def u_const(self):
        """an operation whose inputs were just loaded with constants: the translator's
        constant folding must agree with the run-time code"""
        r = self.r
        a, b = self.xd(False), self.xd(False)
        lines = ["li %s, 0x%x" % (a, self.int_value()), "li %s, 0x%x" % (b, self.int_value())]
        k = r.random()
        if k < 0.6:
            lines.append("%s %s, %s, %s" % (r.choice(self.RR_OPS), self.xd(), a,
                                            r.choice([a, b, b, b, "zero"])))
        elif k < 0.8:
            lines.append("%s %s, %s" % (r.choice(self.R1_OPS), self.xd(), a))
        else:
            op = r.choice(["addi", "addiw", "slli", "srli", "srai", "slliw", "srliw",
                           "sraiw", "andi", "xori", "sltiu", "rori", "roriw", "bseti",
                           "bexti", "slli.uw"])
            if op in ("slliw", "srliw", "sraiw", "roriw"):
                imm = r.choice([0, 1, 31, r.randrange(32)])
            elif op in ("slli", "srli", "srai", "rori", "bseti", "bexti", "slli.uw"):
                imm = r.choice([0, 1, 31, 32, 63, r.randrange(64)])
            else:
                imm = r.choice([0, -1, 2047, -2048, r.randrange(-2048, 2048)])
            lines.append("%s %s, %s, %d" % (op, self.xd(), a, imm))
        return Unit(lines, kind="const")

    def u_loop(self):
        """a small counted loop (a backward branch inside one unit): the body is a few
        ordinary units that do not name the counter register"""
        r = self.r
        cnt = self.xd(False)
        body = []
        gens = [self.u_alu_rr, self.u_alu_ri, self.u_muldiv, self.u_zb, self.u_load_store,
                self.u_fp, self.u_compressed, self.u_amo]
        while len(body) < r.randrange(1, 5):
            u = r.choice(gens)()
            toks = set(t for l in u.lines for t in l.replace(",", " ").replace("(", " ")
                       .replace(")", " ").split())
            if cnt not in toks:
                body += u.lines
        lines = ["li %s, %d" % (cnt, r.randrange(1, 6)), "1:"] + body + \
            ["addi %s, %s, -1" % (cnt, cnt)]
        k = r.random()
        if k < 0.3 and cnt in XNAMES[8:16]:
            lines += self.rvc(["c.bnez %s, 1b" % cnt])
        elif k < 0.7:
            lines.append("bnez %s, 1b" % cnt)
        else:
            lines.append("blt zero, %s, 1b" % cnt)
        return Unit(lines, kind="loop")

    # ---- programs

    KINDS = [("alu_rr", 14), ("alu_ri", 14), ("muldiv", 7), ("zb", 8), ("mem", 12),
             ("amo", 4), ("fp", 18), ("fcsr", 3), ("c", 10), ("misc", 4), ("branch", 7),
             ("loop", 2), ("const", 6)]

    def block(self):
        r = self.r
        n = r.randrange(max(1, self.block_len // 2), self.block_len + 1)
        units = []
        kinds = [k for k, _ in self.KINDS]
        weights = [w for _, w in self.KINDS]
        for i in range(n):
            kind = r.choices(kinds, weights)[0]
            if kind == "branch":
                units.append(self.u_branch(i, n))
            elif kind == "mem":
                units.append(self.u_load_store())
            elif kind == "c":
                units.append(self.u_compressed())
            else:
                units.append(getattr(self, "u_" + kind)())
        return units

    def program(self, nblocks):
        r = self.r
        init_x = {i: self.int_value() for i in range(1, 32) if i != 2}
        init_f = [self.f_value() for _ in range(32)]
        scratch = [r.getrandbits(64) if r.random() < 0.7 else
                   r.choice(D_SPECIALS + INT_SPECIALS) for _ in range(2048 // 8)]
        blocks = [self.block() for _ in range(nblocks)]
        return Program(self.seed, init_x, init_f, scratch, blocks)


class Program:
    def __init__(self, seed, init_x, init_f, scratch, blocks):
        self.seed = seed
        self.init_x = init_x
        self.init_f = init_f
        self.scratch = scratch
        self.blocks = blocks

    def render(self, keep_blocks=None, keep_units=None):
        """Assembly text. @keep_blocks: block indices to emit (default all);
        @keep_units: {block: set of unit indices} restricting a block's units."""
        out = []
        w = out.append
        w("# generated by testsuite/difftest/rvgen.py, seed %d" % self.seed)
        w("\t.option norvc")
        w("\t.option norelax")
        w("\t.text")
        w("\t.globl _start")
        w("_start:")
        w("\tlla sp, scratch + 1024")
        for i, v in enumerate(self.init_f):
            w("\tli t0, 0x%x" % v)
            w("\tfmv.d.x %s, t0" % FNAMES[i])
        w("\tcsrw fcsr, zero")
        for i in sorted(self.init_x):
            w("\tli %s, 0x%x" % (XNAMES[i], self.init_x[i]))
        blocks = range(len(self.blocks)) if keep_blocks is None else keep_blocks
        for bi in blocks:
            units = self.blocks[bi]
            keep = None if keep_units is None else keep_units.get(bi)
            w("blk%d:" % bi)
            emitted = -1
            for ui, u in enumerate(units):
                if keep is not None and ui not in keep:
                    continue
                for t in range(emitted + 1, ui + 1):
                    w("b%d_%d:" % (bi, t))
                emitted = ui
                for line in u.lines:
                    if u.target is not None:
                        line = line.replace("{L}", "b%d_%d" % (bi, u.target))
                    w(("\t" + line) if not line.startswith(".") else "\t" + line)
            for t in range(emitted + 1, len(units) + 1):
                w("b%d_%d:" % (bi, t))
            w("blk%d_end:" % bi)
            w("\tsd ra, %d(sp)" % (REC + 8))
            w("\tcall __dump")
            w("\tld ra, %d(sp)" % (REC + 8))
        w("\tli a0, 0")
        w("\tli a7, 93")
        w("\tecall")
        w(DUMP_ROUTINE)
        # its own section, linked at a fixed address (SCRATCH_ADDR): values derived from sp
        # must not change when a reduced program has less code in front of the data
        w("\t.section .scratch, \"aw\", @progbits")
        w("\t.balign 16")
        w("scratch:")
        for v in self.scratch:
            w("\t.quad 0x%x" % v)
        w("dump_area:")
        w("\t.zero %d" % (RECORD_BYTES + 64))
        return "\n".join(out) + "\n"

    def block_text(self, bi):
        return [l for u in self.blocks[bi] for l in u.lines]


def _dump_routine():
    L = []
    w = L.append
    w("# __dump: write the state record (ra was saved by the caller) and restore")
    w("__dump:")
    for i in range(3, 32):
        w("\tsd %s, %d(sp)" % (XNAMES[i], REC + 8 * i))
    for i in range(32):
        w("\tfsd %s, %d(sp)" % (FNAMES[i], REC + 8 * (32 + i)))
    w("\tcsrr t0, fcsr")
    w("\tsd t0, %d(sp)" % (REC + 8 * 64))
    w("\tld t0, %d(sp)" % COUNTER)
    w("\taddi t0, t0, 1")
    w("\tsd t0, %d(sp)" % COUNTER)
    w("\tsd t0, %d(sp)" % REC)
    # checksum of the scratch area: h = (h ^ w) * FNV prime, folded
    w("\taddi t1, sp, %d" % SCRATCH_LO)
    w("\taddi t2, sp, %d" % SCRATCH_HI)
    w("\tli t3, 0xcbf29ce484222325")
    w("\tli t5, 0x100000001b3")
    w("1:\tld t4, 0(t1)")
    w("\txor t3, t3, t4")
    w("\tmul t3, t3, t5")
    w("\tsrli t4, t3, 29")
    w("\txor t3, t3, t4")
    w("\taddi t1, t1, 8")
    w("\tbltu t1, t2, 1b")
    w("\tsd t3, %d(sp)" % (REC + 8 * 65))
    w("\tli a0, 1")
    w("\taddi a1, sp, %d" % REC)
    w("\tli a2, %d" % RECORD_BYTES)
    w("\tli a7, 64")
    w("\tecall")
    for i in range(3, 32):
        w("\tld %s, %d(sp)" % (XNAMES[i], REC + 8 * i))
    w("\tret")
    return "\n".join(L)


DUMP_ROUTINE = _dump_routine()


def scratch_checksum(words):
    """The checksum __dump computes, for a list of 64-bit scratch words."""
    h = 0xcbf29ce484222325
    for v in words:
        h = ((h ^ v) * 0x100000001b3) & M64
        h ^= h >> 29
    return h
