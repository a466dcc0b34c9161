#!/usr/bin/env python3
"""Host tests of tools/capaudit. Usage: test_capaudit.py <repo root> [TestClass...]

Snapshots are written by hand in the line format of docs/audit.md (class Sys builds
them), so each test states the system and the answer it expects."""
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "..")
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(ROOT, "tools"))
from capaudit_lib import snapshot, model, policy, flow  # noqa: E402

CAPAUDIT = os.path.join(ROOT, "tools", "capaudit")
TCB_SLOTS = 0x760


class Sys:
    """A hand-made system: CNodes, threads (each with its own CNode unless told) and
    caps, printed as one snapshot."""

    def __init__(self):
        self.cn, self.tcbs, self.caps = [], [], []

    def cnode(self, obj, radix=4):
        self.cn.append((obj, radix))
        return obj

    def slot(self, cnode, idx):
        return cnode + 32 * idx

    def thread(self, obj, name, cspace, vspace=0x9000, fault_slot=None, ntfn=None, ipcbuf=None):
        self.tcbs.append(dict(obj=obj, name=name, cspace=cspace, vspace=vspace, fault_slot=fault_slot,
                              ntfn=ntfn, ipcbuf=ipcbuf))
        return obj

    def cap(self, cnode, idx, typ, obj, rights="RWGP", badge=None, parent=None, **extra):
        slot = self.slot(cnode, idx)
        f = "@cap v1 cap slot=0x%x type=%s obj=0x%x bytes=0x10 rights=%s rev=1" % (slot, typ, obj, rights)
        if typ in ("endpoint", "notification"):
            f += " badge=0x%x" % (badge or 0)
        if typ == "cnode":
            f += " radix=%d guard=0x0 guard_bits=0" % extra.get("radix", 4)
        if typ == "untyped":
            f += " bits=12 device=0 used=0x0"
        if typ == "frame":
            f += " bits=12 device=0"
        if typ == "page_table":
            f += " level=0"
        if typ == "reply":
            f += " master=0 grant=%d" % extra.get("grant", 0)
        f += " parent=%s" % ("0x%x" % parent if parent else "-")
        self.caps.append(f)
        return slot

    def lines(self):
        out = ["boot noise", "@cap v1 begin snap=1 slot_bytes=32 tcb_bytes=2048"]
        for obj, r in self.cn:
            out.append("@cap v1 cnode obj=0x%x radix=%d" % (obj, r))
        for t in self.tcbs:
            def ref(v):
                return "0x%x" % v if v is not None else "-"
            out.append("@cap v1 tcb obj=0x%x slots=0x%x nslots=5 name=%s state=running prio=10 mcp=10 "
                       "cspace=%s vspace=%s ipcbuf=%s ipcbuf_va=0x1000 fault_ep=0x%x fault_slot=%s ntfn=%s" % (
                           t["obj"], t["obj"] + TCB_SLOTS, t["name"], ref(t["cspace"]), ref(t["vspace"]),
                           ref(t["ipcbuf"]), 2 if t["fault_slot"] else 0, ref(t["fault_slot"]), ref(t["ntfn"])))
        out += self.caps
        out.append("@cap v1 end snap=1 caps=%d tcbs=%d cnodes=%d" % (len(self.caps), len(self.tcbs), len(self.cn)))
        return out

    def model(self):
        snaps, _ = snapshot.parse_log(self.lines())
        return model.Model(snaps[-1])


A_CN, B_CN, C_CN, SHARED = 0x10000, 0x20000, 0x30000, 0x40000
A_T, B_T, C_T = 0x50000, 0x51000, 0x52000
E, E2, N, U, U2 = 0x60000, 0x60010, 0x60020, 0x70000, 0x71000


def two_tasks(own_tcbs=False):
    """Tasks a and b, each a thread with a CNode of its own. With own_tcbs, each holds
    its own TCB cap (which, once sent anywhere, hands control of it over: rule T)."""
    s = Sys()
    for cn in (A_CN, B_CN):
        s.cnode(cn)
    s.thread(A_T, "a", A_CN)
    s.thread(B_T, "b", B_CN)
    if own_tcbs:
        s.cap(A_CN, 1, "tcb", A_T)
        s.cap(B_CN, 1, "tcb", B_T)
    return s


