"""Output: JSON for other tools, a Graphviz graph, a text table."""
import json

IPC_TYPES = ("endpoint", "notification")


def cap_json(m, c):
    d = {k: v for k, v in c.items() if k not in ("line", "container")}
    kind, obj, idx = c["container"]
    d["container"] = {"kind": kind, "obj": "0x%x" % obj, "index": idx}
    for k in ("slot", "obj", "bytes", "badge", "guard", "used", "va"):
        if isinstance(d.get(k), int) and not isinstance(d.get(k), bool):
            d[k] = "0x%x" % d[k]
    if isinstance(c["parent"], int):
        d["parent"] = "0x%x" % c["parent"]
        d["parent_name"] = m.slot_name(c["parent"])
    else:
        d["parent"] = None if c["parent"] == "-" else "?"
    d["name"] = m.name_of(c)
    d["slot_name"] = m.slot_name(c["slot"])
    return d


def to_json(m):
    def hx(v):
        return None if v is None else "0x%x" % v
    tasks = []
    for t in m.tasks:
        tasks.append({
            "name": t.name, "threads": [th["name"] for th in t.threads], "cspace": hx(t.cspace),
            "cnodes": [hx(c) for c in t.cnodes],
            "holds": [{"slot": "0x%x" % c["slot"], "path": m.path_text(t, p), "type": c["type"],
                       "object": m.name_of(c), "rights": c["rights"], "badge": hx(c.get("badge"))}
                      for c, p in t.held]})
    threads = []
    for th in m.snap.tcbs:
        threads.append({"obj": hx(th["obj"]), "name": th["name"], "state": th["state"], "prio": th["prio"],
                        "task": m.task_of_thread[th["obj"]].name, "cspace": hx(th["cspace"]),
                        "vspace": hx(th["vspace"]), "ipcbuf": hx(th["ipcbuf"]), "ipcbuf_va": hx(th["ipcbuf_va"]),
                        "fault_ep": hx(th["fault_ep"]), "fault_slot": hx(th["fault_slot"]),
                        "fault_object": m.name_of(m.by_slot[th["fault_slot"]]) if th["fault_slot"] else None,
                        "notification": hx(th["ntfn"])})
    doc = {"format": "capaudit/1", "snapshot": m.snap.number, "tasks": tasks, "threads": threads,
           "cnodes": [{"obj": hx(c["obj"]), "radix": c["radix"], "name": m.names.get(c["obj"])} for c in m.snap.cnodes],
           "caps": [cap_json(m, c) for c in m.caps]}
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"


def _q(s):
    return '"%s"' % str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def to_dot(m):
    """Tasks (boxes), endpoints and notifications (ellipses), and the capabilities
    between them: task -> object for IPC caps (label: rights, badge), task -> task for
    caps to another task's TCB, CNode or VSpace; dashed: a thread's fault endpoint.
    Memory (untyped, frames, page tables) is summarised in each task's label."""
    out = ["digraph caps {", '  rankdir=LR; node [fontname="Helvetica" fontsize=10]; edge [fontname="Helvetica" fontsize=9];']
    owner_task = {}
    for t in m.tasks:
        for th in t.threads:
            owner_task[th["obj"]] = t
        if t.cspace is not None:
            owner_task[t.cspace] = t
    for obj, n in m.names.items():        # a VSpace belongs to the task named after it
        if n.startswith("vspace:") and m.find_task(n[7:]) is not None:
            owner_task[obj] = m.find_task(n[7:])
    ipc = {}
    for i, t in enumerate(m.tasks):
        counts = {}
        for c, _ in t.held:
            counts[c["type"]] = counts.get(c["type"], 0) + 1
        summary = ", ".join("%d %s" % (n, k) for k, n in sorted(counts.items())
                            if k in ("untyped", "frame", "page_table"))
        label = "%s\nthreads: %s" % (t.name, ", ".join(n for n in t.names))
        if summary:
            label += "\n" + summary
        out.append("  t%d [shape=box style=filled fillcolor=\"#dde8f8\" label=%s];" % (i, _q(label)))
    tid = {id(t): i for i, t in enumerate(m.tasks)}
    edges = set()
    roots = {o.cspace: o for o in m.tasks if o.cspace is not None}
    for t in m.tasks:
        for c, p in t.held:
            # Caps reached through another task's CSpace root are drawn as that task's
            # (the edge to its CNode says this task reaches them).
            if any(step[0] != "tcb" and step[0] in roots and roots[step[0]] is not t for step in p):
                continue
            if c["type"] in IPC_TYPES:
                node = "o%x" % c["obj"]
                if node not in ipc:
                    ipc[node] = m.name_of(c)
                    out.append("  %s [shape=ellipse label=%s];" % (node, _q(ipc[node])))
                lab = c["rights"] + (" badge 0x%x" % c["badge"] if c.get("badge") else "")
                e = (tid[id(t)], node, lab)
                if e not in edges:
                    edges.add(e)
                    out.append("  t%d -> %s [label=%s];" % (tid[id(t)], node, _q(lab)))
            elif c["type"] in ("tcb", "cnode", "page_table", "reply"):
                other = owner_task.get(c["obj"])
                if other is None or other is t:
                    continue
                kind = {"page_table": "vspace"}.get(c["type"], c["type"])
                e = (tid[id(t)], "t%d" % tid[id(other)], kind)
                if e not in edges:
                    edges.add(e)
                    out.append("  t%d -> t%d [label=%s color=\"#b03030\"];" % (tid[id(t)], tid[id(other)], _q(kind)))
    for t in m.tasks:
        for th in t.threads:
            if th["fault_slot"] is None:
                continue
            fc = m.by_slot[th["fault_slot"]]
            node = "o%x" % fc["obj"]
            if node not in ipc:
                ipc[node] = m.name_of(fc)
                out.append("  %s [shape=ellipse label=%s];" % (node, _q(ipc[node])))
            out.append("  t%d -> %s [style=dashed label=%s];" % (tid[id(t)], node, _q("fault (%s)" % th["name"])))
    out.append("}")
    return "\n".join(out) + "\n"


def to_table(m, only=None):
    """One row per capability a task holds (only: just that task), then the threads."""
    tasks = [only] if only else m.tasks
    rows = [("task", "slot", "type", "object", "rights", "badge", "parent")]
    for t in tasks:
        for c, p in t.held:
            badge = "0x%x" % c["badge"] if "badge" in c else ""
            parent = m.slot_name(c["parent"]) if isinstance(c["parent"], int) else c["parent"]
            rows.append((t.name, m.slot_name(c["slot"]), c["type"], m.name_of(c), c["rights"], badge, parent))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    for t in tasks:
        for th in t.threads:
            fault = m.name_of(m.by_slot[th["fault_slot"]]) if th["fault_slot"] else "none"
            lines.append("thread %-14s task %-12s %-12s prio %3d  vspace %s  ipcbuf %s  fault %s  ntfn %s" % (
                th["name"] or "?", t.name, th["state"], th["prio"],
                "0x%x" % th["vspace"] if th["vspace"] is not None else "-",
                "0x%x" % th["ipcbuf"] if th["ipcbuf"] is not None else "-", fault,
                "0x%x" % th["ntfn"] if th["ntfn"] is not None else "-"))
    return "\n".join(lines) + "\n"
