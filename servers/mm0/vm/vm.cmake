# mm0's VM-object core as a source list, for whoever builds mm0 (and the host tests):
#   include(${SRC_ROOT}/servers/mm0/vm/vm.cmake)
#   target_sources(mm0 PRIVATE ${MM0_VM_SOURCES})
#   target_include_directories(mm0 PRIVATE ${MM0_VM_DIR})
# Portable C11 needing only <stdint.h>, <stddef.h>, <stdbool.h> and memcpy/memmove/
# memset/strlen from <string.h>.
set(MM0_VM_DIR ${CMAKE_CURRENT_LIST_DIR})
set(MM0_VM_SOURCES
  ${MM0_VM_DIR}/radix.c
  ${MM0_VM_DIR}/object.c
  ${MM0_VM_DIR}/space.c
  ${MM0_VM_DIR}/map.c
  ${MM0_VM_DIR}/fork.c
  ${MM0_VM_DIR}/fault.c
  ${MM0_VM_DIR}/check.c)
