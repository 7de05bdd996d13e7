/*
 * stack.S — the boot stack, on which boot_main and the whole application run.
 *
 * It lives in the input section `.stack`, which the build does not load from the file (it is
 * only address space), and which the workbench shows as a region of kind "stack". Its size
 * is the option `stack_kib`. Nothing guards its lower end: a deep recursion silently
 * overwrites whatever the linker placed below it.
 */
#include "config.h"

    .section .stack, "aw", @nobits
    .balign 16                          /* the x86-64 ABI wants a 16-byte aligned stack */
    .globl boot_stack_bottom
    .globl boot_stack_top
boot_stack_bottom:
    .skip CONFIG_BOOT_PVH_STACK_KIB * 1024
boot_stack_top:                         /* stacks grow down: execution starts here */
