# Compile platform/fdt/{fdt,platform_info}.c the way the kernel does
# (freestanding RV64, -Werror) at several optimisation levels, and fail if
# an object references any symbol but fdt_*: GCC may emit memcpy/memset
# calls even under -ffreestanding, and the kernel has no libc.
# Invoked by ctest: cmake -DCC=... -DNM=... -DSRC_DIR=... -DOUT_DIR=... -P this
file(MAKE_DIRECTORY ${OUT_DIR})
set(flags -std=c11 -ffreestanding -fno-builtin -march=rv64imac -mabi=lp64 -mcmodel=medany
          -Wall -Wextra -Werror -c)
foreach(opt -O0 -O2 -Os)
  foreach(src fdt platform_info)
    set(obj ${OUT_DIR}/${src}${opt}.o)
    message("compile ${src}.c ${opt}: ${CC} ${flags}")
    execute_process(COMMAND ${CC} ${flags} ${opt} ${SRC_DIR}/${src}.c -o ${obj}
                    RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${src}.c ${opt} failed:\n${out}${err}")
    endif()
    execute_process(COMMAND ${NM} -u ${obj} OUTPUT_VARIABLE undef RESULT_VARIABLE rc)
    string(REGEX REPLACE "[ \t]*U fdt_[A-Za-z0-9_]*\n" "" foreign "${undef}")
    if(NOT rc EQUAL 0 OR NOT foreign STREQUAL "")
      message(FATAL_ERROR "${src}.c ${opt} references non-fdt symbols:\n${foreign}")
    endif()
    message("  ok: clean, undefined symbols limited to fdt_*")
  endforeach()
endforeach()