class Parser(unittest.TestCase):
    def good(self):
        s = two_tasks(own_tcbs=True)
        s.cap(A_CN, 2, "endpoint", E, badge=0)
        s.cap(B_CN, 2, "endpoint", E, rights="R---", badge=7, parent=s.slot(A_CN, 2))
        return s.lines()

    def bad(self, lines, *words):
        with self.assertRaises(snapshot.FormatError) as cm:
            snapshot.parse_log(lines)
        for w in words:
            self.assertIn(w, str(cm.exception))
        return cm.exception

    def test_good_snapshot(self):
        snaps, warnings = snapshot.parse_log(self.good())
        self.assertEqual(len(snaps), 1)
        self.assertEqual(warnings, [])
        s = snaps[0]
        self.assertEqual((len(s.caps), len(s.tcbs), len(s.cnodes)), (4, 2, 2))
        ep_b = s.by_slot[B_CN + 64]
        self.assertEqual(ep_b["container"], ("cnode", B_CN, 2))
        self.assertEqual(ep_b["parent"], A_CN + 64)
        self.assertEqual(ep_b["badge"], 7)
        self.assertEqual(ep_b["rights"], "R---")

    def replace(self, lines, old, new):
        out = [l.replace(old, new, 1) if old in l else l for l in lines]
        self.assertNotEqual(out, lines, "test bug: %r not found" % old)
        return out

    def test_version(self):
        e = self.bad(self.replace(self.good(), "@cap v1 end", "@cap v2 end"), "unsupported format version")
        self.assertEqual(e.line, len(self.good()))

    def test_missing_field(self):
        self.bad(self.replace(self.good(), " rights=R---", ""), "lacks rights=")

    def test_bad_values(self):
        self.bad(self.replace(self.good(), "obj=0x60000 bytes=0x10 rights=R---", "obj=60000 bytes=0x10 rights=R---"),
                 "is not a hex number")
        self.bad(self.replace(self.good(), "rights=R---", "rights=RX--"), "not a rights string")
        self.bad(self.replace(self.good(), "type=endpoint", "type=gizmo"), "not a capability type")
        self.bad(self.replace(self.good(), "state=running", "state=dancing"), "not a thread state")
        self.bad(self.replace(self.good(), "rev=1", "rev=2"), "0 or 1")
        self.bad(self.replace(self.good(), "name=a ", "name=a%zz "), "escaped name")

    def test_unknown_and_duplicate_fields(self):
        self.bad(self.replace(self.good(), "rev=1", "rev=1 colour=red"), "unknown field(s) colour")
        self.bad(self.replace(self.good(), "rev=1", "rev=1 rev=1"), "given twice")
        self.bad(self.replace(self.good(), "rev=1", "rev=1 stray"), "is not key=value")
        self.bad(self.replace(self.good(), "@cap v1 cnode", "@cap v1 gizmo"), "unknown record")

    def test_outside_snapshot(self):
        lines = self.good()
        e = self.bad(lines[2:], "outside a snapshot")
        self.assertEqual(e.line, 1)

    def test_counts_must_match(self):
        self.bad(self.replace(self.good(), "caps=4", "caps=5"), "end says caps=5", "has 4")

    def test_wrong_snapshot_number(self):
        self.bad(self.replace(self.good(), "end snap=1", "end snap=2"), "end of snapshot 2 inside snapshot 1")

    def test_parent_must_exist(self):
        self.bad(self.replace(self.good(), "parent=0x%x" % (A_CN + 64), "parent=0x123"), "parent 0x123 is not a slot")

    def test_slot_outside_every_cnode(self):
        self.bad(self.replace(self.good(), "slot=0x%x" % (B_CN + 64), "slot=0x99990"), "is in no CNode or thread")

    def test_kernel_slots(self):
        """A `kernel` record (the IRQ notification slots) holds caps of no task."""
        irq = 0x99000
        lines = self.good()
        lines.insert(2, "@cap v1 kernel slots=0x%x nslots=4 name=irq" % irq)
        cap = ("@cap v1 cap slot=0x%x type=notification obj=0x%x bytes=0x20 rights=-W-- rev=0 badge=0x4 parent=-"
               % (irq + 32 * 3, N))
        lines.insert(-1, cap)
        lines[-1] = lines[-1].replace("caps=4", "caps=5")
        snaps, _ = snapshot.parse_log(lines)
        c = snaps[0].by_slot[irq + 96]
        self.assertEqual(c["container"], ("kernel", irq, 3))
        m = model.Model(snaps[0])
        for t in m.tasks:
            self.assertNotIn(c["slot"], [h["slot"] for h, _ in t.held])
        # One past the kernel's slots is in no container.
        self.bad([l.replace("slot=0x%x" % (irq + 96), "slot=0x%x" % (irq + 128)) for l in lines],
                 "is in no CNode or thread")
        self.bad([l.replace(" name=irq", "") for l in lines], "kernel record lacks name=")

    def test_duplicate_slot(self):
        self.bad(self.replace(self.good(), "slot=0x%x" % (B_CN + 64), "slot=0x%x" % (A_CN + 64)), "appears twice")

    def test_parent_cycle(self):
        s = two_tasks()
        s.cap(A_CN, 2, "endpoint", E, parent=s.slot(A_CN, 3))
        s.cap(A_CN, 3, "endpoint", E, parent=s.slot(A_CN, 2))
        self.bad(s.lines(), "cycle")

    def test_fault_slot_must_exist(self):
        s = two_tasks()
        s.tcbs[0]["fault_slot"] = A_CN + 32 * 9
        self.bad(s.lines(), "fault_slot")

    def test_abort_and_incomplete(self):
        good = self.good()
        lines = good[:4] + ["@cap v1 abort snap=1 reason=changed"] + good + good[:4]
        snaps, warnings = snapshot.parse_log(lines)
        self.assertEqual(len(snaps), 1)
        self.assertEqual(len(warnings), 2)
        self.assertIn("aborted", warnings[0])
        self.assertIn("incomplete", warnings[1])

    def test_name_escapes(self):
        lines = self.replace(self.good(), "name=a ", "name=my%20task%3d1 ")
        snaps, _ = snapshot.parse_log(lines)
        self.assertEqual(snaps[0].tcbs[0]["name"], "my task=1")

    def test_random_damage_never_crashes(self):
        # Fixed-seed mutations of a good snapshot: each parses or is refused with a
        # FormatError; what parses also builds a model, flows and renders.
        import random
        from capaudit_lib import render
        rnd = random.Random(12)
        s = two_tasks(own_tcbs=True)
        s.cap(A_CN, 2, "endpoint", E)
        s.cap(B_CN, 2, "endpoint", E, rights="R-G-", badge=7, parent=s.slot(A_CN, 2))
        s.cap(A_CN, 3, "cnode", B_CN)
        s.tcbs[1]["fault_slot"] = s.slot(B_CN, 2)
        good = s.lines()
        refused = 0
        for _ in range(600):
            lines = list(good)
            i = rnd.randrange(len(lines))
            op = rnd.randrange(4)
            if op == 0:
                del lines[i]
            elif op == 1:
                lines.insert(i, lines[rnd.randrange(len(lines))])
            else:
                words = lines[i].split(" ")
                j = rnd.randrange(len(words))
                junk = rnd.choice(["", "=", "0x", "-", "?", "zz", "0x1", "99", "a=b", "slot=0x0", words[j] + "x"])
                words[j] = junk if op == 2 else words[j][:rnd.randrange(len(words[j]) + 1)]
                lines[i] = " ".join(words)
            try:
                snaps, _ = snapshot.parse_log(lines)
            except snapshot.FormatError as e:
                self.assertGreaterEqual(e.line, 1)
                refused += 1
                continue
            for sn in snaps:
                m = model.Model(sn)
                render.to_json(m), render.to_dot(m), render.to_table(m)
                f = flow.Flow(m)
                for t in m.tasks:
                    f.can(t.name, E)
                policy.check(m, *policy.parse("deny * tcb:other\nfault * a", "p"))
        self.assertGreater(refused, 300)

    def test_asid_and_va_together(self):
        s = two_tasks()
        s.cap(A_CN, 2, "frame", 0x80000)
        lines = self.replace(s.lines(), "bits=12 device=0", "bits=12 device=0 asid=1")
        self.bad(lines, "asid= and va= come together")


