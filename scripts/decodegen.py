#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""decodegen: generate an instruction decoder from declarative .decode tables.

ISA-neutral: the tables name the fields, argument sets, formats and patterns
of one instruction set; this script turns them into

  - a C header: the args struct, the enum of instructions, the prototypes of
    the decode functions, of the dispatcher and of every trans function,
    and the instruction info table;
  - a C source: one decode function per table (a decision tree on the fixed
    bits), the dispatcher, the info table and a disassembly formatter.

The input format is documented in docs/decodegen.md. Usage:

  decodegen.py --prefix rv --ctx 'struct rv_ctx' --header rv-decode.h \
               --source rv-decode.c insn32.decode insn16.decode

Only the Python 3 standard library is used.
"""

import argparse
import os
import re
import sys


class DecodeError(Exception):
    pass


def die(where, msg):
    raise DecodeError('%s: error: %s' % (where, msg))


IDENT = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')
PATNAME = re.compile(r'^[A-Za-z_][A-Za-z0-9_.]*$')
BITS = re.compile(r'^[01.\-]+$')


def popcount(x):
    return bin(x).count('1')


def c_ident(name):
    return name.replace('.', '_')


# ---------------------------------------------------------------- model

class Field:
    """%name: bits of the instruction turned into a value."""

    def __init__(self, name, where):
        self.name = name
        self.where = where
        self.segs = []         # (hi, lo), most significant first
        self.signed = False
        self.shift = 0
        self.add = 0
        self.fn = None
        self.nonzero = False

    def width(self):
        return sum(hi - lo + 1 for hi, lo in self.segs)

    def max_bit(self):
        return max(hi for hi, lo in self.segs)

    def c_expr(self, insn):
        """C expression (int64_t) of the field's value."""
        parts = []
        pos = self.width()
        for hi, lo in self.segs:
            n = hi - lo + 1
            pos -= n
            e = '((uint64_t)(%s >> %d) & 0x%xu)' % (insn, lo, (1 << n) - 1)
            if pos:
                e = '(%s << %d)' % (e, pos)
            parts.append(e)
        e = ' | '.join(parts)
        w = self.width()
        if self.signed and w < 64:
            e = '((int64_t)((%s) << %d) >> %d)' % (e, 64 - w, 64 - w)
        else:
            e = '(int64_t)(%s)' % e
        if self.shift:
            e = '(int64_t)((uint64_t)%s << %d)' % (e, self.shift)
        if self.add:
            e = '(%s + %d)' % (e, self.add)
        if self.fn:
            e = '%s(%s)' % (self.fn, e)
        return e


class ArgSet:
    """&name: a named list of members of the args struct."""

    def __init__(self, name, members, where):
        self.name = name
        self.members = members
        self.where = where


class Format:
    """@name: which argument set a pattern fills, and how, plus its disassembly."""

    def __init__(self, name, argset, assigns, disas, where):
        self.name = name
        self.argset = argset
        self.assigns = assigns  # member -> ('field', Field) | ('const', int)
        self.disas = disas
        self.where = where


class Pattern:
    def __init__(self, name, where):
        self.name = name
        self.where = where
        self.mask = 0
        self.bits = 0
        self.width = 0
        self.argset = None
        self.assigns = {}
        self.disas = None
        self.trans = c_ident(name)
        self.decoder = None
        self.group = None       # overlap group id
        self.order = 0          # position in the input
        self.index = 0          # enum value
        self.extractor = None

    def enum_name(self, prefix):
        return '%s_INSN_%s' % (prefix.upper(), c_ident(self.name).upper())


class Group:
    """{ ... }: patterns that may overlap, tried in the order written."""

    def __init__(self, gid, where):
        self.gid = gid
        self.where = where
        self.members = []
        self.mask = 0
        self.bits = 0
        self.order = 0


class Decoder:
    def __init__(self, name, width, where):
        self.name = name
        self.width = width
        self.where = where
        self.patterns = []
        self.groups = []


# ---------------------------------------------------------------- parsing

def tokenize(line, where):
    """Split on blanks, keeping "quoted strings" (with \\" and \\\\ escapes) whole."""
    toks = []
    i = 0
    n = len(line)
    while i < n:
        c = line[i]
        if c in ' \t':
            i += 1
            continue
        if c == '#':
            break
        if c == '"':
            j = i + 1
            s = []
            while j < n and line[j] != '"':
                if line[j] == '\\' and j + 1 < n:
                    j += 1
                s.append(line[j])
                j += 1
            if j >= n:
                die(where, 'unterminated string')
            toks.append(('str', ''.join(s)))
            i = j + 1
            continue
        j = i
        while j < n and line[j] not in ' \t"':
            j += 1
        toks.append(('tok', line[i:j]))
        i = j
    return toks


