/*
 * gdt64.S — the smallest Global Descriptor Table that lets us enter 64-bit mode.
 *
 * Long mode is switched on in two steps: setting EFER.LME and enabling paging puts the CPU
 * in "compatibility mode", still executing 32-bit code; only a far jump to a code segment
 * whose descriptor has the L (long) bit set starts 64-bit execution. So we need a table with
 * such a descriptor. The cpu component later installs the kernel's real GDT (with a TSS).
 *
 * Each descriptor is 8 bytes; in 64-bit mode base and limit are ignored for code and data,
 * only the access byte (present, ring, code/data) and the flag nibble (L, D, G) matter.
 */
#include "pvh.h"

    .section .rodata.boot_gdt, "a", @progbits
    .balign 8
boot_gdt:
    .quad 0                             /* 0x00: the CPU requires an unused null descriptor */
    .quad 0x00af9a000000ffff            /* 0x08 BOOT_CS: ring 0 code, L=1 (64-bit) */
    .quad 0x00cf92000000ffff            /* 0x10 BOOT_DS: ring 0 data, writable */
boot_gdt_end:

    /* The operand of lgdt: 16-bit limit (size - 1), then the base address. */
    .balign 8
    .globl boot_gdt_ptr
boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .quad boot_gdt