class Cli(unittest.TestCase):
    def run_tool(self, lines, *args):
        with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
            f.write("\n".join(lines) + "\n")
        try:
            return subprocess.run([sys.executable, CAPAUDIT, f.name] + list(args), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, universal_newlines=True), f.name
        finally:
            pass

    def test_malformed_gives_line_not_traceback(self):
        lines = two_tasks().lines()
        lines[3] = lines[3].replace("radix=4", "radix=four")
        r, path = self.run_tool(lines)
        os.unlink(path)
        self.assertEqual(r.returncode, 2)
        self.assertIn("%s:4: radix='four' is not a decimal number" % path, r.stderr)
        self.assertNotIn("Traceback", r.stderr)

    def test_no_snapshot(self):
        r, path = self.run_tool(["just", "console", "noise"])
        os.unlink(path)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no complete snapshot", r.stderr)

    def test_outputs(self):
        s = two_tasks()
        s.cap(A_CN, 2, "endpoint", E)
        s.cap(B_CN, 2, "endpoint", E, rights="R---", badge=3, parent=s.slot(A_CN, 2))
        r, path = self.run_tool(s.lines(), "--json", "-")
        self.assertEqual(r.returncode, 0, r.stderr)
        import json
        doc = json.loads(r.stdout)
        self.assertEqual([t["name"] for t in doc["tasks"]], ["a", "b"])
        self.assertEqual(doc["caps"][-1]["parent_name"], "cnode:a[2]")
        r, _ = self.run_tool(s.lines(), "--dot", "-")
        self.assertIn("digraph", r.stdout)
        self.assertIn('label="R--- badge 0x3"', r.stdout)
        r, _ = self.run_tool(s.lines())
        self.assertIn("cnode:b[2]", r.stdout)
        r, _ = self.run_tool(s.lines(), "--json", "/nonexistent/dir/x.json")
        self.assertEqual(r.returncode, 2)
        self.assertIn("/nonexistent/dir/x.json: No such file", r.stderr)
        self.assertNotIn("Traceback", r.stderr)
        r, _ = self.run_tool(s.lines(), "--task", "a")
        self.assertIn("cnode:a[2]", r.stdout)
        self.assertNotIn("cnode:b[2]", r.stdout)
        r, _ = self.run_tool(s.lines(), "--task", "zz")
        self.assertEqual(r.returncode, 2)
        r, _ = self.run_tool(s.lines(), "--snap", "2")
        self.assertEqual(r.returncode, 2)
        self.assertIn("1 complete snapshot", r.stderr)
        r, _ = self.run_tool(s.lines(), "--can", "b", "0xdead")
        self.assertEqual(r.returncode, 2)
        os.unlink(path)


