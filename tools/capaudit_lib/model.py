"""Tasks and what they hold, from one snapshot.

A task is the set of threads that share a CSpace root CNode; it is named by its
threads' DebugNameThread names (the first named thread, in snapshot order, gives the
task's name; every thread name matches in policies and queries). What a task holds is
every cap in the CNodes reachable from its root through CNode caps (its CSpace), each
with the path that reaches it; a thread's reply caps (in its TCB) are held too."""


class Task:
    def __init__(self, name, cspace):
        self.name, self.cspace = name, cspace
        self.threads = []          # tcb records
        self.held = []             # (cap, path); path = [(cnode obj, index), ...]
        self.cnodes = []           # CNode objects of its CSpace, root first

    @property
    def names(self):
        return [t["name"] for t in self.threads if t["name"]] or [self.name]

    def __repr__(self):
        return "Task(%s)" % self.name


class Model:
    def __init__(self, snap):
        self.snap = snap
        self.caps = snap.caps
        self.by_slot = snap.by_slot
        self.cnode_radix = {c["obj"]: c["radix"] for c in snap.cnodes}
        self.slots_of = {}         # cnode obj -> {index: cap}
        for c in self.caps:
            kind, obj, idx = c["container"]
            self.slots_of.setdefault((kind, obj), {})[idx] = c
        self.tcb_by_obj = {t["obj"]: t for t in snap.tcbs}
        self._make_tasks()
        self._names()

    def _make_tasks(self):
        by_root = {}
        self.tasks = []
        for t in self.snap.tcbs:
            key = t["cspace"] if t["cspace"] is not None else ("thread", t["obj"])
            task = by_root.get(key)
            if task is None:
                task = by_root[key] = Task(None, t["cspace"])
                self.tasks.append(task)
            task.threads.append(t)
        used = {}
        for task in self.tasks:
            base = next((t["name"] for t in task.threads if t["name"]), None)
            if base is None:
                base = "task@0x%x" % task.cspace if task.cspace is not None else "thread@0x%x" % task.threads[0]["obj"]
            used[base] = used.get(base, 0) + 1
            task.name = base if used[base] == 1 else "%s#%d" % (base, used[base])
        self.task_of_thread = {}
        for task in self.tasks:
            for t in task.threads:
                self.task_of_thread[t["obj"]] = task
            self._reach(task)

    def _reach(self, task):
        if task.cspace is None:
            return
        seen = {task.cspace}
        queue = [(task.cspace, [])]
        task.cnodes.append(task.cspace)
        while queue:
            cn, path = queue.pop(0)
            for idx in sorted(self.slots_of.get(("cnode", cn), {})):
                c = self.slots_of[("cnode", cn)][idx]
                p = path + [(cn, idx)]
                task.held.append((c, p))
                if c["type"] == "cnode" and c["obj"] not in seen:
                    seen.add(c["obj"])
                    task.cnodes.append(c["obj"])
                    queue.append((c["obj"], p))
        for t in task.threads:
            for idx, c in sorted(self.slots_of.get(("tcb", t["obj"]), {}).items()):
                if c["type"] == "reply" and not c.get("master"):
                    task.held.append((c, [("tcb", t["obj"], idx)]))

    def _names(self):
        """Object address -> readable name, from the threads that own or use it."""
        self.names = {}
        # A VSpace shared by several tasks is named after the one holding its original.
        for c in self.caps:
            if c["type"] == "page_table" and self.is_vspace(c["obj"]) and not isinstance(c["parent"], int):
                owner = self.holder_of_slot(c["slot"])
                if owner is not None:
                    self.names[c["obj"]] = "vspace:%s" % owner.name
        for task in self.tasks:
            if task.cspace is not None:
                self.names.setdefault(task.cspace, "cnode:%s" % task.name)
            for t in task.threads:
                tn = t["name"] or task.name
                self.names[t["obj"]] = "tcb:%s" % tn
                if t["vspace"] is not None:
                    self.names.setdefault(t["vspace"], "vspace:%s" % task.name)
                if t["ipcbuf"] is not None:
                    self.names.setdefault(t["ipcbuf"], "ipcbuf:%s" % tn)
        # Other objects: by type, address and the task holding the original cap.
        for c in self.caps:
            if c["obj"] in self.names or c["type"] in ("untyped", "reply") or c["obj"] == 0:
                continue
            owner = self.original_holder(c)
            self.names[c["obj"]] = "%s@0x%x%s" % (c["type"], c["obj"], " (%s)" % owner.name if owner else "")

    def original_holder(self, c):
        """The task holding the original of c's object: the cap not derived from a cap
        to the same object."""
        orig = c
        while isinstance(orig["parent"], int):
            p = self.by_slot[orig["parent"]]
            if p["type"] != c["type"] or p["obj"] != c["obj"]:
                break
            orig = p
        return self.holder_of_slot(orig["slot"])

    def holder_of_slot(self, slot):
        for task in self.tasks:
            for c, _ in task.held:
                if c["slot"] == slot:
                    return task
        return None

    def name_of(self, c):
        if c["type"] in ("untyped",):
            return "untyped@0x%x" % c["obj"]
        if c["type"] == "reply":
            t = self.tcb_by_obj.get(c["obj"])
            return "reply:%s" % (t["name"] if t else "0x%x" % c["obj"])
        if c["obj"] == 0 and c["type"] not in ("frame",):
            return c["type"]
        return self.names.get(c["obj"], "%s@0x%x" % (c["type"], c["obj"]))

    def slot_name(self, slot):
        c = self.by_slot.get(slot)
        if c is None:
            return "0x%x" % slot
        kind, obj, idx = c["container"]
        if kind == "tcb":
            t = self.tcb_by_obj.get(obj)
            return "tcb:%s[%d]" % (t["name"] if t and t["name"] else "0x%x" % obj, idx)
        return "%s[%d]" % (self.names.get(obj, "cnode@0x%x" % obj), idx)

    def find_task(self, name):
        for task in self.tasks:
            if name == task.name or name in task.names:
                return task
        return None

    def path_text(self, task, path):
        steps = [task.name]
        for i, step in enumerate(path):
            if step[0] == "tcb":
                steps.append("%s[%d]" % (self.names.get(step[1], "tcb@0x%x" % step[1]), step[2]))
            else:
                cn, idx = step
                steps.append("%s[%d]" % (self.names.get(cn, "cnode@0x%x" % cn), idx))
        return " -> ".join(steps)

    def is_vspace(self, obj):
        return any(t["vspace"] == obj for t in self.snap.tcbs)

    def resolve_object(self, spec):
        """An object named on the command line: 0xADDR, or kind:NAME as the tool names
        objects (tcb:NAME, cnode:TASK, vspace:TASK, ipcbuf:NAME, endpoint@0x...)."""
        if spec.startswith("0x"):
            try:
                v = int(spec, 16)
            except ValueError:
                return None
            return v if any(c["obj"] == v for c in self.caps) else None
        for obj, n in self.names.items():
            if n == spec or n.split(" (")[0] == spec:
                return obj
        for c in self.caps:
            n = self.name_of(c)
            if n == spec or n.split(" (")[0] == spec:
                return c["obj"]
        return None