def parse_int(s, where):
    try:
        return int(s, 0)
    except ValueError:
        die(where, 'bad number "%s"' % s)


class Parser:
    def __init__(self):
        self.fields = {}
        self.argsets = {}
        self.formats = {}
        self.decoders = []
        self.patterns = []
        self.members = []       # union of argset members, in first-seen order
        self.ngroups = 0

    def add_member(self, m):
        if m not in self.members:
            self.members.append(m)

    def parse_file(self, path):
        with open(path) as f:
            text = f.read()
        dec = None
        group = None
        lines = text.split('\n')
        i = 0
        while i < len(lines):
            lineno = i + 1
            line = lines[i]
            i += 1
            while line.endswith('\\') and i < len(lines):
                line = line[:-1] + ' ' + lines[i]
                i += 1
            where = '%s:%d' % (path, lineno)
            toks = tokenize(line, where)
            if not toks:
                continue
            kind, first = toks[0]
            if kind != 'tok':
                die(where, 'line starts with a string')
            if first == '.decoder':
                if len(toks) != 3:
                    die(where, 'usage: .decoder NAME WIDTH')
                width = parse_int(toks[2][1], where)
                if width not in (8, 16, 32, 64):
                    die(where, 'width must be 8, 16, 32 or 64')
                if not IDENT.match(toks[1][1]):
                    die(where, 'bad decoder name')
                if any(d.name == toks[1][1] for d in self.decoders):
                    die(where, 'decoder %s defined twice' % toks[1][1])
                dec = Decoder(toks[1][1], width, where)
                self.decoders.append(dec)
            elif first.startswith('%'):
                self.parse_field(first[1:], toks[1:], where)
            elif first.startswith('&'):
                self.parse_argset(first[1:], toks[1:], where)
            elif first.startswith('@'):
                self.parse_format(first[1:], toks[1:], where)
            elif first == '{':
                if len(toks) != 1:
                    die(where, '"{" must be alone on its line')
                if group is not None:
                    die(where, 'groups do not nest')
                if dec is None:
                    die(where, 'group before any .decoder')
                group = Group(self.ngroups, where)
                self.ngroups += 1
                dec.groups.append(group)
            elif first == '}':
                if len(toks) != 1 or group is None:
                    die(where, 'unbalanced "}"')
                if len(group.members) < 2:
                    die(where, 'a group needs at least two patterns')
                group = None
            else:
                if dec is None:
                    die(where, 'pattern before any .decoder')
                p = self.parse_pattern(first, toks[1:], dec, where)
                if group is not None:
                    p.group = group.gid
                    group.members.append(p)
        if group is not None:
            die(path, 'unterminated group')

    def parse_field(self, name, toks, where):
        if not IDENT.match(name):
            die(where, 'bad field name "%s"' % name)
        if name in self.fields:
            die(where, 'field %%%s defined twice' % name)
        f = Field(name, where)
        for kind, t in toks:
            if kind != 'tok':
                die(where, 'unexpected string in field')
            m = re.match(r'^(\d+):(\d+)$', t)
            if m:
                hi, lo = int(m.group(1)), int(m.group(2))
                if hi < lo:
                    die(where, 'bit range %s must be HI:LO' % t)
                f.segs.append((hi, lo))
            elif re.match(r'^\d+$', t):
                f.segs.append((int(t), int(t)))
            elif t == 'signed':
                f.signed = True
            elif t.startswith('<<'):
                f.shift = parse_int(t[2:], where)
            elif t.startswith('+') or t.startswith('-'):
                f.add = parse_int(t, where)
            elif t.startswith('fn='):
                f.fn = t[3:]
                if not IDENT.match(f.fn):
                    die(where, 'bad function name')
            elif t == 'nonzero':
                f.nonzero = True
            else:
                die(where, 'unknown field attribute "%s"' % t)
        if not f.segs:
            die(where, 'field %%%s has no bits' % name)
        if f.width() > 64 or f.shift >= 64:
            die(where, 'field too wide')
        seen = 0
        for hi, lo in f.segs:
            m = ((1 << (hi - lo + 1)) - 1) << lo
            if seen & m:
                die(where, 'field %%%s uses a bit twice' % name)
            seen |= m
        self.fields[name] = f

    def parse_argset(self, name, toks, where):
        if not IDENT.match(name):
            die(where, 'bad argument set name "%s"' % name)
        if name in self.argsets:
            die(where, 'argument set &%s defined twice' % name)
        members = []
        for kind, t in toks:
            if kind != 'tok' or not IDENT.match(t):
                die(where, 'bad member "%s"' % t)
            if t in members:
                die(where, 'member %s listed twice' % t)
            members.append(t)
            self.add_member(t)
        self.argsets[name] = ArgSet(name, members, where)

    def parse_assign(self, t, where):
        """member, member=%field, member=CONST -> (member, value)."""
        if '=' in t:
            mem, val = t.split('=', 1)
        else:
            mem, val = t, '%' + t
        if not IDENT.match(mem):
            die(where, 'bad member "%s"' % mem)
        if val.startswith('%'):
            fname = val[1:]
            if fname not in self.fields:
                die(where, 'unknown field %%%s' % fname)
            return mem, ('field', self.fields[fname])
        return mem, ('const', parse_int(val, where))

    def parse_format(self, name, toks, where):
        if not IDENT.match(name):
            die(where, 'bad format name "%s"' % name)
        if name in self.formats:
            die(where, 'format @%s defined twice' % name)
        argset = None
        assigns = {}
        disas = None
        for kind, t in toks:
            if kind == 'str':
                if disas is not None:
                    die(where, 'two disassembly strings')
                disas = t
            elif t.startswith('&'):
                if argset is not None:
                    die(where, 'two argument sets')
                if t[1:] not in self.argsets:
                    die(where, 'unknown argument set %s' % t)
                argset = self.argsets[t[1:]]
            else:
                mem, val = self.parse_assign(t, where)
                if mem in assigns:
                    die(where, 'member %s assigned twice' % mem)
                assigns[mem] = val
        if argset is None:
            die(where, 'format @%s names no argument set' % name)
        for mem in assigns:
            if mem not in argset.members:
                die(where, '%s is not a member of &%s' % (mem, argset.name))
        for mem in argset.members:
            if mem not in assigns:
                die(where, 'format @%s does not set %s' % (name, mem))
        self.formats[name] = Format(name, argset, assigns, disas, where)

    def parse_pattern(self, name, toks, dec, where):
        if not PATNAME.match(name):
            die(where, 'bad pattern name "%s"' % name)
        if any(q.name == name for q in self.patterns):
            die(where, 'pattern %s defined twice' % name)
        p = Pattern(name, where)
        p.decoder = dec
        p.width = dec.width
        p.order = len(self.patterns)
        i = 0
        bits = ''
        while i < len(toks) and toks[i][0] == 'tok' and BITS.match(toks[i][1]):
            bits += toks[i][1]
            i += 1
        if len(bits) != dec.width:
            die(where, 'pattern %s has %d bits, the decoder is %d wide'
                % (name, len(bits), dec.width))
        for k, c in enumerate(bits):
            bit = dec.width - 1 - k
            if c in '01':
                p.mask |= 1 << bit
                if c == '1':
                    p.bits |= 1 << bit
        fmt = None
        overrides = {}
        for kind, t in toks[i:]:
            if kind == 'str':
                if p.disas is not None:
                    die(where, 'two disassembly strings')
                p.disas = t
            elif t.startswith('@'):
                if fmt is not None:
                    die(where, 'two formats')
                if t[1:] not in self.formats:
                    die(where, 'unknown format %s' % t)
                fmt = self.formats[t[1:]]
            elif t.startswith('trans='):
                p.trans = t[6:]
                if not IDENT.match(p.trans):
                    die(where, 'bad trans name')
            elif t.startswith('&'):
                die(where, 'patterns take an argument set through a format')
            else:
                mem, val = self.parse_assign(t, where)
                if mem in overrides:
                    die(where, 'member %s assigned twice' % mem)
                overrides[mem] = val
        if fmt is not None:
            p.argset = fmt.argset
            p.assigns = dict(fmt.assigns)
            for mem, val in overrides.items():
                if mem not in fmt.argset.members:
                    die(where, '%s is not a member of &%s' % (mem, fmt.argset.name))
                p.assigns[mem] = val
            if p.disas is None:
                p.disas = fmt.disas
        else:
            # no format: the pattern's own assignments form an anonymous set
            for mem in overrides:
                self.add_member(mem)
            p.argset = ArgSet('', list(overrides), where)
            p.assigns = overrides
        if p.disas is None:
            p.disas = '{}'
        for mem, (kind, v) in p.assigns.items():
            if kind != 'field':
                continue
            if v.max_bit() >= dec.width:
                die(where, 'field %%%s reaches beyond bit %d' % (v.name, dec.width - 1))
        p.disas_text = expand_disas(p, where)
        dec.patterns.append(p)
        self.patterns.append(p)
        return p


