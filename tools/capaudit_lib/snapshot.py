"""The audit snapshot line format, version 1 (docs/audit.md, "Line format").

Every record is one console line: `@cap v1 <record> key=value ...`. A snapshot is
`begin`, then `cnode`, `tcb` and `cap` records, then `end` with the counts (or `abort`
when capabilities changed while it was being printed). Lines that do not start with
`@cap ` are other console output and are ignored. Anything malformed raises
FormatError with the line number."""
import re

VERSION = "v1"
CAP_TYPES = {"null", "frame", "untyped", "page_table", "endpoint", "notification", "reply",
             "cnode", "asid_control", "tcb", "asid_pool", "irq_control", "irq_handler",
             "zombie", "domain", "audit"}
STATES = {"inactive", "running", "blocked_send", "blocked_recv", "blocked_reply",
          "blocked_ntfn", "dead", "unknown"}
RIGHTS_RE = re.compile(r"^[R-][W-][G-][P-]$")
HEX_RE = re.compile(r"^0x[0-9a-f]+$")
DEC_RE = re.compile(r"^[0-9]+$")
NAME_RE = re.compile(r"^([A-Za-z0-9._-]|%[0-9a-f]{2})*$")

# Per record: key -> kind of value. "addr?" may be "-" (none).
COMMON_CAP = {"slot": "addr", "type": "type", "obj": "addr", "bytes": "addr", "rights": "rights",
              "rev": "bit", "parent": "parent"}
CAP_EXTRA = {
    "endpoint": {"badge": "addr"}, "notification": {"badge": "addr"},
    "cnode": {"radix": "dec", "guard": "addr", "guard_bits": "dec"},
    "untyped": {"bits": "dec", "device": "bit", "used": "addr"},
    "frame": {"bits": "dec", "device": "bit", "asid": "dec?", "va": "addr?"},
    "page_table": {"level": "dec", "asid": "dec?", "va": "addr?"},
    "reply": {"master": "bit", "grant": "bit"},
    "irq_handler": {"irq": "dec"},
    "asid_pool": {"asid_base": "dec"},
}
RECORDS = {
    "begin": {"snap": "dec", "slot_bytes": "dec", "tcb_bytes": "dec"},
    "end": {"snap": "dec", "caps": "dec", "tcbs": "dec", "cnodes": "dec"},
    "abort": {"snap": "dec", "reason": "word"},
    "cnode": {"obj": "addr", "radix": "dec"},
    "kernel": {"slots": "addr", "nslots": "dec", "name": "name"},
    "tcb": {"obj": "addr", "slots": "addr", "nslots": "dec", "name": "name", "state": "state",
            "prio": "dec", "mcp": "dec", "cspace": "addr-", "vspace": "addr-", "ipcbuf": "addr-",
            "ipcbuf_va": "addr", "fault_ep": "addr", "fault_slot": "addr-", "ntfn": "addr-"},
}


class FormatError(Exception):
    def __init__(self, line, msg):
        super().__init__("line %d: %s" % (line, msg))
        self.line, self.msg = line, msg


