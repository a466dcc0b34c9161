# Boot sbi_dump_dtb.bin under QEMU's default OpenSBI and collect the DTB it
# writes through semihosting (OUT_DIR/opensbi.dtb).  Run as a ctest fixture
# so a hang is a bounded test failure, never a stuck build.
# cmake -DQEMU=... -DPAYLOAD=... -DOUT_DIR=... -DMACHINE_ARGS="-M|virt|-smp|4" -P this
string(REPLACE "|" ";" MACHINE_ARGS "${MACHINE_ARGS}")
file(MAKE_DIRECTORY ${OUT_DIR})
file(REMOVE ${OUT_DIR}/opensbi.dtb)
message("boot: ${QEMU} ${MACHINE_ARGS} -kernel ${PAYLOAD}")
execute_process(
  COMMAND ${QEMU} ${MACHINE_ARGS} -display none -serial none -monitor none
          -semihosting-config enable=on,target=native -kernel ${PAYLOAD}
  WORKING_DIRECTORY ${OUT_DIR}
  TIMEOUT 30
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT EXISTS ${OUT_DIR}/opensbi.dtb)
  message(FATAL_ERROR "no DTB from OpenSBI (qemu result: ${rc})\n${out}${err}")
endif()
file(SIZE ${OUT_DIR}/opensbi.dtb sz)
message("  ok: OpenSBI handed over a ${sz}-byte DTB")
