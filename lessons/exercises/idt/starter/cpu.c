/*
 * cpu.c — the cpu interface: set up the processor's tables, and halt.
 */
#include "cpu.h"
#include "x86_tables.h"

void cpu_init(void)
{
    /* The GDT first: the IDT's gates name the kernel code segment and the TSS's stacks. */
    gdt_init();
    idt_init();
}

void cpu_halt(void)
{
    __asm__ volatile("hlt" : : : "memory");
}
