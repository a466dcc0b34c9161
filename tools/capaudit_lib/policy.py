"""Policy files (docs/audit.md, "Policy format"): what each task may hold.

One rule a line; '#' starts a comment. Task patterns are shell-style globs matched
against every thread name of a task (and its task name); `*` is every task.

  trust  PATTERN...                          exempt from every rule below (root tasks)
  deny   PATTERN KIND[,KIND...] [except PATTERN...] [unless-from PATTERN...]
                                             matching tasks hold no cap of these kinds
                                             (unless-from: except caps whose parent in
                                             the derivation tree a matching task holds:
                                             caps that task granted)
  fault  PATTERN OWNER [if-present] [except PATTERN...]
                                             every thread of a matching task has a fault
                                             endpoint, and a task matching OWNER holds
                                             that endpoint with the Read right (serves
                                             it); if-present: only when such a task exists

KIND is a cap type (untyped, tcb, cnode, endpoint, notification, frame, page_table,
reply, irq_control, irq_handler, asid_control, asid_pool, domain, audit), `vspace` (a
page-table cap to some thread's VSpace root), or `any`; `KIND:other` narrows it to
objects of another task: a TCB not of its own threads, a VSpace or IPC-buffer frame
(frame:other) its own threads do not use, a CNode outside its own CSpace."""
import fnmatch
import shlex

from .snapshot import CAP_TYPES

KINDS = CAP_TYPES | {"vspace", "any"}


class PolicyError(Exception):
    pass


class Rule:
    def __init__(self, line, verb, who, what, exceptions, text, if_present=False, granters=()):
        self.line, self.verb, self.who, self.what = line, verb, who, what
        self.exceptions, self.text, self.if_present = exceptions, text, if_present
        self.granters = list(granters)


def parse(text, path="policy"):
    rules, trusted = [], []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            words = shlex.split(line)
        except ValueError as e:
            raise PolicyError("%s:%d: %s" % (path, n, e))
        verb, args = words[0], words[1:]

        def need(cond, usage):
            if not cond:
                raise PolicyError("%s:%d: usage: %s" % (path, n, usage))
        if verb == "trust":
            need(args, "trust PATTERN...")
            trusted += args
            continue
        exceptions, granters = [], []
        if "unless-from" in args:
            i = args.index("unless-from")
            granters = args[i + 1:]
            need(granters and verb == "deny" and "except" not in granters,
                 "deny PATTERN KIND[,KIND...] [except PATTERN...] [unless-from PATTERN...]")
            args = args[:i]
        if "except" in args:
            i = args.index("except")
            exceptions = args[i + 1:]
            need(exceptions, "... except PATTERN...")
            args = args[:i]
        if verb == "deny":
            need(len(args) == 2, "deny PATTERN KIND[,KIND...] [except PATTERN...]")
            kinds = []
            for k in args[1].split(","):
                base, _, qual = k.partition(":")
                if base not in KINDS or qual not in ("", "other"):
                    raise PolicyError("%s:%d: unknown kind %r (kinds: %s, each optionally :other)"
                                      % (path, n, k, ", ".join(sorted(KINDS))))
                kinds.append((base, qual == "other"))
            rules.append(Rule(n, "deny", args[0], kinds, exceptions, line, granters=granters))
        elif verb == "fault":
            present = "if-present" in args
            args = [a for a in args if a != "if-present"]
            need(len(args) == 2, "fault PATTERN OWNER [if-present] [except PATTERN...]")
            rules.append(Rule(n, "fault", args[0], args[1], exceptions, line, present))
        else:
            raise PolicyError("%s:%d: unknown rule %r (trust, deny, fault)" % (path, n, verb))
    return trusted, rules


def _matches(task, pattern):
    return any(fnmatch.fnmatchcase(n, pattern) for n in [task.name] + task.names)


def _kind_matches(m, task, c, kind, other):
    t = c["type"]
    if kind == "vspace":
        if t != "page_table" or not m.is_vspace(c["obj"]):
            return False
        return not other or all(th["vspace"] != c["obj"] for th in task.threads)
    if kind != "any" and kind != t:
        return False
    if not other:
        return True
    if t == "tcb":
        return c["obj"] not in [th["obj"] for th in task.threads]
    if t == "cnode":
        return c["obj"] not in task.cnodes or any(
            o is not task and o.cspace == c["obj"] for o in m.tasks)
    if t == "page_table":
        return m.is_vspace(c["obj"]) and all(th["vspace"] != c["obj"] for th in task.threads)
    if t == "frame":
        users = [th for th in m.snap.tcbs if th["ipcbuf"] == c["obj"]]
        return bool(users) and all(th not in task.threads for th in users)
    return True


def check(m, trusted, rules, path="policy"):
    """Violations, each one line naming the rule, the task, the cap and its path."""
    out = []
    for task in m.tasks:
        if any(_matches(task, p) for p in trusted):
            continue
        for r in rules:
            if not _matches(task, r.who) or any(_matches(task, p) for p in r.exceptions):
                continue
            where = "%s:%d (%s)" % (path, r.line, r.text)
            if r.verb == "deny":
                for c, p in task.held:
                    if r.granters and isinstance(c["parent"], int):
                        g = m.holder_of_slot(c["parent"])
                        if g is not None and any(_matches(g, q) for q in r.granters):
                            continue
                    for kind, other in r.what:
                        if _kind_matches(m, task, c, kind, other):
                            out.append("%s: task '%s' holds %s %s, rights %s%s, at %s" % (
                                where, task.name, c["type"], m.name_of(c), c["rights"],
                                " badge 0x%x" % c["badge"] if c.get("badge") else "",
                                m.path_text(task, p)))
                            break
            else:
                owners = [o for o in m.tasks if _matches(o, r.what)]
                if r.if_present and not owners:
                    continue
                for th in task.threads:
                    if th["fault_slot"] is None:
                        out.append("%s: thread '%s' of task '%s' has no fault endpoint (fault_ep 0x%x)" % (
                            where, th["name"], task.name, th["fault_ep"]))
                        continue
                    fc = m.by_slot[th["fault_slot"]]
                    served = [o for o in owners for c, _ in o.held
                              if c["type"] == "endpoint" and c["obj"] == fc["obj"] and "R" in c["rights"]]
                    if fc["type"] != "endpoint" or not served:
                        out.append("%s: thread '%s' of task '%s' has fault endpoint %s (cptr 0x%x, %s), "
                                   "not served by a task matching '%s'" % (
                                       where, th["name"], task.name, m.name_of(fc), th["fault_ep"],
                                       m.slot_name(fc["slot"]), r.what))
    return out