class Policy(unittest.TestCase):
    def check(self, s, text):
        m = s.model()
        trusted, rules = policy.parse(text, "p")
        return policy.check(m, trusted, rules, "p")

    def test_syntax_errors(self):
        for text, word in (("allow * untyped", "unknown rule"), ("deny * gizmo", "unknown kind"),
                           ("deny *", "usage"), ("deny * tcb except", "usage"), ("fault *", "usage"),
                           ("deny * tcb:mine", "unknown kind")):
            with self.assertRaises(policy.PolicyError) as cm:
                policy.parse(text, "p")
            self.assertIn(word, str(cm.exception))
            self.assertIn("p:1:", str(cm.exception))

    def test_deny_with_nested_path(self):
        s = two_tasks()
        inner = s.cnode(0x48000)
        s.cap(B_CN, 4, "cnode", inner)
        s.cap(inner, 6, "untyped", U)
        v = self.check(s, "deny * untyped")
        self.assertEqual(len(v), 1)
        self.assertIn("p:1 (deny * untyped): task 'b' holds untyped untyped@0x70000", v[0])
        self.assertIn("at b -> cnode:b[4] -> cnode@0x48000 (b)[6]", v[0])

    def test_trust_and_except(self):
        s = two_tasks()
        s.cap(A_CN, 2, "untyped", U)
        s.cap(B_CN, 2, "untyped", U2)
        self.assertEqual(len(self.check(s, "deny * untyped")), 2)
        self.assertEqual(len(self.check(s, "trust a\ndeny * untyped")), 1)
        self.assertEqual(len(self.check(s, "deny * untyped except b")), 1)
        self.assertEqual(self.check(s, "deny b untyped except b"), [])

    def test_other(self):
        s = two_tasks()
        s.cap(A_CN, 2, "tcb", B_T)
        v = self.check(s, "deny * tcb:other")
        self.assertEqual(len(v), 1)             # a's cap to b's thread; not the own ones
        self.assertIn("task 'a' holds tcb tcb:b", v[0])
        self.assertEqual(len(self.check(s, "deny * tcb")), 1)
        s.cap(A_CN, 1, "tcb", A_T)
        self.assertEqual(len(self.check(s, "deny * tcb:other")), 1)   # its own TCB is fine
        self.assertEqual(len(self.check(s, "deny * tcb")), 2)         # one line per cap

    def test_vspace(self):
        s = two_tasks()
        s.tcbs[1]["vspace"] = 0x9100
        s.cap(A_CN, 2, "page_table", 0x9000)
        s.cap(A_CN, 3, "page_table", 0x9100)
        s.cap(A_CN, 4, "page_table", 0x9200)     # a lower table: nobody's VSpace
        v = self.check(s, "deny * vspace:other")
        self.assertEqual(len(v), 1)
        self.assertIn("0x9100", "".join(v) + hex(0x9100))
        self.assertEqual(len(self.check(s, "deny * vspace")), 2)

    def test_unless_from(self):
        # b holds a's IPC-buffer frame; once as a copy of a's cap (a granted it), once
        # as a copy of c's (c holds an alias of the same frame).
        s = two_tasks()
        s.cnode(C_CN)
        s.thread(C_T, "c", C_CN)
        s.tcbs[0]["ipcbuf"] = 0x88000
        a_cap = s.cap(A_CN, 2, "frame", 0x88000)
        c_cap = s.cap(C_CN, 2, "frame", 0x88000)
        s.cap(B_CN, 2, "frame", 0x88000, parent=a_cap)
        self.assertEqual(len(self.check(s, "deny b frame:other")), 1)
        self.assertEqual(self.check(s, "deny b frame:other unless-from a"), [])
        s.cap(B_CN, 3, "frame", 0x88000, parent=c_cap)
        v = self.check(s, "deny b frame:other unless-from a")
        self.assertEqual(len(v), 1)
        self.assertIn("cnode:b[3]", v[0])
        with self.assertRaises(policy.PolicyError):
            policy.parse("fault * mm0 unless-from a", "p")
        with self.assertRaises(policy.PolicyError):
            policy.parse("deny * frame unless-from", "p")

    def test_fault(self):
        s = two_tasks()
        s.thread(C_T, "mm0", C_CN)
        s.cnode(C_CN)
        s.cap(C_CN, 2, "endpoint", E, rights="R---")
        s.cap(A_CN, 2, "endpoint", E, rights="-WG-")
        s.cap(B_CN, 2, "endpoint", E2, rights="-WG-")
        s.tcbs[0]["fault_slot"] = s.slot(A_CN, 2)
        s.tcbs[1]["fault_slot"] = s.slot(B_CN, 2)
        v = self.check(s, "fault * mm0 except mm0")
        self.assertEqual(len(v), 1)
        self.assertIn("thread 'b' of task 'b' has fault endpoint endpoint@0x60010", v[0])
        s.tcbs[0]["fault_slot"] = None
        self.assertEqual(len(self.check(s, "fault * mm0 except mm0")), 2)

    def test_fault_if_present(self):
        s = two_tasks()
        self.assertEqual(self.check(s, "fault * mm0 if-present"), [])
        self.assertEqual(len(self.check(s, "fault * mm0")), 2)


