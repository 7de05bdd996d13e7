/*
 * gdt.c — the kernel's Global Descriptor Table and Task State Segment.
 *
 * In 64-bit mode segmentation is almost gone: code and data segments have no base or limit,
 * only a privilege level and the "long mode" bit. Two things still need the GDT:
 *   - the privilege level of the running code (ring 0 kernel, ring 3 user), and
 *   - the Task State Segment, which holds the stacks the CPU switches to on an interrupt.
 * We use one TSS stack slot (IST1) for the double fault: if the kernel stack itself is what
 * broke, the CPU still has a good stack on which to report it.
 */
#include <stdint.h>

#include "cpu.h"
#include "x86_tables.h"

/* 64-bit TSS layout (Intel SDM vol. 3, "Task-State Segment in 64-bit mode"). */
struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];    /* stack for entering ring 0, 1, 2 from a less privileged ring */
    uint64_t reserved1;
    uint64_t ist[7];    /* IST1..IST7: stacks an IDT gate can ask for, whatever the ring */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base; /* offset of the I/O permission bitmap; past the end = none */
} __attribute__((packed));

static struct tss tss;

/* The stack for double faults, in the `.stack` region like the boot stack. */
static uint8_t double_fault_stack[4096] __attribute__((section(".stack"), aligned(16)));

/* Descriptors as 8-byte values: access byte in bits 40..47 (present, ring, type),
 * flags in 52..55 (L = 64-bit code, D/B, G = 4 KiB granularity). */
static uint64_t gdt[7] = {
    0,                      /* 0x00 null: the CPU requires it */
    0x00af9a000000ffff,     /* 0x08 kernel code: ring 0, L=1 */
    0x00cf92000000ffff,     /* 0x10 kernel data: ring 0, writable */
    0x00cff2000000ffff,     /* 0x18 user data: ring 3 */
    0x00affa000000ffff,     /* 0x20 user code: ring 3, L=1 */
    0, 0,                   /* 0x28 TSS: a 16-byte system descriptor, filled in below */
};

/* A TSS descriptor spreads the 64-bit base address over four fields. */
static void set_tss_descriptor(uint64_t base, uint32_t limit)
{
    gdt[5] = (limit & 0xffffull)
           | ((base & 0xffffffull) << 16)
           | (0x89ull << 40)                    /* present, ring 0, type "available 64-bit TSS" */
           | ((uint64_t)((limit >> 16) & 0xf) << 48)
           | (((base >> 24) & 0xffull) << 56);
    gdt[6] = base >> 32;
}

void gdt_init(void)
{
    tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)(double_fault_stack + sizeof double_fault_stack);
    tss.iomap_base = sizeof tss;
    set_tss_descriptor((uint64_t)&tss, sizeof tss - 1);

    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) gdtr = { sizeof gdt - 1, (uint64_t)gdt };
    __asm__ volatile("lgdt %0" : : "m"(gdtr));

    /* CS can only be changed by a far jump, call or return: push the new CS and the
     * address of the next instruction, and "return" to it. Then reload the data segments. */
    __asm__ volatile("pushq %[cs]\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movl %[ds], %%eax\n\t"
                     "movl %%eax, %%ds\n\t"
                     "movl %%eax, %%es\n\t"
                     "movl %%eax, %%ss\n\t"
                     :
                     : [cs] "i"(KERNEL_CS), [ds] "i"(KERNEL_DS)
                     : "rax", "memory");

    /* Load the task register: from now on the CPU finds the IST stacks in our TSS. */
    __asm__ volatile("ltr %w0" : : "r"((uint16_t)TSS_SEL));
}

/* Traps from ring 3 (an exception, an interrupt) switch to this stack: the CPU reads it from
 * the TSS, because the user's stack pointer cannot be trusted. Layouts with a user mode call
 * this; a library OS never leaves ring 0, so it never needs it. */
void cpu_set_kernel_stack(void *top)
{
    tss.rsp[0] = (uint64_t)top;
}
