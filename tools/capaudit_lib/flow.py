"""Flow analysis: what each task could come to hold (docs/audit.md, "Flow analysis").

A take-grant style closure over the snapshot, assuming every task does everything the
kernel lets it do (conspiracy). Subjects are tasks and CNodes; an authority is a cap
(type, object, rights, badge; reply caps: the thread and their grant flag). Rules:

  S  share     A subject holding a CNode cap to C can put any cap it holds into C
               and take any cap out of C (CNode invocations need no rights): A and C
               exchange everything. A task's CSpace root is such a share.
  G  grant     Task S holds a cap to endpoint E with Write and Grant, task R holds one
               to E with Read: every cap S holds that can be copied (not reply, IRQ
               control or zombie caps) can reach R, with its rights and badge; caps to
               E itself are not, as the kernel unwraps them to their badge.
  R  reply     S holds E with Write and (Grant or GrantReply), R holds E with Read:
               R can hold a reply cap to S's thread, granting if R's own cap to E has
               Grant (the receiver's right decides, as in seL4: GrantReply lets a
               client be answered with caps without giving its own caps away).
  U  use reply R holds a reply cap to a thread of S with grant: R's copyable caps can
               reach S in the reply.
  T  tcb       T holds a TCB cap to a thread of task X: T can install any CNode it
               holds as X's CSpace (TCB_SetSpace), so everything T holds can reach X.
               Not the reverse: a thread's CSpace cap can never be read back.

Not flows: untyped (retype makes new objects only), notifications (no caps travel),
fault messages (the fault handler's reply carries no caps), frames (memory, not caps)."""

NO_COPY = ("reply", "irq_control", "zombie")


def key_of(c):
    return (c["type"], c["obj"], c["rights"], c.get("badge", 0), bool(c.get("grant")))


def key_text(m, k):
    t, obj, rights, badge, grant = k
    if t == "reply":
        th = m.tcb_by_obj.get(obj)
        return "reply cap to thread '%s'%s" % (th["name"] if th else "0x%x" % obj, " (with grant)" if grant else "")
    name = m.names.get(obj, "%s@0x%x" % (t, obj))
    if t == "untyped":
        name = "untyped@0x%x" % obj
    s = "%s %s" % (t, name) if not name.startswith(t) else name
    if t in ("endpoint", "notification", "frame", "reply"):
        s += " rights %s" % rights
    if badge:
        s += " badge 0x%x" % badge
    return s


