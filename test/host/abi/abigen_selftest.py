#!/usr/bin/env python3
"""Checks of tools/abigen.py itself: the names it derives, that it rejects a table whose
argument placement breaks seL4's packing rule, and that --check-docs notices stale docs.
Usage: abigen_selftest.py <repo root>"""
import os
import shutil
import sys
import tempfile

root = os.path.abspath(sys.argv[1])
sys.dont_write_bytecode = True   # leave no __pycache__ in the source tree
sys.path.insert(0, os.path.join(root, "tools"))
import abigen  # noqa: E402

TABLE = os.path.join(root, "libs", "libk", "abi", "invocations.txt")
failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL: " + msg)


# Names: enum constants and wrappers, written out again by hand.
WANT = [
    ("K_UNTYPED_RETYPE", "k_untyped_retype"),
    ("K_TCB_READ_REGISTERS", "k_tcb_read_registers"),
    ("K_TCB_WRITE_REGISTERS", "k_tcb_write_registers"),
    ("K_TCB_COPY_REGISTERS", "k_tcb_copy_registers"),
    ("K_TCB_CONFIGURE", "k_tcb_configure"),
    ("K_TCB_SET_PRIORITY", "k_tcb_set_priority"),
    ("K_TCB_SET_MC_PRIORITY", "k_tcb_set_mc_priority"),
    ("K_TCB_SET_SCHED_PARAMS", "k_tcb_set_sched_params"),
    ("K_TCB_SET_IPC_BUFFER", "k_tcb_set_ipc_buffer"),
    ("K_TCB_SET_SPACE", "k_tcb_set_space"),
    ("K_TCB_SUSPEND", "k_tcb_suspend"),
    ("K_TCB_RESUME", "k_tcb_resume"),
    ("K_TCB_BIND_NOTIFICATION", "k_tcb_bind_notification"),
    ("K_TCB_UNBIND_NOTIFICATION", "k_tcb_unbind_notification"),
    ("K_TCB_SET_AFFINITY", "k_tcb_set_affinity"),
    ("K_TCB_SET_TLS_BASE", "k_tcb_set_tls_base"),
    ("K_CNODE_REVOKE", "k_cnode_revoke"),
    ("K_CNODE_DELETE", "k_cnode_delete"),
    ("K_CNODE_CANCEL_BADGED_SENDS", "k_cnode_cancel_badged_sends"),
    ("K_CNODE_COPY", "k_cnode_copy"),
    ("K_CNODE_MINT", "k_cnode_mint"),
    ("K_CNODE_MOVE", "k_cnode_move"),
    ("K_CNODE_MUTATE", "k_cnode_mutate"),
    ("K_CNODE_ROTATE", "k_cnode_rotate"),
    ("K_CNODE_SAVE_CALLER", "k_cnode_save_caller"),
    ("K_IRQ_ISSUE_IRQ_HANDLER", "k_irq_control_get"),
    ("K_IRQ_ACK_IRQ", "k_irq_handler_ack"),
    ("K_IRQ_SET_IRQ_HANDLER", "k_irq_handler_set_notification"),
    ("K_IRQ_CLEAR_IRQ_HANDLER", "k_irq_handler_clear"),
    ("K_DOMAIN_SET_SET", "k_domain_set_set"),
    ("K_RISCV_PAGE_TABLE_MAP", "k_riscv_page_table_map"),
    ("K_RISCV_PAGE_TABLE_UNMAP", "k_riscv_page_table_unmap"),
    ("K_RISCV_PAGE_MAP", "k_riscv_page_map"),
    ("K_RISCV_PAGE_UNMAP", "k_riscv_page_unmap"),
    ("K_RISCV_PAGE_GET_ADDRESS", "k_riscv_page_get_address"),
    ("K_RISCV_ASID_CONTROL_MAKE_POOL", "k_riscv_asid_control_make_pool"),
    ("K_RISCV_ASID_POOL_ASSIGN", "k_riscv_asid_pool_assign"),
    ("K_RISCV_IRQ_ISSUE_IRQ_HANDLER_TRIGGER", "k_irq_control_get_trigger"),
    # Ours, after seL4's labels (docs/abi.md, deliberate differences):
    ("K_AUDIT_SNAPSHOT", "k_audit_snapshot"),
]

_, invocations = abigen.parse(TABLE)
got = [(i.enum, i.wrapper) for i in invocations]
if got != WANT:
    for k, (g, w) in enumerate(zip(got, WANT)):
        if g != w:
            fail("label %d: got %s, want %s" % (k + 1, g, w))
    if len(got) != len(WANT):
        fail("%d invocations, want %d" % (len(got), len(WANT)))

text = open(TABLE, encoding="utf-8").read()


def must_reject(what, old, new):
    if old not in text:
        fail("%s: the table no longer has %r" % (what, old))
        return
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(text.replace(old, new, 1))
        path = f.name
    try:
        abigen.parse(path)
        fail("%s: accepted" % what)
    except abigen.TableError:
        pass
    finally:
        os.unlink(path)


# Placement mistakes the generator must catch.
must_reject("words out of order",
            "in  node_index   word        mr2", "in  node_index   word        mr3")
must_reject("sub-word field misplaced",
            "in  arch_flags     u8        mr0[15:8] architecture flags; none are defined on RISC-V, pass 0\n  in  count",
            "in  arch_flags     u8        mr0[7:0] architecture flags; none are defined on RISC-V, pass 0\n  in  count")
must_reject("bool given a whole register",
            "in  resume_target    bool    mr0[1]", "in  resume_target    bool    mr1")
must_reject("caps out of order",
            "in  src_root     cap:CNode  cap1", "in  src_root     cap:CNode  cap0")
must_reject("labels out of order", "invocation 17 CNodeDelete", "invocation 18 CNodeDelete")
must_reject("unknown error", "error DELETE_FIRST the slot is not empty", "error DELETE_1ST the slot is not empty")
must_reject("unknown type", "in  tls_base  word  mr0", "in  tls_base  wrd  mr0")

# --check-docs / --update-docs on a copy of docs/abi.md.
tmpdir = tempfile.mkdtemp()
try:
    doc = os.path.join(tmpdir, "abi.md")
    shutil.copy(os.path.join(root, "docs", "abi.md"), doc)
    if abigen.main(["--check-docs", doc]) != 0:
        fail("docs/abi.md is stale (run tools/abigen.py --update-docs docs/abi.md)")
    body = open(doc, encoding="utf-8").read()
    with open(doc, "w", encoding="utf-8") as f:
        f.write(body.replace("| 23 (multicore: 24) | CNodeRotate |", "| 23 (multicore: 24) | CNodeRotated |"))
    if abigen.main(["--check-docs", doc]) != 1:
        fail("--check-docs missed an edit in the generated part")
    if abigen.main(["--update-docs", doc]) != 0 or abigen.main(["--check-docs", doc]) != 0:
        fail("--update-docs did not bring the docs back up to date")
    if open(doc, encoding="utf-8").read() != body:
        fail("--update-docs changed more than the generated part")
    with open(doc, "w", encoding="utf-8") as f:
        f.write("no markers here\n")
    if abigen.main(["--check-docs", doc]) != 2:
        fail("--check-docs accepted a file without markers")
finally:
    shutil.rmtree(tmpdir)

print("abigen: %s" % ("%d failure(s)" % failures if failures else "all checks passed"))
sys.exit(1 if failures else 0)
