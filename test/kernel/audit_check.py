#!/usr/bin/env python3
"""Host-side check of the audit snapshots the in-target suites print (docs/audit.md).

test/kernel/suite/test_snapshot.c builds a known system and takes a snapshot after
each step, announcing it with an `audit-test: phase=NAME key=slot ...` line. Here
tools/capaudit reads that console log and every snapshot must show, capability for
capability, what the step did; the run image's snapshot must satisfy the project's
policy, and the planted violation must be reported precisely (exit status 1).

Usage: audit_check.py --logdir DIR   (the logs tools/test leaves in build/test-logs)
Prints `ok - audit/...` / `not ok - audit/...` lines; exits 1 if any is not ok."""
import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(ROOT, "tools"))
from capaudit_lib import snapshot, model  # noqa: E402
from capaudit_lib.flow import key_of as flowkey  # noqa: E402

CAPAUDIT = os.path.join(ROOT, "tools", "capaudit")
POLICY = os.path.join(ROOT, "policy", "system.policy")
results = []


def report(ok, name, why=""):
    results.append(ok)
    print("%s - audit/%s%s" % ("ok" if ok else "not ok", name, "" if ok else " # " + why))


class Phase:
    """The snapshot that follows one `audit-test: phase=` line, and its facts."""

    def __init__(self, snap, facts):
        self.m = model.Model(snap)
        self.f = facts
        root = self.m.find_task("ktest")
        if root is None:
            raise AssertionError("no task 'ktest' (the suite's root task)")
        self.rootcn = root.cspace
        self.root_vspace = root.threads[0]["vspace"]

    def root_slot(self, key):
        return self.m.by_slot.get(self.rootcn + 32 * self.f[key])

    def tcb(self, name):
        return next((t for t in self.m.snap.tcbs if t["name"] == name), None)

    def slots(self, cnode):
        return self.m.slots_of.get(("cnode", cnode), {})

    def ep_caps(self, obj):
        return sorted(c["slot"] for c in self.m.caps if c["type"] == "endpoint" and c["obj"] == obj)


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def is_cap(c, typ, obj=None, badge=None, rights=None, parent=None):
    return (c is not None and c["type"] == typ and (obj is None or c["obj"] == obj) and
            (badge is None or c.get("badge") == badge) and (rights is None or c["rights"] == rights) and
            (parent is None or c["parent"] == parent))