def expand_disas(p, where):
    """Check the placeholders of a disassembly string; substitute {} by the mnemonic."""
    s = p.disas
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == '{':
            if s.startswith('{{', i):
                out.append('{{')
                i += 2
                continue
            j = s.find('}', i)
            if j < 0:
                die(where, 'unterminated placeholder in "%s"' % s)
            body = s[i + 1:j]
            if body == '':
                out.append(p.name)
            else:
                mem = body.split(':', 1)[0]
                if mem not in p.argset.members:
                    die(where, 'disassembly names %s, not an argument of %s'
                        % (mem, p.name))
                out.append('{' + body + '}')
            i = j + 1
        elif c == '}':
            if s.startswith('}}', i):
                out.append('}}')
                i += 2
                continue
            die(where, 'lone "}" in "%s"' % s)
        else:
            out.append(c)
            i += 1
    return ''.join(out)


# ---------------------------------------------------------------- checks

def overlaps(a, b):
    return ((a.bits ^ b.bits) & a.mask & b.mask) == 0


def check_overlaps(dec):
    """Overlapping patterns must be in one group or one strictly more specific."""
    pats = dec.patterns
    for i in range(len(pats)):
        a = pats[i]
        for j in range(i + 1, len(pats)):
            b = pats[j]
            if not overlaps(a, b):
                continue
            if a.group is not None and a.group == b.group:
                continue
            if a.group is None and b.group is None:
                if a.mask != b.mask and (a.mask & b.mask) in (a.mask, b.mask):
                    continue
                die(a.where, '%s overlaps %s (%s) and neither is more specific; '
                    'use a { } group' % (a.name, b.name, b.where))
            # a group is tried as a unit, after any more specific pattern
            g, o = (a, b) if b.group is None else (b, a)
            if o.group is None and o.mask != g.mask and (o.mask & g.mask) == g.mask:
                continue
            die(o.where, '%s overlaps %s (%s) of another group; patterns overlapping '
                'a group member must be more specific or in its group'
                % (o.name, g.name, g.where))


