#!/usr/bin/env python3
"""Generate the invocation ABI from its one description.

Reads libs/libk/abi/invocations.txt (format described at the top of that file) and
writes, into --outdir:

  k/invocation.h       label enum, argument positions, and (under
                       K_WANT_INVOCATION_SHAPES) the kernel's shape table
  k/invocations_gen.h  libk's typed wrappers, one static inline function per invocation
  abi-invocations.md   the invocation reference

With --update-docs FILE it also replaces the part of FILE between the markers
<!-- BEGIN GENERATED INVOCATIONS --> and <!-- END GENERATED INVOCATIONS --> with the
reference; --check-docs FILE exits 1 if that part is out of date. Python 3 standard
library only, so it runs wherever the build runs.
"""
import argparse
import os
import re
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TABLE = os.path.join(HERE, "..", "libs", "libk", "abi", "invocations.txt")
TABLE_NAME = "libs/libk/abi/invocations.txt"

BEGIN_MARK = "<!-- BEGIN GENERATED INVOCATIONS -->"
END_MARK = "<!-- END GENERATED INVOCATIONS -->"

WORD_BITS = 64
MAX_MRS = 120              # K_MSG_MAX_LENGTH
MAX_CAPS = 3               # K_MSG_MAX_EXTRA_CAPS
REG_MRS = 4                # MR0..3 travel in registers a2..a5
USER_CONTEXT_WORDS = 32    # struct k_user_context

ERRORS = ["INVALID_ARGUMENT", "INVALID_CAPABILITY", "ILLEGAL_OPERATION", "RANGE_ERROR",
          "ALIGNMENT_ERROR", "FAILED_LOOKUP", "TRUNCATED_MESSAGE", "DELETE_FIRST",
          "REVOKE_FIRST", "NOT_ENOUGH_MEMORY"]

# Argument types: width in bits when packed (64: always a whole register) and the C
# type of the wrapper's parameter.
SCALAR_TYPES = {
    "word": (64, "k_word_t"),
    "cptr": (64, "k_cptr_t"),
    "rights": (64, "k_word_t"),
    "cap_data": (64, "k_word_t"),
    "vm_attributes": (64, "k_word_t"),
    "u8": (8, "uint8_t"),
    "bool": (1, "bool"),
}

# Acronyms kept whole when a label is turned into snake case (RISCVASIDControl ->
# RISCV_ASID_CONTROL, not R_I_S_C_V...). Longest first.
ACRONYMS = ["RISCV", "CNode", "ASID", "IRQ", "TCB", "IPC", "TLS", "MC"]


class TableError(Exception):
    pass


def snake(name):
    """UntypedRetype -> untyped_retype, TCBSetIPCBuffer -> tcb_set_ipc_buffer."""
    words, i = [], 0
    while i < len(name):
        for acr in ACRONYMS:
            end = i + len(acr)
            if name.startswith(acr, i) and (end == len(name) or name[end].isupper()):
                words.append(acr)
                i = end
                break
        else:
            m = re.compile(r"[A-Z][a-z0-9]*").match(name, i)
            if not m:
                raise TableError("cannot split label name %r at %r" % (name, name[i:]))
            words.append(m.group(0))
            i = m.end()
    return "_".join(w.lower() for w in words)