def _value(kind, v, line, key):
    def bad(what):
        raise FormatError(line, "%s=%r is not %s" % (key, v, what))
    base = kind.rstrip("?")
    if base == "addr-":
        if v == "-":
            return None
        base = "addr"
    if base == "parent":
        if v in ("-", "?"):
            return v
        base = "addr"
    if base == "addr":
        if not HEX_RE.match(v):
            bad("a hex number (0x...)")
        return int(v, 16)
    if base == "dec":
        if not DEC_RE.match(v):
            bad("a decimal number")
        return int(v)
    if base == "bit":
        if v not in ("0", "1"):
            bad("0 or 1")
        return v == "1"
    if base == "rights":
        if not RIGHTS_RE.match(v):
            bad("a rights string like RWGP or R---")
        return v
    if base == "type":
        if v not in CAP_TYPES:
            bad("a capability type")
        return v
    if base == "state":
        if v not in STATES:
            bad("a thread state")
        return v
    if base == "name":
        if not NAME_RE.match(v):
            bad("an escaped name")
        return re.sub(r"%([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), v)
    if base == "word":
        if not re.match(r"^[a-z_]+$", v):
            bad("a word")
        return v
    raise AssertionError(kind)


def parse_record(text, line):
    """One `@cap ...` line -> (record, {key: value}). Raises FormatError."""
    parts = text.split(" ")
    if len(parts) < 3 or parts[0] != "@cap":
        raise FormatError(line, "a record is '@cap v1 <record> key=value ...'")
    if parts[1] != VERSION:
        raise FormatError(line, "unsupported format version %r (this tool reads %s)" % (parts[1], VERSION))
    rec = parts[2]
    if rec not in RECORDS and rec != "cap":
        raise FormatError(line, "unknown record %r" % rec)
    fields = {}
    for tok in parts[3:]:
        if "=" not in tok:
            raise FormatError(line, "%r is not key=value" % tok)
        k, v = tok.split("=", 1)
        if k in fields:
            raise FormatError(line, "field %r given twice" % k)
        fields[k] = v
    if rec == "cap":
        if "type" not in fields:
            raise FormatError(line, "cap record without type=")
        _value("type", fields["type"], line, "type")
        spec = dict(COMMON_CAP)
        spec.update(CAP_EXTRA.get(fields["type"], {}))
    else:
        spec = RECORDS[rec]
    out = {}
    for k, kind in spec.items():
        if k not in fields:
            if kind.endswith("?"):
                continue
            raise FormatError(line, "%s record lacks %s=" % (rec, k))
        out[k] = _value(kind, fields[k], line, k)
    extra = set(fields) - set(spec)
    if extra:
        raise FormatError(line, "%s record has unknown field(s) %s" % (rec, ", ".join(sorted(extra))))
    if rec == "cap" and ("asid" in out) != ("va" in out):
        raise FormatError(line, "asid= and va= come together")
    return rec, out


class Snapshot:
    """One complete snapshot: records by kind, with the line each came from."""

    def __init__(self, number, line):
        self.number, self.line = number, line
        self.caps, self.tcbs, self.cnodes = [], [], []
        self.kernel = []       # slots the kernel holds caps in (the IRQ notifications)
        self.slot_bytes = 32
        self.end_line = None
        self.after = []        # console lines before `begin` (for --after)


def parse_log(lines):
    """All snapshots of a console log: (complete snapshots, warnings). Raises FormatError
    on a malformed record or an inconsistent snapshot."""
    snaps, warnings = [], []
    cur = None
    for n, raw in enumerate(lines, 1):
        text = raw.rstrip("\r\n").rstrip("\r")
        if not text.startswith("@cap "):
            continue
        rec, f = parse_record(text, n)
        if rec == "begin":
            if cur is not None:
                warnings.append("line %d: snapshot %d (line %d) never ended" % (n, cur.number, cur.line))
            cur = Snapshot(f["snap"], n)
            cur.slot_bytes = f["slot_bytes"]
            continue
        if cur is None:
            raise FormatError(n, "%s record outside a snapshot (no begin before it)" % rec)
        if rec in ("end", "abort") and f["snap"] != cur.number:
            raise FormatError(n, "%s of snapshot %d inside snapshot %d" % (rec, f["snap"], cur.number))
        if rec == "abort":
            warnings.append("line %d: snapshot %d aborted (%s)" % (n, cur.number, f["reason"]))
            cur = None
        elif rec == "end":
            for key, have in (("caps", cur.caps), ("tcbs", cur.tcbs), ("cnodes", cur.cnodes)):
                if f[key] != len(have):
                    raise FormatError(n, "end says %s=%d but the snapshot has %d such records"
                                      % (key, f[key], len(have)))
            cur.end_line = n
            validate(cur)
            snaps.append(cur)
            cur = None
        else:
            f["line"] = n
            {"cap": cur.caps, "tcb": cur.tcbs, "cnode": cur.cnodes, "kernel": cur.kernel}[rec].append(f)
    if cur is not None:
        warnings.append("snapshot %d (line %d) is incomplete: the log ends first" % (cur.number, cur.line))
    return snaps, warnings


def validate(s):
    """Cross-record checks: unique slots and objects, parents and fault slots that exist,
    every slot inside a CNode or thread of the snapshot."""
    slots = {}
    for c in s.caps:
        if c["slot"] in slots:
            raise FormatError(c["line"], "slot 0x%x appears twice (first on line %d)"
                              % (c["slot"], slots[c["slot"]]["line"]))
        slots[c["slot"]] = c
    for kind, recs in (("cnode", s.cnodes), ("tcb", s.tcbs)):
        seen = {}
        for r in recs:
            if r["obj"] in seen:
                raise FormatError(r["line"], "%s 0x%x appears twice (first on line %d)" % (kind, r["obj"], seen[r["obj"]]))
            seen[r["obj"]] = r["line"]
    regions = [(cn["obj"], cn["obj"] + (s.slot_bytes << cn["radix"]), "cnode", cn["obj"]) for cn in s.cnodes]
    regions += [(t["slots"], t["slots"] + s.slot_bytes * t["nslots"], "tcb", t["obj"]) for t in s.tcbs]
    regions += [(k["slots"], k["slots"] + s.slot_bytes * k["nslots"], "kernel", k["slots"]) for k in s.kernel]
    regions.sort()
    import bisect
    starts = [r[0] for r in regions]
    for c in s.caps:
        i = bisect.bisect_right(starts, c["slot"]) - 1
        if i < 0 or c["slot"] >= regions[i][1] or (c["slot"] - regions[i][0]) % s.slot_bytes:
            raise FormatError(c["line"], "slot 0x%x is in no CNode or thread of the snapshot" % c["slot"])
        lo, _, kind, obj = regions[i]
        c["container"] = (kind, obj, (c["slot"] - lo) // s.slot_bytes)
        p = c["parent"]
        if isinstance(p, int):
            if p not in slots:
                raise FormatError(c["line"], "parent 0x%x is not a slot of the snapshot" % p)
            if p == c["slot"]:
                raise FormatError(c["line"], "a cap cannot be its own parent")
    for t in s.tcbs:
        if t["fault_slot"] is not None and t["fault_slot"] not in slots:
            raise FormatError(t["line"], "fault_slot 0x%x is not a slot of the snapshot" % t["fault_slot"])
    # Parent links form a forest (no cycles).
    for c in s.caps:
        seen, p = set(), c
        while isinstance(p["parent"], int):
            if p["slot"] in seen:
                raise FormatError(c["line"], "parent links of slot 0x%x form a cycle" % c["slot"])
            seen.add(p["slot"])
            p = slots[p["parent"]]
    s.by_slot = slots
