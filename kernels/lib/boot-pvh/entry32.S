/*
 * entry32.S — the first instruction of the image: from 32-bit protected mode to long mode.
 *
 * The PVH loader jumps here (the address is in pvh_note.S) with:
 *   - 32-bit protected mode, paging off, interrupts off, flat 4 GiB code and data segments;
 *   - EBX = physical address of the hvm_start_info structure;
 *   - no stack.
 * Entering 64-bit ("long") mode takes the steps below, in the order the CPU demands.
 */
#include "pvh.h"

#define CR0_PE      (1 << 0)        /* protected mode (already on) */
#define CR0_PG      (1 << 31)       /* paging */
#define CR4_PAE     (1 << 5)        /* 64-bit page-table entries: required by long mode */
#define MSR_EFER    0xc0000080      /* Extended Feature Enable Register */
#define EFER_LME    (1 << 8)        /* Long Mode Enable */

    .code32
    .section .text.pvh_entry32, "ax", @progbits
    .globl pvh_entry32
pvh_entry32:
    cli                             /* no interrupt handlers exist yet */
    cld                             /* string instructions count upwards (the C ABI assumes it) */

    /* A stack, so that `call` works. Paging is off, so this address is physical, which is
     * fine: the image is linked at the physical address it is loaded at. */
    movl $boot_stack_top, %esp

    /* Keep the start-info pointer in ESI: building page tables uses EDI, EAX, ECX. */
    movl %ebx, %esi

    /* 1. Page tables: 64-bit mode always translates addresses. */
    call pvh_build_page_tables

    /* 2. PAE on: long mode uses the 8-byte page-table entry format. */
    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4

    /* 3. CR3 points at the top-level table. */
    movl $boot_pml4, %eax
    movl %eax, %cr3

    /* 4. Ask for long mode; it becomes active when paging is switched on. */
    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    wrmsr

    /* 5. Paging on: the CPU is now in compatibility mode (long mode, 32-bit code). */
    movl %cr0, %eax
    orl $(CR0_PG | CR0_PE), %eax
    movl %eax, %cr0

    /* 6. A GDT with a 64-bit code segment, and a far jump into it: CS now has L=1 and the
     * next instruction is decoded as 64-bit code. */
    lgdt boot_gdt_ptr
    ljmp $BOOT_CS, $pvh_entry64