class Param:
    """One argument or result. loc is ('mr', reg, lo, width), ('mrs', first) or
    ('cap', slot)."""

    def __init__(self, direction, name, typ, where, text, line):
        self.direction, self.name, self.type, self.where, self.text = direction, name, typ, where, text
        self.line = line
        self.count_param = None
        if typ.startswith("cap:"):
            self.kind, self.cap_object = "cap", typ[4:]
        elif typ.startswith("regs(") and typ.endswith(")"):
            self.kind, self.count_param = "regs", typ[5:-1]
        elif typ in SCALAR_TYPES:
            self.kind = "scalar"
        else:
            raise TableError("line %d: unknown type %r" % (line, typ))
        self.loc = self.parse_where(where)

    def parse_where(self, w):
        m = re.fullmatch(r"cap(\d+)", w)
        if m:
            return ("cap", int(m.group(1)))
        m = re.fullmatch(r"mr(\d+)\+", w)
        if m:
            return ("mrs", int(m.group(1)))
        m = re.fullmatch(r"mr(\d+)", w)
        if m:
            return ("mr", int(m.group(1)), 0, WORD_BITS)
        m = re.fullmatch(r"mr(\d+)\[(\d+)\]", w)
        if m:
            return ("mr", int(m.group(1)), int(m.group(2)), 1)
        m = re.fullmatch(r"mr(\d+)\[(\d+):(\d+)\]", w)
        if m:
            hi, lo = int(m.group(2)), int(m.group(3))
            if hi < lo:
                raise TableError("line %d: bit range %r upside down" % (self.line, w))
            return ("mr", int(m.group(1)), lo, hi - lo + 1)
        raise TableError("line %d: cannot read location %r" % (self.line, w))

    @property
    def width(self):
        return SCALAR_TYPES[self.type][0]

    @property
    def ctype(self):
        return SCALAR_TYPES[self.type][1]

    @property
    def packed(self):
        """True when the value shares its register, so it needs a shift and a mask."""
        return self.loc[0] == "mr" and self.loc[3] < WORD_BITS


class Invocation:
    def __init__(self, label, name, op, obj, line):
        self.label, self.name, self.op, self.object, self.line = label, name, op, obj, line
        self.brief = ""
        self.smp = False       # exists only in multicore builds (CONFIG_MAX_NUM_NODES > 1)
        self.smp_before = 0    # multicore-only invocations before it: its label moves up by that
        self.ins, self.outs = [], []
        self.rights, self.notes, self.errors = [], [], []

    @property
    def enum(self):
        return "K_" + snake(self.name).upper()

    @property
    def wrapper(self):
        return "k_%s_%s" % (self.object.c_name, self.op)

    @property
    def caps(self):
        return [p for p in self.ins if p.kind == "cap"]

    @property
    def words(self):
        return [p for p in self.ins if p.kind == "scalar"]

    @property
    def in_regs(self):
        return next((p for p in self.ins if p.kind == "regs"), None)

    @property
    def out_regs(self):
        return next((p for p in self.outs if p.kind == "regs"), None)

    @property
    def min_length(self):
        """Message words the fixed arguments need (a register list comes on top)."""
        regs = [p.loc[1] for p in self.words]
        return max(regs) + 1 if regs else 0


class Object:
    def __init__(self, name, c_name):
        self.name, self.c_name, self.about = name, c_name, ""
        self.invocations = []


def parse(path):
    objects, invocations = {}, []
    obj = inv = None
    last = None            # (owner, attribute or list, index) for '>' continuations
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(">"):
            if last is None:
                raise TableError("line %d: continuation with nothing to continue" % n)
            target, key = last
            extra = line[1:].strip()
            if isinstance(key, int):
                target[key] = target[key] + " " + extra
            else:
                setattr(target, key, getattr(target, key) + " " + extra)
            continue
        word, _, rest = line.partition(" ")
        rest = rest.strip()
        if word == "object":
            parts = rest.split()
            if len(parts) != 2:
                raise TableError("line %d: object <Name> <c_name>" % n)
            name, c_name = parts
            obj = objects.get(name)
            if obj is None:
                obj = objects[name] = Object(name, c_name)
            elif obj.c_name != c_name:
                raise TableError("line %d: object %s declared with two C names" % (n, name))
            inv = None
            last = None
        elif word == "about":
            if obj is None or inv is not None:
                raise TableError("line %d: 'about' belongs right after 'object'" % n)
            obj.about = rest
            last = (obj, "about")
        elif word == "invocation":
            parts = rest.split()
            if len(parts) != 3 or not parts[0].isdigit():
                raise TableError("line %d: invocation <label> <Name> <operation>" % n)
            if obj is None:
                raise TableError("line %d: invocation outside an object" % n)
            inv = Invocation(int(parts[0]), parts[1], parts[2], obj, n)
            obj.invocations.append(inv)
            invocations.append(inv)
            last = None
        else:
            if inv is None:
                raise TableError("line %d: %r outside an invocation" % (n, word))
            if word == "brief":
                inv.brief = rest
                last = (inv, "brief")
            elif word == "smp":
                inv.smp = True
                last = None
            elif word in ("in", "out"):
                parts = rest.split(None, 3)
                if len(parts) < 4:
                    raise TableError("line %d: %s <name> <type> <where> <text>" % (n, word))
                p = Param(word, parts[0], parts[1], parts[2], parts[3], n)
                (inv.ins if word == "in" else inv.outs).append(p)
                last = (p, "text")
            elif word in ("rights", "note"):
                lst = inv.rights if word == "rights" else inv.notes
                lst.append(rest)
                last = (lst, len(lst) - 1)
            elif word == "error":
                code, _, text = rest.partition(" ")
                if code not in ERRORS:
                    raise TableError("line %d: unknown error %r" % (n, code))
                inv.errors.append([code, text.strip()])
                last = (inv.errors[-1], 1)
            else:
                raise TableError("line %d: unknown keyword %r" % (n, word))
    check(invocations)
    return list(objects.values()), invocations