class Flow:
    def __init__(self, m):
        self.m = m
        self.subjects = [("task", t.name) for t in m.tasks] + [("cnode", c["obj"]) for c in m.snap.cnodes]
        self.task = {t.name: t for t in m.tasks}
        self.hold = {s: {} for s in self.subjects}
        for c in m.caps:
            kind, obj, idx = c["container"]
            if kind == "cnode":
                self.hold[("cnode", obj)].setdefault(key_of(c), ("initial", c["slot"]))
        for t in m.tasks:
            for c, p in t.held:
                if p and p[0][0] == "tcb":
                    self.hold[("task", t.name)].setdefault(key_of(c), ("initial", c["slot"]))
        self._close()

    def _add(self, s, k, why):
        if k not in self.hold[s]:
            self.hold[s][k] = why
            return True
        return False

    def _flow_all(self, src, dst, why, only_copyable):
        changed = False
        for k in list(self.hold[src]):
            if only_copyable and k[0] in NO_COPY:
                continue
            if only_copyable == "ipc" and why[0] == "grant" and k[0] == "endpoint" and k[1] == why[4]:
                continue      # unwrapped: a cap to the endpoint the message travels on
            changed |= self._add(dst, k, why)
        return changed

    def _close(self):
        m = self.m
        changed = True
        while changed:
            changed = False
            # S: CSpace roots, then any CNode cap held.
            for t in m.tasks:
                if t.cspace is not None and ("cnode", t.cspace) in self.hold:
                    s, c = ("task", t.name), ("cnode", t.cspace)
                    changed |= self._flow_all(c, s, ("root", c, s), False)
                    changed |= self._flow_all(s, c, ("root", s, c), False)
            for s in self.subjects:
                for k in list(self.hold[s]):
                    if k[0] == "cnode" and ("cnode", k[1]) in self.hold and ("cnode", k[1]) != s:
                        c = ("cnode", k[1])
                        changed |= self._flow_all(c, s, ("share", c, s, k), False)
                        changed |= self._flow_all(s, c, ("share", s, c, k), False)
            # G, R: per endpoint, who can send (with what) and who can receive.
            eps = {}
            for t in m.tasks:
                for k in self.hold[("task", t.name)]:
                    if k[0] == "endpoint":
                        eps.setdefault(k[1], []).append((t, k))
            for ep, holders in eps.items():
                recv = [(t, k) for t, k in holders if "R" in k[2]]
                for s, sk in holders:
                    if "W" not in sk[2]:
                        continue
                    for r, rk in recv:
                        if r is s:
                            continue
                        if "G" in sk[2]:
                            changed |= self._flow_all(("task", s.name), ("task", r.name),
                                                      ("grant", s.name, sk, rk, ep), "ipc")
                        if ("G" in sk[2] or "P" in sk[2]) and s.threads:
                            rep = ("reply", s.threads[0]["obj"], "RWGP", 0, "G" in rk[2])
                            changed |= self._add(("task", r.name), rep, ("replycap", s.name, sk, rk))
            # U, T
            for t in m.tasks:
                for k in list(self.hold[("task", t.name)]):
                    if k[0] in ("reply", "tcb"):
                        other = m.task_of_thread.get(k[1])
                        if other is None or other is t:
                            continue
                        if k[0] == "reply" and k[4]:
                            changed |= self._flow_all(("task", t.name), ("task", other.name),
                                                      ("usereply", t.name, k), True)
                        if k[0] == "tcb":
                            changed |= self._flow_all(("task", t.name), ("task", other.name),
                                                      ("tcb", t.name, k), False)

    def can(self, task_name, obj):
        """(key, steps) for the first authority over obj task may hold, or None."""
        s = ("task", task_name)
        for k in self.hold[s]:
            if k[1] == obj and k[0] != "reply":     # a reply cap names a thread, not its TCB
                return k, self.explain(s, k)
        return None

    def _sname(self, s):
        return s[1] if s[0] == "task" else self.m.names.get(s[1], "cnode@0x%x" % s[1])

    def explain(self, s, k, depth=0):
        steps, seen = [], set()
        while (s, k) not in seen:
            seen.add((s, k))
            why = self.hold[s][k]
            kt = key_text(self.m, k)
            if why[0] == "initial":
                steps.append("%s holds %s in slot %s" % (self._sname(s), kt, self.m.slot_name(why[1])))
                break
            if why[0] in ("root", "share"):
                src, dst = why[1], why[2]
                via = "its CSpace root" if why[0] == "root" else "a CNode cap (%s)" % key_text(self.m, why[3])
                steps.append("%s gets %s from %s through %s" % (self._sname(dst), kt, self._sname(src), via))
                s = src
            elif why[0] == "grant":
                steps.append("%s sends %s to %s over endpoint (sender holds %s, receiver %s) [rule G]" % (
                    why[1], kt, s[1], key_text(self.m, why[2]), key_text(self.m, why[3])))
                s = ("task", why[1])
            elif why[0] == "replycap":
                steps.append("%s gets %s when %s calls it (caller holds %s, receiver %s) [rule R]" % (
                    s[1], kt, why[1], key_text(self.m, why[2]), key_text(self.m, why[3])))
                # the caller's endpoint cap is what makes this possible
                s, k = ("task", why[1]), why[2]
            elif why[0] == "usereply":
                steps.append("%s replies with %s to %s using %s [rule U]" % (
                    why[1], kt, s[1], key_text(self.m, why[2])))
                s = ("task", why[1])
            elif why[0] == "tcb":
                steps.append("%s installs a CNode holding %s as %s's CSpace, using %s [rule T]" % (
                    why[1], kt, s[1], key_text(self.m, why[2])))
                s = ("task", why[1])
        return list(reversed(steps))

    def holdings(self, task_name):
        return self.hold[("task", task_name)]