# ---------------------------------------------------------------- decision tree

class Leaf:
    """What the tree sorts: a pattern, or an overlap group tried as one unit."""

    def __init__(self, mask, bits, order, pats):
        self.mask = mask
        self.bits = bits
        self.order = order
        self.pats = pats


def make_leaves(dec):
    leaves = []
    done = set()
    for p in dec.patterns:
        if p.group is None:
            leaves.append(Leaf(p.mask, p.bits, p.order, [p]))
            continue
        if p.group in done:
            continue
        done.add(p.group)
        g = [q for q in dec.patterns if q.group == p.group]
        # the group's fixed bits: bits every member fixes to the same value
        mask = (1 << dec.width) - 1
        for q in g:
            mask &= q.mask
        for q in g:
            mask &= ~(q.bits ^ g[0].bits)
        leaves.append(Leaf(mask, g[0].bits & mask, p.order, g))
    return leaves


def priority(leaf):
    # more fixed bits first: a strict superset is tried before the pattern it refines
    return (-popcount(leaf.mask), leaf.order)


class Emitter:
    def __init__(self, prefix, insn_t):
        self.prefix = prefix
        self.insn_t = insn_t
        self.out = []

    def line(self, depth, s):
        self.out.append('\t' * depth + s)

    def leaf_code(self, leaf, known, depth):
        for p in leaf.pats:
            # group members may fix bits that the tree did not test
            rest = p.mask & ~known
            test = 'ex_%d(insn, a)' % p.extractor
            if rest:
                test = '(insn & 0x%xu) == 0x%xu && %s' % (rest, p.bits & rest, test)
            self.line(depth, 'if (%s)' % test)
            self.line(depth + 1, 'return %s;' % p.enum_name(self.prefix))

    def node(self, leaves, known, depth):
        leaves = sorted(leaves, key=priority)
        rest = [l for l in leaves if l.mask & ~known]
        fallbacks = [l for l in leaves if not l.mask & ~known]
        if rest:
            m = None
            for l in rest:
                m = (l.mask & ~known) if m is None else (m & l.mask)
            fixing, others = rest, []
            if m == 0:
                # no bit common to all: take the bits fixed by the most leaves
                counts = {}
                for l in rest:
                    x = l.mask & ~known
                    while x:
                        b = x & -x
                        counts[b] = counts.get(b, 0) + 1
                        x ^= b
                best = max(counts, key=lambda b: (counts[b], b))
                who = frozenset(id(l) for l in rest if l.mask & best)
                m = 0
                for b in counts:
                    if frozenset(id(l) for l in rest if l.mask & b) == who:
                        m |= b
                fixing = [l for l in rest if l.mask & m]
                others = [l for l in rest if not l.mask & m]
            cases = {}
            for l in fixing:
                cases.setdefault(l.bits & m, []).append(l)
            if len(cases) == 1 and not others:
                (v, ls), = cases.items()
                self.line(depth, 'if ((insn & 0x%xu) == 0x%xu) {' % (m, v))
                self.node(ls, known | m, depth + 1)
                self.line(depth, '}')
            else:
                self.line(depth, 'switch (insn & 0x%xu) {' % m)
                for v in sorted(cases):
                    self.line(depth, 'case 0x%xu:' % v)
                    self.node(cases[v] + others, known | m, depth + 1)
                    self.line(depth + 1, 'break;')
                if others:
                    self.line(depth, 'default:')
                    self.node(others, known | m, depth + 1)
                    self.line(depth + 1, 'break;')
                self.line(depth, '}')
        for l in fallbacks:
            self.leaf_code(l, known, depth)