def expected_layout(inv):
    """Where seL4's packing rule puts each non-capability argument: {name: (reg, lo,
    width)} and the number of registers used. A word-sized value starts a fresh
    register; a sub-word value goes at the next multiple of its width in the current
    register if it fits there."""
    where, cur, used = {}, 0, 0
    for p in inv.words:
        w = p.width
        if w == WORD_BITS:
            if used:
                cur, used = cur + 1, 0
            where[p.name] = (cur, 0, WORD_BITS)
            cur += 1
        else:
            off = -(-used // w) * w
            if off + w > WORD_BITS:
                cur, off = cur + 1, 0
            where[p.name] = (cur, off, w)
            used = off + w
            if used == WORD_BITS:
                cur, used = cur + 1, 0
    return where, cur + (1 if used else 0)


def check(invocations):
    # Labels are the uniprocessor build's: they run 1, 2, 3, ... over the invocations
    # every build has; a multicore-only one (smp) takes the label of the one after it,
    # which, like every later one, moves up by one in a multicore build (seL4 numbers
    # only the methods a configuration has).
    common = [i.label for i in invocations if not i.smp]
    if common != list(range(1, len(common) + 1)):
        raise TableError("labels must run 1, 2, 3, ... in table order; found %s" % common)
    n_smp, expect = 0, 1
    for inv in invocations:
        if inv.smp:
            if inv.label != expect:
                raise TableError("line %d: multicore-only %s must have label %d (the next one's)"
                                 % (inv.line, inv.name, expect))
            n_smp += 1
        else:
            inv.smp_before = n_smp
            expect = inv.label + 1
    seen = set()
    for inv in invocations:
        for name in (inv.enum, inv.wrapper):
            if name in seen:
                raise TableError("line %d: %s used twice" % (inv.line, name))
            seen.add(name)
        if not inv.brief:
            raise TableError("line %d: %s has no brief" % (inv.line, inv.name))
        names = [p.name for p in inv.ins + inv.outs]
        if len(set(names)) != len(names) or "service" in names:
            raise TableError("line %d: %s: argument names must be unique and not 'service'"
                             % (inv.line, inv.name))
        # Capabilities: cap0, cap1, ... in argument order.
        for k, p in enumerate(inv.caps):
            if p.loc != ("cap", k):
                raise TableError("line %d: %s should travel in cap%d" % (p.line, p.name, k))
        if len(inv.caps) > MAX_CAPS:
            raise TableError("line %d: more than %d capabilities" % (inv.line, MAX_CAPS))
        for p in inv.ins + inv.outs:
            if (p.kind == "cap") != (p.loc[0] == "cap"):
                raise TableError("line %d: %s: only capabilities travel in capN" % (p.line, p.name))
            if (p.kind == "regs") != (p.loc[0] == "mrs"):
                raise TableError("line %d: %s: only regs(...) travel in mrN+" % (p.line, p.name))
        # Words: exactly where seL4's packing rule puts them.
        exp, nregs = expected_layout(inv)
        for p in inv.words:
            reg, lo, width = exp[p.name]
            alone = sum(1 for e in exp.values() if e[0] == reg) == 1
            ok = p.loc == ("mr", reg, lo, width) or (alone and lo == 0 and p.loc == ("mr", reg, 0, WORD_BITS))
            if not ok:
                want = "mr%d" % reg if width == WORD_BITS else (
                    "mr%d[%d]" % (reg, lo) if width == 1 else "mr%d[%d:%d]" % (reg, lo + width - 1, lo))
                raise TableError("line %d: %s should travel in %s" % (p.line, p.name, want))
            if p.packed and p.loc[3] != p.width:
                raise TableError("line %d: %s: field width does not match its type" % (p.line, p.name))
        if inv.in_regs:
            p = inv.in_regs
            if p.loc != ("mrs", nregs) or p is not inv.ins[-1]:
                raise TableError("line %d: a register list comes last, from mr%d+" % (p.line, nregs))
            if p.count_param not in [q.name for q in inv.words]:
                raise TableError("line %d: %s: no argument %r" % (p.line, p.name, p.count_param))
        for k, p in enumerate(inv.outs):
            if p.kind == "cap":
                raise TableError("line %d: capabilities cannot be results" % p.line)
            if p.kind == "regs":
                if len(inv.outs) != 1 or p.loc != ("mrs", 0):
                    raise TableError("line %d: a register list result stands alone, from mr0+" % p.line)
                if p.count_param not in [q.name for q in inv.ins]:
                    raise TableError("line %d: %s: no argument %r" % (p.line, p.name, p.count_param))
            elif p.loc != ("mr", k, 0, WORD_BITS) or p.type != "word":
                raise TableError("line %d: result %s should be a word in mr%d" % (p.line, p.name, k))
        if inv.min_length + (USER_CONTEXT_WORDS if inv.in_regs else 0) > MAX_MRS:
            raise TableError("line %d: message longer than %d words" % (inv.line, MAX_MRS))


# ---------------------------------------------------------------------------
# k/invocation.h

GEN_NOTE = "Generated by tools/abigen.py from %s: do not edit." % TABLE_NAME


def gen_invocation_h(invocations):
    out = []
    w = out.append
    w("/* Invocation labels of seL4 13.0.0 (RISC-V, RV64, non-MCS), where each argument")
    w(" * travels, and, for the kernel, the shape each invocation needs.")
    w(" * %s */" % GEN_NOTE)
    w("#pragma once")
    w("#include <stdint.h>")
    w("")
    w("/* seL4's CONFIG_MAX_NUM_NODES: above 1, the multicore-only invocations exist and")
    w(" * every label after one of them is one higher (docs/abi.md, docs/smp.md). */")
    w("#ifndef CONFIG_MAX_NUM_NODES")
    w("#error \"CONFIG_MAX_NUM_NODES must be defined: it decides the label numbers\"")
    w("#endif")
    w("#if CONFIG_MAX_NUM_NODES > 1")
    w("#define K_SMP_LABELS 1")
    w("#else")
    w("#define K_SMP_LABELS 0")
    w("#endif")
    w("")
    w("/* The label of a message that invokes a kernel object. */")
    w("enum k_invocation_label {")
    w("    K_INVALID_INVOCATION = 0,")
    def value(inv):
        if inv.smp or not inv.smp_before:
            return "%d" % inv.label
        return "%d + %d * K_SMP_LABELS" % (inv.label, inv.smp_before)
    items = ["%s = %s," % (inv.enum, value(inv)) for inv in invocations]
    width = max(len(t) for t in items)
    for t, inv in zip(items, invocations):
        if inv.smp:
            w("#if CONFIG_MAX_NUM_NODES > 1")
        w("    %s /* %s */" % (t.ljust(width), inv.object.name))
        if inv.smp:
            w("#endif")
    n_common = len([i for i in invocations if not i.smp])
    n_smp = len(invocations) - n_common
    w("    K_INVOCATION_COUNT = %d + %d * K_SMP_LABELS" % (n_common + 1, n_smp))
    w("};")
    w("")
    w("/* Argument positions. K_<LABEL>_MR_<ARG>: message register of a word argument;")
    w(" * K_<LABEL>_SHIFT_<ARG> and _MASK_<ARG>: its place inside that register when it shares")
    w(" * it with others; K_<LABEL>_CAP_<ARG>: extra-capability slot of a capability argument;")
    w(" * K_<LABEL>_OUT_<ARG>: message register of a result in the reply. */")
    w("enum {")
    for inv in invocations:
        for p in inv.ins:
            base = "%s_%%s_%s" % (inv.enum, p.name.upper())
            if p.kind == "cap":
                w("    %s = %d," % (base % "CAP", p.loc[1]))
            elif p.kind == "regs":
                w("    %s = %d," % (base % "MR", p.loc[1]))
            else:
                w("    %s = %d," % (base % "MR", p.loc[1]))
                if p.packed:
                    w("    %s = %d," % (base % "SHIFT", p.loc[2]))
                    w("    %s = 0x%x," % (base % "MASK", (1 << p.loc[3]) - 1))
        for p in inv.outs:
            w("    %s_OUT_%s = %d," % (inv.enum, p.name.upper(), p.loc[1]))
    w("};")
    w("")
    w("#ifdef K_WANT_INVOCATION_SHAPES")
    w("/* What the kernel checks before decoding: at least min_length message words and")
    w(" * extra_caps capabilities, else K_TRUNCATED_MESSAGE. Indexed by label. */")
    w("struct k_invocation_shape {")
    w("    uint8_t min_length;")
    w("    uint8_t extra_caps;")
    w("    const char *name;")
    w("};")
    w("")
    w("static const struct k_invocation_shape k_invocation_shapes[K_INVOCATION_COUNT] = {")
    w('    [K_INVALID_INVOCATION] = { 0, 0, "InvalidInvocation" },')
    for inv in invocations:
        if inv.smp:
            w("#if CONFIG_MAX_NUM_NODES > 1")
        w('    [%s] = { %d, %d, "%s" },' % (inv.enum, inv.min_length, len(inv.caps), inv.name))
        if inv.smp:
            w("#endif")
    w("};")
    w("#endif")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# k/invocations_gen.h

def c_value(p):
    """The C expression that places argument p in its message register."""
    if p.type == "bool":
        v = "(k_word_t)(%s ? 1 : 0)" % p.name
    else:
        v = "(k_word_t)%s" % p.name
    if p.packed:
        mask = (1 << p.loc[3]) - 1
        if p.type != "bool" and mask != (1 << p.width) - 1:
            v = "(%s & 0x%x)" % (v, mask)
        if p.loc[2]:
            v = "(%s << %d)" % (v, p.loc[2])
    return v


def c_comment(text, indent=""):
    lines = textwrap.wrap(text, 88 - len(indent))
    if len(lines) == 1:
        return "%s/* %s */" % (indent, lines[0])
    body = ("\n%s * " % indent).join(lines)
    return "%s/* %s */" % (indent, body)


def c_assign(lhs, terms):
    """lhs followed by the OR of terms, one term per line when it would be long."""
    one = lhs + " | ".join(terms) + ";"
    if len(one) <= 92:
        return one
    pad = " " * (len(lhs) - 2)
    return lhs + ("\n" + pad + "| ").join(terms) + ";"


def wrapper_params(inv):
    params = ["k_cptr_t service"]
    for p in inv.ins:
        if p.kind == "cap":
            params.append("k_cptr_t %s" % p.name)
        elif p.kind == "regs":
            params.append("const struct k_user_context *%s" % p.name)
        else:
            params.append("%s %s" % (p.ctype, p.name))
    for p in inv.outs:
        if p.kind == "regs":
            params.append("struct k_user_context *%s" % p.name)
        else:
            params.append("k_word_t *%s" % p.name)
    return params


def gen_wrapper(inv):
    out = []
    w = out.append
    w(c_comment("%d %s: %s" % (inv.label, inv.name, inv.brief)))
    params = wrapper_params(inv)
    head = "static inline enum k_error %s(" % inv.wrapper
    line, lines = head, []
    for k, prm in enumerate(params):
        piece = prm + (", " if k + 1 < len(params) else ")")
        if len(line) + len(piece.rstrip()) > 92 and line.strip() != head.strip():
            lines.append(line.rstrip())
            line = " " * len(head) + piece
        else:
            line += piece
    lines.append(line.rstrip())
    out.extend(lines)
    w("{")
    regs_in, regs_out = inv.in_regs, inv.out_regs
    needs_ipc = bool(inv.caps) or inv.min_length > REG_MRS or regs_in or regs_out
    if needs_ipc:
        w("    struct k_ipc_buffer *ipc = k_ipc_buffer();")
    # Group the word arguments by register.
    by_reg = {}
    for p in inv.words:
        by_reg.setdefault(p.loc[1], []).append(c_value(p))
    for r in range(REG_MRS):
        w(c_assign("    k_word_t mr%d = " % r, by_reg.get(r, ["0"])))
    for r in sorted(by_reg):
        if r >= REG_MRS:
            w(c_assign("    ipc->msg[%d] = " % r, by_reg[r]))
    length = str(inv.min_length)
    if regs_in:
        first = regs_in.loc[1]
        w("    k_word_t n = %s < K_USER_CONTEXT_WORDS ? %s : K_USER_CONTEXT_WORDS;"
          % (regs_in.count_param, regs_in.count_param))
        w("    for (k_word_t i = 0; i < n; i++) {")
        w("        k_word_t v = k_user_context_get(%s, i);" % regs_in.name)
        for r in range(first, REG_MRS):
            w("        %sif (i == %d) mr%d = v;" % ("" if r == first else "else ", r - first, r))
        w("        %sipc->msg[%d + i] = v;" % ("else " if first < REG_MRS else "", first))
        w("    }")
        length = "%d + n" % inv.min_length
    for p in inv.caps:
        w("    ipc->caps_or_badges[%d] = %s;" % (p.loc[1], p.name))
    w("    k_word_t info = k_call(service, k_msginfo_new(%s, 0, %d, %s)," % (inv.enum, len(inv.caps), length))
    w("                           &mr0, &mr1, &mr2, &mr3);")
    w("    enum k_error err = (enum k_error)k_msginfo_label(info);")
    w("    if (err != K_NO_ERROR) {")
    w("        k_stash_mrs(mr0, mr1, mr2, mr3);")
    w("        return err;")
    w("    }")
    if regs_out:
        cnt = regs_out.count_param
        w("    if (%s) {" % regs_out.name)
        w("        k_word_t n = k_msginfo_length(info);")
        w("        if (n > %s) n = %s;" % (cnt, cnt))
        w("        if (n > K_USER_CONTEXT_WORDS) n = K_USER_CONTEXT_WORDS;")
        w("        for (k_word_t i = 0; i < n; i++) {")
        w("            k_word_t v = i == 0 ? mr0 : i == 1 ? mr1 : i == 2 ? mr2 : i == 3 ? mr3 : ipc->msg[i];")
        w("            k_user_context_set(%s, i, v);" % regs_out.name)
        w("        }")
        w("    }")
    for p in inv.outs:
        if p.kind != "regs":
            src = "mr%d" % p.loc[1] if p.loc[1] < REG_MRS else "ipc->msg[%d]" % p.loc[1]
            w("    if (%s) *%s = %s;" % (p.name, p.name, src))
    w("    return K_NO_ERROR;")
    w("}")
    return "\n".join(out)


def gen_wrappers_h(invocations):
    out = []
    w = out.append
    w("/* libk's typed wrappers for every kernel invocation: each builds the message, performs")
    w(" * the Call on the invoked capability (`service`) and returns the reply's label, which is")
    w(" * the error code. MR0..3 travel in registers, MR4 on in the IPC buffer; capability")
    w(" * arguments go in the IPC buffer's caps_or_badges[]. Results come back through pointer")
    w(" * arguments (NULL: not wanted) and are written only on success. After an error, the")
    w(" * kernel's detail words are in k_ipc_buffer()->msg[0..]. See docs/abi.md.")
    w(" * %s */" % GEN_NOTE)
    w("#pragma once")
    w("#include <stdbool.h>")
    w("#include <stdint.h>")
    w("#include <k/abi.h>")
    w("#include <k/syscall.h>")
    w("#include <k/invocation.h>")
    for inv in invocations:
        w("")
        if inv.smp:
            w("#if CONFIG_MAX_NUM_NODES > 1")
        w(gen_wrapper(inv))
        if inv.smp:
            w("#endif")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# Documentation

def where_text(p):
    kind = p.loc[0]
    if kind == "cap":
        return "cap %d" % p.loc[1]
    if kind == "mrs":
        return "MR%d on" % p.loc[1]
    reg, lo, width = p.loc[1], p.loc[2], p.loc[3]
    if width == WORD_BITS:
        return "MR%d" % reg
    if width == 1:
        return "MR%d bit %d" % (reg, lo)
    return "MR%d bits %d–%d" % (reg, lo, lo + width - 1)


def type_text(p):
    if p.kind == "cap":
        return "cap (%s)" % p.cap_object
    if p.kind == "regs":
        return "registers"
    return p.type


def md_escape(s):
    return s.replace("|", "\\|")


def label_text(inv):
    """The label as docs show it: the uniprocessor number, and the multicore one when
    it differs."""
    if inv.smp:
        return "%d (multicore only)" % inv.label
    if inv.smp_before:
        return "%d (multicore: %d)" % (inv.label, inv.label + inv.smp_before)
    return "%d" % inv.label


def gen_docs_block(objects, invocations):
    out = []
    w = out.append
    w("<!-- %s Edit the table, then run tools/abigen.py --update-docs docs/abi.md. -->" % GEN_NOTE)
    w("")
    w("### Index")
    w("")
    w("| label | seL4 name | invoked on | libk wrapper | words | caps |")
    w("| ---: | --- | --- | --- | ---: | ---: |")
    for inv in invocations:
        words = str(inv.min_length) + (" + count" if inv.in_regs else "")
        w("| %s | %s | %s | `%s` | %s | %d |" % (label_text(inv), inv.name, inv.object.name, inv.wrapper,
                                                words, len(inv.caps)))
    w("")
    w("*words* and *caps* are the least the kernel accepts; fewer gives `K_TRUNCATED_MESSAGE`.")
    w("In the argument tables, *MRn* is message register n (MR0–MR3 in `a2`–`a5`, MR4 on in")
    w("the IPC buffer's `msg[n]`) and *cap n* is `caps_or_badges[n]` of the IPC buffer, holding")
    w("a CPtr the kernel looks up in the caller's CSpace. Every wrapper takes the invoked")
    w("capability first, as `service`, and returns `enum k_error`.")
    w("")
    w("Labels are those of seL4's uniprocessor build. A build with `CONFIG_MAX_NUM_NODES`")
    w("above 1 (ours by default: docs/smp.md) has the multicore-only invocations too, and, as")
    w("in seL4, every label after one of them is one higher: the *multicore* number.")
    for obj in objects:
        w("")
        w("### %s" % obj.name)
        if obj.about:
            w("")
            w(obj.about)
        for inv in obj.invocations:
            w("")
            w("#### %s %s: `%s`" % (label_text(inv), inv.name, inv.wrapper))
            w("")
            w(inv.brief)
            w("")
            if inv.ins:
                w("| argument | type | travels in | meaning |")
                w("| --- | --- | --- | --- |")
                for p in inv.ins:
                    w("| `%s` | %s | %s | %s |" % (p.name, type_text(p), where_text(p), md_escape(p.text)))
            else:
                w("No arguments: label only, length 0, no capabilities.")
            if inv.outs:
                w("")
                w("Results, in the reply on success:")
                w("")
                w("| result | type | travels in | meaning |")
                w("| --- | --- | --- | --- |")
                for p in inv.outs:
                    w("| `%s` | %s | %s | %s |" % (p.name, type_text(p), where_text(p), md_escape(p.text)))
            for r in inv.rights:
                w("")
                w("Rights: " + r)
            for nt in inv.notes:
                w("")
                w("Note: " + nt)
            errs = []
            explicit = any(c == "TRUNCATED_MESSAGE" for c, _ in inv.errors)
            if (inv.min_length or inv.caps) and not explicit:
                need = []
                if inv.min_length == 1:
                    need.append("is empty")
                elif inv.min_length:
                    need.append("is shorter than %d words" % inv.min_length)
                if len(inv.caps) == 1:
                    need.append("carries no extra capability")
                elif inv.caps:
                    need.append("carries fewer than %d extra capabilities" % len(inv.caps))
                errs.append(("TRUNCATED_MESSAGE", "the message " + " or ".join(need)))
            errs += [(c, t) for c, t in inv.errors]
            if errs:
                w("")
                w("Errors besides the common ones:")
                w("")
                for c, t in errs:
                    w("- `K_%s`: %s" % (c, t))
    return "\n".join(out) + "\n"


def gen_docs_file(objects, invocations):
    return ("# Invocation reference\n\n"
            "seL4 13.0.0 invocations on RISC-V (RV64, non-MCS), as this kernel implements them.\n"
            "The same text is the generated part of `docs/abi.md`, which also explains the\n"
            "common errors, the message-info word and the IPC buffer.\n\n"
            + gen_docs_block(objects, invocations))


def splice(doc, block, path):
    b, e = doc.find(BEGIN_MARK), doc.find(END_MARK)
    if b < 0 or e < 0 or e < b:
        raise TableError("%s: markers %s ... %s not found" % (path, BEGIN_MARK, END_MARK))
    return doc[:b + len(BEGIN_MARK)] + "\n" + block + doc[e:]


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def write_if_changed(path, text):
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    write(path, text)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--table", default=DEFAULT_TABLE, help="the invocation table")
    ap.add_argument("--outdir", help="write k/invocation.h, k/invocations_gen.h, abi-invocations.md here")
    ap.add_argument("--update-docs", metavar="FILE", help="rewrite FILE's generated part")
    ap.add_argument("--check-docs", metavar="FILE", help="exit 1 if FILE's generated part is stale")
    args = ap.parse_args(argv)
    try:
        objects, invocations = parse(args.table)
        block = gen_docs_block(objects, invocations)
        if args.outdir:
            # Always written, so the build sees them newer than the table and the script.
            write(os.path.join(args.outdir, "k", "invocation.h"), gen_invocation_h(invocations))
            write(os.path.join(args.outdir, "k", "invocations_gen.h"), gen_wrappers_h(invocations))
            write(os.path.join(args.outdir, "abi-invocations.md"), gen_docs_file(objects, invocations))
        if args.update_docs:
            with open(args.update_docs, encoding="utf-8") as f:
                doc = f.read()
            write_if_changed(args.update_docs, splice(doc, block, args.update_docs))
        if args.check_docs:
            with open(args.check_docs, encoding="utf-8") as f:
                doc = f.read()
            if splice(doc, block, args.check_docs) != doc:
                print("%s: the generated invocation reference is out of date; run "
                      "tools/abigen.py --update-docs %s" % (args.check_docs, args.check_docs),
                      file=sys.stderr)
                return 1
    except (TableError, OSError) as e:
        print("abigen: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