class Flow(unittest.TestCase):
    def ep_pair(self, a_rights, b_rights):
        s = two_tasks()
        s.cap(A_CN, 2, "endpoint", E, rights=a_rights)
        s.cap(B_CN, 2, "endpoint", E, rights=b_rights, parent=s.slot(A_CN, 2))
        s.cap(A_CN, 3, "untyped", U)
        s.cap(B_CN, 3, "notification", N, rights="RW--", badge=1)
        return s

    def can(self, s, task, obj):
        m = s.model()
        return flow.Flow(m).can(task, obj)

    def test_grant_moves_caps_to_the_receiver(self):
        s = self.ep_pair("-WG-", "R---")
        k, steps = self.can(s, "b", U)
        self.assertEqual(k[0], "untyped")
        self.assertIn("[rule G]", steps[-1])
        self.assertTrue(steps[0].startswith("cnode:a holds untyped@0x70000"))
        # b gets a reply cap to a, but without Grant on its own cap it answers without caps.
        held = flow.Flow(s.model()).holdings("b")
        self.assertEqual(held[("reply", A_T, "RWGP", 0, False)][0], "replycap")
        self.assertIsNone(self.can(s, "a", N))

    def test_receivers_grant_makes_the_reply_grant(self):
        s = self.ep_pair("-WG-", "R-G-")
        k, steps = self.can(s, "a", N)
        self.assertIn("[rule U]", steps[-1])
        held = flow.Flow(s.model()).holdings("b")
        self.assertEqual(held[("reply", A_T, "RWGP", 0, True)][0], "replycap")

    def test_no_grant_no_flow(self):
        s = self.ep_pair("-W--", "R-G-")
        self.assertIsNone(self.can(s, "b", U))
        self.assertIsNone(self.can(s, "a", N))     # no G or P: no reply cap at all
        self.assertFalse([k for k in flow.Flow(s.model()).holdings("b") if k[0] == "reply"])

    def test_grant_reply_gives_a_reply_cap_without_grant(self):
        s = self.ep_pair("-W-P", "R---")
        self.assertIsNone(self.can(s, "b", U))
        self.assertIsNone(self.can(s, "a", N))
        held = flow.Flow(s.model()).holdings("b")
        self.assertIn(("reply", A_T, "RWGP", 0, False), held)

    def test_grant_reply_client_answered_with_caps(self):
        # GrantReply's purpose: the client's caps stay put, the server's can come back.
        s = self.ep_pair("-W-P", "R-G-")
        self.assertIsNone(self.can(s, "b", U))
        k, steps = self.can(s, "a", N)
        self.assertIn("[rule U]", steps[-1])

    def test_receiver_needs_read(self):
        s = self.ep_pair("-WG-", "-W--")
        self.assertIsNone(self.can(s, "b", U))

    def test_sender_needs_write(self):
        s = self.ep_pair("R-G-", "R---")
        self.assertIsNone(self.can(s, "b", U))

    def test_cap_to_the_carrying_endpoint_is_unwrapped(self):
        s = self.ep_pair("RWGP", "R---")
        held = flow.Flow(s.model()).holdings("b")
        self.assertNotIn(("endpoint", E, "RWGP", 0, False), held)
        self.assertIsNotNone(self.can(s, "b", U))

    def test_own_tcb_cap_sent_hands_control_over(self):
        s = self.ep_pair("-WG-", "R---")
        self.assertIsNone(self.can(s, "b", A_T))
        s = self.ep_pair("-WG-", "R---")
        s.cap(A_CN, 1, "tcb", A_T)
        k, steps = self.can(s, "b", A_T)
        self.assertIn("[rule G]", steps[-1])
        # b now controls a's thread: a can come to hold b's caps by rule T (or U).
        self.assertIsNotNone(self.can(s, "a", N))

    def test_notifications_carry_no_caps(self):
        s = two_tasks()
        s.cap(A_CN, 2, "notification", N, rights="RW--")
        s.cap(B_CN, 2, "notification", N, rights="RW--", parent=s.slot(A_CN, 2))
        s.cap(A_CN, 3, "untyped", U)
        self.assertIsNone(self.can(s, "b", U))

    def test_shared_cnode(self):
        s = two_tasks()
        s.cnode(SHARED)
        s.cap(A_CN, 2, "cnode", SHARED)
        s.cap(B_CN, 2, "cnode", SHARED, parent=s.slot(A_CN, 2))
        s.cap(A_CN, 3, "untyped", U)
        s.cap(B_CN, 3, "notification", N, rights="RW--")
        k, steps = self.can(s, "b", U)
        self.assertTrue(any("through a CNode cap" in x for x in steps))
        self.assertIsNotNone(self.can(s, "a", N))     # and the other way
        self.assertIsNone(self.can(two_tasks(), "a", B_T))

    def test_tcb_cap_one_way(self):
        s = two_tasks()
        s.cap(A_CN, 2, "tcb", B_T)
        s.cap(A_CN, 3, "untyped", U)
        s.cap(B_CN, 3, "notification", N, rights="RW--")
        k, steps = self.can(s, "b", U)
        self.assertIn("[rule T]", steps[-1])
        self.assertIsNone(self.can(s, "a", N))

    def test_disjoint_tasks(self):
        s = two_tasks()
        s.cap(A_CN, 3, "untyped", U)
        s.cap(B_CN, 3, "untyped", U2)
        self.assertIsNone(self.can(s, "b", U))
        self.assertIsNone(self.can(s, "a", U2))

    def test_transitive_chain(self):
        s = two_tasks()
        s.cnode(C_CN)
        s.thread(C_T, "c", C_CN)
        s.cap(A_CN, 2, "endpoint", E, rights="-WG-")
        s.cap(B_CN, 2, "endpoint", E, rights="R---")
        s.cap(B_CN, 3, "endpoint", E2, rights="-WG-")
        s.cap(C_CN, 3, "endpoint", E2, rights="R---")
        s.cap(A_CN, 4, "untyped", U)
        k, steps = self.can(s, "c", U)
        self.assertEqual(sum("[rule G]" in x for x in steps), 2)
        # a has no Read on E, and b's cap to E has no Grant, so b answers a's Call
        # without caps: nothing comes back to a.
        self.assertIsNone(self.can(s, "a", E2))
        self.assertTrue([k for k in flow.Flow(s.model()).holdings("c") if k[0] == "reply" and k[1] == B_T])

    def test_reply_caps_do_not_travel_over_ipc(self):
        # a -> b with GrantReply only (b gets a non-granting reply cap to a); b -> c
        # with Grant. c could get a's reply cap only if reply caps could be sent.
        s = two_tasks()
        s.cnode(C_CN)
        s.thread(C_T, "c", C_CN)
        s.cap(A_CN, 2, "endpoint", E, rights="-W-P")
        s.cap(B_CN, 2, "endpoint", E, rights="R---")
        s.cap(B_CN, 3, "endpoint", E2, rights="-WG-")
        s.cap(C_CN, 3, "endpoint", E2, rights="R---")
        f = flow.Flow(s.model())
        self.assertIn(("reply", A_T, "RWGP", 0, False), f.holdings("b"))
        # c does come to hold one, but only by receiving a's Call itself (b can send
        # it E): never through a message.
        self.assertEqual(f.holdings("c")[("reply", A_T, "RWGP", 0, False)][0], "replycap")
        for t in ("a", "b", "c"):
            for k, why in f.holdings(t).items():
                if k[0] == "reply":
                    self.assertNotIn(why[0], ("grant", "usereply"), (t, k, why))
        self.assertIsNone(f.can("a", E2))


if __name__ == "__main__":
    groups = sys.argv[2:] or None
    suite = unittest.TestSuite()
    loader = unittest.TestLoader()
    for name in groups or ["Parser", "Cli", "Policy", "Flow"]:
        suite.addTests(loader.loadTestsFromTestCase(globals()[name]))
    r = unittest.TextTestRunner(verbosity=1).run(suite)
    sys.exit(0 if r.wasSuccessful() else 1)
