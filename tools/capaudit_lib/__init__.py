"""tools/capaudit: read the kernel's audit snapshot (docs/audit.md) and report on it.

Modules: snapshot (the line format: parse and validate), model (tasks and what they
hold), render (JSON, Graphviz, text table), policy (--check), flow (--can)."""