def check_ktest(path):
    name = os.path.basename(path)
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    try:
        snaps, _ = snapshot.parse_log(lines)
    except snapshot.FormatError as e:
        report(False, "%s: snapshots parse" % name, str(e))
        return
    report(bool(snaps), "%s: snapshots parse" % name, "no complete snapshot")
    report(" @cap v1 abort snap=1 reason=forged" in lines, "%s: a thread's '@cap' line is indented" % name,
           "the forged line is missing or not indented")
    # Each phase: the facts of its marker line, the first complete snapshot after it,
    # and the counts the target got back for it.
    phases, counts = {}, {}
    for n, line in enumerate(lines, 1):
        m = re.match(r"^audit-test: phase=(\w+)(.*)$", line)
        if m:
            facts = dict((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)", m.group(2)))
            snap = next((s for s in snaps if s.line > n), None)
            phases[m.group(1)] = (snap, facts)
        m = re.match(r"^audit-test: (\w+): (\d+) caps, (\d+) threads, (\d+) cnodes$", line)
        if m:
            counts[m.group(1)] = tuple(int(x) for x in m.group(2, 3, 4))
    want = ["built", "minted", "moved", "transferred", "called", "saved", "planted", "revoked", "destroyed"]
    for ph in want:
        if ph not in phases or phases[ph][0] is None:
            report(False, "%s: phase %s" % (name, ph), "no snapshot after its marker line")
            return
    p = {ph: Phase(*phases[ph]) for ph in want}
    b = p["built"]
    ep, ntfn = b.root_slot("ep"), b.root_slot("ntfn")

    def run(title, fn):
        try:
            fn()
            report(True, "%s: %s" % (name, title))
        except (AssertionError, KeyError, TypeError) as e:
            report(False, "%s: %s" % (name, title), str(e) or type(e).__name__)

    def counts_match():
        for ph in want:
            s = p[ph].m.snap
            expect(counts.get(ph) == (len(s.caps), len(s.tcbs), len(s.cnodes)),
                   "%s: target counted %s, the log has %d caps, %d threads, %d cnodes"
                   % (ph, counts.get(ph), len(s.caps), len(s.tcbs), len(s.cnodes)))

    def built():
        expect(is_cap(ep, "endpoint", badge=0, rights="RWGP"), "root slot %d is not the unbadged endpoint" % b.f["ep"])
        expect(b.m.by_slot[ep["parent"]]["type"] == "untyped", "the endpoint's parent is not an untyped")
        srv = b.tcb("audit-srv")
        expect(srv is not None, "no thread audit-srv")
        cn = b.root_slot("srv_cnode")
        expect(is_cap(cn, "cnode", obj=srv["cspace"]), "audit-srv's CSpace is not the CNode in root slot %d" % b.f["srv_cnode"])
        expect(b.m.cnode_radix[srv["cspace"]] == 4, "audit-srv's CNode is not 16 slots")
        s = b.slots(srv["cspace"])
        expect(sorted(s) == [1, 2, 3], "audit-srv's CNode holds slots %s, want 1, 2, 3" % sorted(s))
        expect(is_cap(s[1], "tcb", obj=srv["obj"], parent=b.root_slot("srv_tcb")["slot"]), "slot 1: its own TCB")
        expect(is_cap(s[2], "endpoint", obj=ep["obj"], badge=0x11, rights="RWGP", parent=ep["slot"]), "slot 2: endpoint badge 0x11")
        expect(is_cap(s[3], "notification", obj=ntfn["obj"], badge=0x5, rights="RW--", parent=ntfn["slot"]),
               "slot 3: notification badge 0x5")
        expect(srv["fault_slot"] == s[2]["slot"], "fault endpoint is not its slot 2")
        expect(srv["ntfn"] == ntfn["obj"], "bound notification is not ours")
        expect(srv["vspace"] == b.root_vspace, "its VSpace is not the root task's")
        expect(srv["ipcbuf"] is not None and srv["ipcbuf_va"] != 0, "no IPC buffer")
        expect(b.ep_caps(ep["obj"]) == sorted([ep["slot"], s[2]["slot"]]), "endpoint caps are not exactly the two")
        expect(b.m.find_task("audit-srv") is not None, "audit-srv is not a task of its own")

    def minted():
        m = p["minted"]
        srv = m.tcb("audit-srv")
        s = m.slots(srv["cspace"])
        expect(sorted(s) == [1, 2, 3, 4], "slots %s, want 1-4" % sorted(s))
        expect(is_cap(s[4], "endpoint", obj=ep["obj"], badge=0x22, rights="-W--", parent=ep["slot"]), "slot 4: minted -W-- badge 0x22")

    def moved():
        m = p["moved"]
        srv = m.tcb("audit-srv")
        s = m.slots(srv["cspace"])
        expect(sorted(s) == [1, 2, 3, 5], "slots %s, want 1, 2, 3, 5" % sorted(s))
        expect(is_cap(s[5], "endpoint", obj=ep["obj"], badge=0x22, rights="-W--", parent=ep["slot"]), "slot 5: the moved cap")

    def transferred():
        m = p["transferred"]
        srv = m.tcb("audit-srv")
        got = m.root_slot("recv")
        s3 = m.slots(srv["cspace"])[3]
        expect(is_cap(got, "notification", obj=ntfn["obj"], badge=0x5, rights="RW--", parent=s3["slot"]),
               "root slot %d: the notification from audit-srv, child of its slot 3" % m.f["recv"])
        expect(srv["state"] == "inactive", "audit-srv did not finish")

    def called():
        m = p["called"]
        srv, me = m.tcb("audit-srv"), m.tcb("ktest")
        expect(srv["state"] == "blocked_reply", "audit-srv is %s, not waiting for its reply" % srv["state"])
        mine = m.m.slots_of.get(("tcb", me["obj"]), {})
        theirs = m.m.slots_of.get(("tcb", srv["obj"]), {})
        reply, master = mine.get(3), theirs.get(2)
        expect(is_cap(master, "reply", obj=srv["obj"]) and master["master"], "audit-srv's TCB slot 2: its master reply cap")
        expect(is_cap(reply, "reply", obj=srv["obj"], parent=master["slot"]) and not reply["master"],
               "our TCB slot 3: a reply cap to audit-srv, child of its master")
        expect(reply["grant"], "the reply cap does not grant, but our (the receiver's) endpoint cap has Grant")
        expect(("reply", srv["obj"], "RWGP", 0, True) in [flowkey(c) for c, _ in m.m.find_task("ktest").held],
               "the reply cap is not among the root task's holdings")

    def saved():
        m = p["saved"]
        srv, me = m.tcb("audit-srv"), m.tcb("ktest")
        master = m.m.slots_of.get(("tcb", srv["obj"]), {}).get(2)
        expect(3 not in m.m.slots_of.get(("tcb", me["obj"]), {}), "our TCB still holds a reply cap")
        got = m.root_slot("saved")
        expect(is_cap(got, "reply", obj=srv["obj"], parent=master["slot"]) and not got["master"],
               "root slot %d: the saved reply cap to audit-srv, child of its master" % m.f["saved"])
        path = [pth for c, pth in m.m.find_task("ktest").held if c is got]
        expect(path and m.m.path_text(m.m.find_task("ktest"), path[0]) == "ktest -> cnode:ktest[%d]" % m.f["saved"],
               "the saved reply cap is not held in the root task's CSpace")

    def planted():
        pl = p["planted"]
        proc = pl.tcb("audit-proc")
        expect(proc is not None, "no thread audit-proc")
        s = pl.slots(proc["cspace"])
        expect(sorted(s) == [1, 2, 3], "audit-proc's slots %s" % sorted(s))
        expect(is_cap(s[2], "untyped", parent=pl.root_slot("small")["slot"]), "slot 2: a copy of the small untyped")
        expect(is_cap(s[3], "tcb", obj=pl.tcb("audit-srv")["obj"]), "slot 3: audit-srv's TCB")

    def revoked():
        r = p["revoked"]
        srv = r.tcb("audit-srv")
        s = r.slots(srv["cspace"])
        expect(sorted(s) == [1, 3], "slots %s, want 1, 3" % sorted(s))
        expect(r.ep_caps(ep["obj"]) == [ep["slot"]], "endpoint caps left: %s" % [hex(x) for x in r.ep_caps(ep["obj"])])
        expect(srv["fault_slot"] is None, "fault endpoint still resolves")
        expect(r.tcb("audit-proc") is None, "audit-proc still exists")

    def destroyed():
        d = p["destroyed"]
        expect(d.tcb("audit-srv") is None, "audit-srv still exists")
        expect(not [c for c in d.m.caps if c["type"] in ("endpoint", "notification") and c["obj"] in (ep["obj"], ntfn["obj"])],
               "caps to the endpoint or notification remain")
        expect(d.tcb("audit-proc") is None, "audit-proc still exists")

    for title, fn in (("target counts match the log", counts_match), ("built: the server's CSpace and thread", built),
                      ("minted", minted), ("moved", moved), ("transferred over IPC", transferred),
                      ("called: reply caps", called), ("saved: SaveCaller moves the reply cap", saved),
                      ("planted", planted), ("revoked", revoked), ("destroyed", destroyed)):
        run(title, fn)

    def deep():
        if "deep" not in phases or phases["deep"][0] is None:
            raise AssertionError("no snapshot after the phase=deep line")
        d = Phase(*phases["deep"])
        prev = d.root_slot("small")
        expect(is_cap(prev, "untyped"), "root slot %d: the small untyped" % d.f["small"])
        for i in range(d.f["n"]):
            c = d.m.by_slot.get(d.rootcn + 32 * (d.f["chain"] + i))
            expect(is_cap(c, "untyped", obj=prev["obj"], parent=prev["slot"]),
                   "copy %d: parent is not copy %d (%s)" % (i, i - 1, c and c["parent"]))
            prev = c
        # Parents beyond the kernel's stack may print '?', but only for caps inside the
        # boot untyped the chain comes from.
        root = d.m.by_slot[prev["slot"]]
        while isinstance(root["parent"], int):
            root = d.m.by_slot[root["parent"]]
        lo, hi = root["obj"], root["obj"] + root["bytes"]
        lost = [c for c in d.m.caps if c["parent"] == "?"]
        expect(all(lo <= c["obj"] < hi for c in lost), "parent=? outside the deep subtree")

    run("deep derivation chain: parents exact", deep)

    # The project's policy: the built system is clean; the planted violation is
    # reported, exactly, and the exit status says so.
    clean = capaudit(path, "--after", "^audit-test: phase=built", "--check", POLICY)
    report(clean.returncode == 0 and "0 violation(s)" in clean.stdout, "%s: policy clean on the built system" % name,
           clean.stdout + clean.stderr)
    bad = capaudit(path, "--after", "^audit-test: phase=planted", "--check", POLICY)
    v = [l for l in bad.stdout.splitlines() if l.startswith(POLICY)]
    ok = (bad.returncode == 1 and len(v) == 2 and
          "task 'audit-proc' holds untyped" in v[0] and "audit-proc -> cnode:audit-proc[2]" in v[0] and
          "task 'audit-proc' holds tcb tcb:audit-srv" in v[1] and "audit-proc -> cnode:audit-proc[3]" in v[1])
    report(ok, "%s: planted violation reported precisely" % name, "status %d: %r" % (bad.returncode, bad.stdout))


def capaudit(*args):
    return subprocess.run([sys.executable, CAPAUDIT] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)


def check_run(path):
    name = os.path.basename(path)
    r = capaudit(path, "--check", POLICY)
    report(r.returncode == 0 and "0 violation(s)" in r.stdout, "%s: run image satisfies the policy" % name,
           r.stdout + r.stderr)


def check_blk(path):
    """The block driver's clients' endpoint, in the run image on a virtio disk (or the
    initrd, RAM mode): root
    keeps the original, the driver receives (Read only), fs0 holds the one client copy
    (badge 2: Write, Grant, GrantReply); mm0 passed it on and kept none, and no other
    task holds any copy (docs/fs0.md "The disk")."""
    name = os.path.basename(path)
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    try:
        snaps, _ = snapshot.parse_log(lines)
        m = model.Model(snaps[-1])
        blk, fs0 = m.find_task("blk"), m.find_task("fs0")
        expect(blk is not None and fs0 is not None, "no blk or no fs0 task in the snapshot")
        ep = blk.cspace and [c for c, p in blk.held if c["type"] == "endpoint" and c["rights"] == "R---"]
        expect(len(ep) == 1, "blk holds %d receive-only endpoints, not 1" % len(ep or []))
        # Whose CSpace each copy sits in (mm0 reaches into every process's CNode, so
        # the CNode holding the slot decides, not who can reach it).
        # fs0's CSpace has levels (a root CNode over its thread CNode): every CNode of a
        # task's CSpace counts, the tasks that reach into others' (mm0, root) last.
        owner = {}
        for t in sorted(m.tasks, key=lambda t: t.name in ("mm0", "root")):
            for cn in [t.cspace] + list(t.cnodes):
                owner.setdefault(cn, t.name)
        holders = sorted((owner.get(c["container"][1], "?") if c.get("container") else
                          m.holder_of_slot(c["slot"]).name, c["rights"], c.get("badge"))
                         for c in m.caps if c["type"] == "endpoint" and c["obj"] == ep[0]["obj"])
        want = sorted([("root", "RWGP", 0), ("blk", "R---", 0), ("fs0", "-WGP", 2)])
        expect(holders == want, "holders of blk's endpoint: %r, want %r" % (holders, want))
        report(True, "%s: only fs0 holds a client copy of blk's endpoint (mm0 kept none)" % name)
    except (AssertionError, snapshot.FormatError, AttributeError, IndexError) as e:
        report(False, "%s: only fs0 holds a client copy of blk's endpoint (mm0 kept none)" % name, str(e))


def check_fs0_ep(path):
    """fs0's endpoint in the run image: mm0 keeps the original, fs0 receives on its one
    copy with Read (unbadged), mm0's pager calls it through exactly one copy badged
    FS0_BADGE_MM0 (0x1000: task index 0, which names no process), and every other copy
    sits in a process's CSpace, Write + GrantReply only, badged with a task index
    (docs/mm0.md "Files from fs0"). So no process can speak as mm0 to fs0."""
    name = os.path.basename(path)
    what = "%s: fs0's endpoint: one receiver, one pager copy in mm0, clients write-only" % name
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    try:
        snaps, _ = snapshot.parse_log(lines)
        m = model.Model(snaps[-1])
        fs0 = m.find_task("fs0")
        expect(fs0 is not None, "no fs0 task in the snapshot")
        owner = {}
        for t in sorted(m.tasks, key=lambda t: t.name in ("mm0", "root")):
            for cn in [t.cspace] + list(t.cnodes):
                owner.setdefault(cn, t.name)
        def holder(c):
            return owner.get(c["container"][1], "?") if c.get("container") else m.holder_of_slot(c["slot"]).name
        recv = [c for c, p in fs0.held if c["type"] == "endpoint" and c["rights"] == "RW--" and not c.get("badge")]
        expect(len(recv) == 1, "fs0 holds %d unbadged Read+Write endpoints, not 1" % len(recv))
        copies = [(holder(c), c["rights"], c.get("badge") or 0) for c in m.caps
                  if c["type"] == "endpoint" and c["obj"] == recv[0]["obj"]]
        pager = [c for c in copies if c[2] == 0x1000]
        expect(pager == [("mm0", "-W-P", 0x1000)], "copies badged 0x1000: %r" % pager)
        expect(sorted(c for c in copies if c[2] == 0) == [("fs0", "RW--", 0), ("mm0", "RWGP", 0)],
               "unbadged copies: %r" % sorted(c for c in copies if c[2] == 0))
        clients = [c for c in copies if c[2] not in (0, 0x1000)]
        bad = [c for c in clients if c[1] != "-W-P" or c[0] in ("mm0", "root") or not c[2] & 0xff]
        expect(clients and not bad, "client copies not write-only in a process: %r" % bad)
        report(True, what)
    except (AssertionError, snapshot.FormatError, AttributeError, IndexError) as e:
        report(False, what, str(e))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--logdir", required=True)
    a = ap.parse_args()
    for f in ("ktest-virt.log", "ktest-sifive_u.log"):
        path = os.path.join(a.logdir, f)
        if os.path.exists(path):
            check_ktest(path)
        else:
            report(False, "%s: log exists" % f, "missing")
    for f in ("quirks-virt.log", "quirks-sifive_u.log"):
        path = os.path.join(a.logdir, f)
        if os.path.exists(path):
            check_run(path)
        else:
            report(False, "%s: log exists" % f, "missing")
    for f in ("quirks-virt.log", "quirks-sifive_u.log"):   # the run image on virtio, on the initrd
        path = os.path.join(a.logdir, f)
        if os.path.exists(path):
            check_blk(path)
            check_fs0_ep(path)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