# ---------------------------------------------------------------- output

def assign_extractors(parser):
    """One extraction function per distinct assignment list."""
    keys = {}
    exs = []
    for p in parser.patterns:
        items = []
        for mem in sorted(p.assigns):
            kind, v = p.assigns[mem]
            items.append((mem, kind, v.name if kind == 'field' else v))
        key = (p.decoder.width, tuple(items))
        if key not in keys:
            keys[key] = len(exs)
            exs.append(p)
        p.extractor = keys[key]
    return exs


def c_string(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def gen_header(parser, args, guard):
    P = args.prefix
    o = []
    o.append('/* Generated by scripts/decodegen.py from %s: do not edit. */'
             % ', '.join(os.path.basename(f) for f in args.inputs))
    o.append('#ifndef %s' % guard)
    o.append('#define %s' % guard)
    o.append('')
    o.append('#include <stdbool.h>')
    o.append('#include <stddef.h>')
    o.append('#include <stdint.h>')
    o.append('')
    if args.ctx.startswith('struct '):
        o.append('%s;' % args.ctx)
        o.append('')
    o.append('/* Arguments of a decoded instruction: the union of all argument sets. */')
    o.append('struct %s_args {' % P)
    for m in parser.members:
        o.append('\tint64_t %s;' % m)
    if not parser.members:
        o.append('\tint64_t unused_;')
    o.append('};')
    o.append('')
    o.append('enum %s_insn {' % P)
    o.append('\t%s_INSN_ILLEGAL,' % P.upper())
    for p in parser.patterns:
        o.append('\t%s,' % p.enum_name(P))
    o.append('\t%s_INSN_COUNT' % P.upper())
    o.append('};')
    o.append('')
    o.append('/* What the tables say about one instruction. */')
    o.append('struct %s_insn_info {' % P)
    o.append('\tconst char *name;   /* mnemonic */')
    o.append('\tconst char *disas;  /* disassembly format: {arg} or {arg:kind} */')
    o.append('\tconst char *trans;  /* name of the trans function it calls */')
    o.append('\tconst char *argset; /* argument set ("" if none) */')
    o.append('\tuint8_t width;      /* instruction width in bits */')
    o.append('};')
    o.append('extern const struct %s_insn_info %s_insn_info[%s_INSN_COUNT];'
             % (P, P, P.upper()))
    o.append('')
    o.append('/* Decoders: the instruction id (%s_INSN_ILLEGAL if none) and its args. */'
             % P.upper())
    for d in parser.decoders:
        t = 'uint64_t' if d.width > 32 else 'uint32_t'
        o.append('enum %s_insn %s_%s(%s insn, struct %s_args *a);' % (P, P, d.name, t, P))
    o.append('')
    o.append('/* Call the trans function of @id; returns its result (false: illegal). */')
    o.append('bool %s_dispatch(%s *ctx, enum %s_insn id, const struct %s_args *a);'
             % (P, args.ctx, P, P))
    o.append('')
    o.append('/*')
    o.append(' * Expand the disassembly format of @id into @buf. @fmt is called for each')
    o.append(' * {arg:kind} placeholder with the kind ("" when absent) and the value;')
    o.append(' * it writes at most @size bytes and returns the length it wanted.')
    o.append(' * Returns the length of the text (truncated to @size - 1 bytes).')
    o.append(' */')
    o.append('typedef size_t (*%s_fmt_fn)(char *buf, size_t size, const char *kind,' % P)
    o.append('\t\t\t int64_t value, void *opaque);')
    o.append('size_t %s_disas_format(char *buf, size_t size, enum %s_insn id,' % (P, P))
    o.append('\t\t\tconst struct %s_args *a, %s_fmt_fn fmt, void *opaque);' % (P, P))
    o.append('')
    o.append('/* Trans functions (implemented by the frontend) */')
    seen = set()
    for p in parser.patterns:
        if p.trans in seen:
            continue
        seen.add(p.trans)
        o.append('bool %s%s(%s *ctx, const struct %s_args *a);'
                 % (args.trans_prefix, p.trans, args.ctx, P))
    o.append('')
    o.append('#endif')
    return '\n'.join(o) + '\n'


def gen_source(parser, args, header_name):
    P = args.prefix
    o = []
    o.append('/* Generated by scripts/decodegen.py from %s: do not edit. */'
             % ', '.join(os.path.basename(f) for f in args.inputs))
    o.append('#include <string.h>')
    o.append('')
    o.append('#include "%s"' % header_name)
    o.append('')
    fns = sorted(set(f.fn for f in parser.fields.values() if f.fn))
    for fn in fns:
        o.append('int64_t %s(int64_t v);' % fn)
    if fns:
        o.append('')

    exs = assign_extractors(parser)
    for k, p in enumerate(exs):
        t = 'uint64_t' if p.decoder.width > 32 else 'uint32_t'
        o.append('static inline bool ex_%d(%s insn, struct %s_args *a)' % (k, t, P))
        o.append('{')
        body = []
        conds = []
        for mem in sorted(p.assigns):
            kind, v = p.assigns[mem]
            if kind == 'const':
                body.append('\ta->%s = %d;' % (mem, v))
            else:
                o.append('\tint64_t f_%s = %s;' % (mem, v.c_expr('insn')))
                body.append('\ta->%s = f_%s;' % (mem, mem))
                if v.nonzero:
                    conds.append(mem)
        if not p.assigns:
            o.append('\t(void)insn;')
            o.append('\t(void)a;')
        for c in conds:
            o.append('\tif (f_%s == 0)' % c)
            o.append('\t\treturn false; /* reserved encoding */')
        o.extend(body)
        o.append('\treturn true;')
        o.append('}')
        o.append('')

    for d in parser.decoders:
        t = 'uint64_t' if d.width > 32 else 'uint32_t'
        em = Emitter(P, t)
        em.node(make_leaves(d), 0, 1)
        o.append('enum %s_insn %s_%s(%s insn, struct %s_args *a)' % (P, P, d.name, t, P))
        o.append('{')
        o.append('\tmemset(a, 0, sizeof(*a));')
        o.extend(em.out)
        o.append('\treturn %s_INSN_ILLEGAL;' % P.upper())
        o.append('}')
        o.append('')

    o.append('bool %s_dispatch(%s *ctx, enum %s_insn id, const struct %s_args *a)'
             % (P, args.ctx, P, P))
    o.append('{')
    o.append('\tswitch (id) {')
    for p in parser.patterns:
        o.append('\tcase %s:' % p.enum_name(P))
        o.append('\t\treturn %s%s(ctx, a);' % (args.trans_prefix, p.trans))
    o.append('\tdefault:')
    o.append('\t\treturn false;')
    o.append('\t}')
    o.append('}')
    o.append('')

    o.append('const struct %s_insn_info %s_insn_info[%s_INSN_COUNT] = {' % (P, P, P.upper()))
    o.append('\t[%s_INSN_ILLEGAL] = {"illegal", "illegal", "", "", 0},' % P.upper())
    for p in parser.patterns:
        o.append('\t[%s] = {%s, %s, %s, %s, %d},'
                 % (p.enum_name(P), c_string(p.name), c_string(p.disas_text),
                    c_string(p.trans), c_string(p.argset.name), p.width))
    o.append('};')
    o.append('')

    o.append('static const struct {')
    o.append('\tconst char *name;')
    o.append('\tsize_t offset;')
    o.append('} arg_table[] = {')
    for m in parser.members:
        o.append('\t{"%s", offsetof(struct %s_args, %s)},' % (m, P, m))
    o.append('\t{NULL, 0},')
    o.append('};')
    o.append('')
    o.append(DISAS_FORMAT.replace('@PU@', P.upper()).replace('@P@', P))
    return '\n'.join(o) + '\n'


DISAS_FORMAT = r'''static void put(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++, (*len)++)
		if (*len + 1 < size)
			buf[*len] = s[i];
}

size_t @P@_disas_format(char *buf, size_t size, enum @P@_insn id, const struct @P@_args *a,
			@P@_fmt_fn fmt, void *opaque)
{
	const char *s = @P@_insn_info[id < @PU@_INSN_COUNT ? id : 0].disas;
	size_t len = 0;

	while (*s) {
		if ((s[0] == '{' && s[1] == '{') || (s[0] == '}' && s[1] == '}')) {
			put(buf, size, &len, s, 1);
			s += 2;
			continue;
		}
		if (*s != '{') {
			put(buf, size, &len, s++, 1);
			continue;
		}
		const char *end = strchr(s, '}');
		const char *colon = memchr(s, ':', (size_t)(end - s));
		const char *name_end = colon ? colon : end;
		char kind[16] = "";
		int64_t value = 0;

		if (colon) {
			size_t n = (size_t)(end - colon - 1);
			if (n >= sizeof(kind))
				n = sizeof(kind) - 1;
			memcpy(kind, colon + 1, n);
			kind[n] = 0;
		}
		for (unsigned i = 0; arg_table[i].name; i++) {
			if (strlen(arg_table[i].name) == (size_t)(name_end - s - 1) &&
			    !memcmp(arg_table[i].name, s + 1, (size_t)(name_end - s - 1))) {
				memcpy(&value, (const char *)a + arg_table[i].offset,
				       sizeof(value));
				break;
			}
		}
		char tmp[64];
		size_t n = fmt(tmp, sizeof(tmp), kind, value, opaque);
		if (n >= sizeof(tmp))
			n = sizeof(tmp) - 1;
		put(buf, size, &len, tmp, n);
		s = end + 1;
	}
	if (size)
		buf[len < size ? len : size - 1] = 0;
	return len < size ? len : (size ? size - 1 : 0);
}'''


def main():
    ap = argparse.ArgumentParser(description='Generate a decoder from .decode tables.')
    ap.add_argument('--prefix', required=True, help='C prefix of the generated names')
    ap.add_argument('--ctx', required=True, help='C type of the translation context')
    ap.add_argument('--trans-prefix', default='trans_', help='prefix of trans functions')
    ap.add_argument('--header', required=True, help='output header path')
    ap.add_argument('--source', required=True, help='output C file path')
    ap.add_argument('inputs', nargs='+', help='.decode files')
    args = ap.parse_args()
    if not IDENT.match(args.prefix):
        print('decodegen: bad prefix', file=sys.stderr)
        return 2

    parser = Parser()
    try:
        for path in args.inputs:
            parser.parse_file(path)
        if not parser.decoders:
            die(args.inputs[0], 'no .decoder')
        for d in parser.decoders:
            check_overlaps(d)
    except DecodeError as e:
        print(e, file=sys.stderr)
        return 1
    except OSError as e:
        print('decodegen: %s' % e, file=sys.stderr)
        return 1

    for i, p in enumerate(parser.patterns):
        p.index = i + 1
    hname = os.path.basename(args.header)
    guard = re.sub(r'[^A-Za-z0-9]', '_', hname).upper() + '_GENERATED'
    header = gen_header(parser, args, guard)
    source = gen_source(parser, args, hname)
    for path, text in ((args.header, header), (args.source, source)):
        with open(path, 'w') as f:
            f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
