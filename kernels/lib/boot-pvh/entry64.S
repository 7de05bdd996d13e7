/*
 * entry64.S — first 64-bit instructions: segments, stack, then C.
 *
 * What we do not do: clear .bss. QEMU's ELF loader writes zeros over the part of each
 * loadable segment that the file does not contain (memory size > file size), which is where
 * .bss lies, and a freshly started virtual machine's RAM is zero anyway. A boot loader that
 * did not do this would need a `rep stosb` from __bss_start to __bss_end here.
 */
#include "pvh.h"

    .code64
    .section .text.pvh_entry64, "ax", @progbits
    .globl pvh_entry64
pvh_entry64:
    /* Data segment registers still hold 32-bit-era selectors: load the boot GDT's data
     * segment. In 64-bit mode their base and limit are ignored, but SS must be valid. */
    movl $BOOT_DS, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    movl %eax, %fs
    movl %eax, %gs

    /* The same stack, now addressed with a 64-bit register. */
    movq $boot_stack_top, %rsp

    /* The first C argument goes in RDI. `movl` zero-extends: after the mode switch the
     * upper halves of registers are undefined. */
    movl %esi, %edi

    /* RBP = 0 ends the chain of frame pointers, so a backtrace knows where to stop. */
    xorl %ebp, %ebp
    call boot_main

    /* boot_main never returns; if it did, stop here rather than run into whatever follows. */
1:  hlt
    jmp 1b
