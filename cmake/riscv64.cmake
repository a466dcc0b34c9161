# Toolchain file for Debian's bare-metal RISC-V GCC (package gcc-riscv64-unknown-elf).
# Everything built with it is freestanding: no hosted libc, no start files.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv64)

set(CROSS riscv64-unknown-elf-)
set(CMAKE_C_COMPILER   ${CROSS}gcc)
set(CMAKE_ASM_COMPILER ${CROSS}gcc)
set(CMAKE_OBJCOPY      ${CROSS}objcopy CACHE FILEPATH "objcopy")
set(CMAKE_OBJDUMP      ${CROSS}objdump CACHE FILEPATH "objdump")

# CMake's compiler check would try to link a hosted program; a static library needs no libc.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# User code: rv64gc with hardware floating point (the seL4 ABI we match has F and D on).
# The kernel overrides -march/-mabi to stay integer-only, so it never clobbers user FP state.
set(CMAKE_C_FLAGS_INIT   "-march=rv64gc -mabi=lp64d -mcmodel=medany -ffreestanding -fno-builtin -fno-common -fno-pic -fno-stack-protector -Wall -Wextra -Werror")
set(CMAKE_ASM_FLAGS_INIT "-march=rv64gc -mabi=lp64d -mcmodel=medany")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -nostartfiles -static -Wl,--build-id=none")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
