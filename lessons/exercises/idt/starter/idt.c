/*
 * idt.c — the Interrupt Descriptor Table: which code runs for each exception.
 *
 * The first 32 vectors are reserved for CPU exceptions (divide error, page fault, ...).
 * Every gate points at a tiny stub in vectors.S that records the vector number and jumps to
 * common code. The table has only these 32 entries: interrupts stay disabled for the whole
 * run, so no device interrupt vector (32 and up) is ever delivered.
 */
#include <stdint.h>

#include "x86_tables.h"

#define EXCEPTION_VECTORS 32
#define DOUBLE_FAULT 8

/* One 16-byte gate: a 64-bit handler address split in three, plus selector and type. */
struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;      /* code segment the handler runs in */
    uint8_t ist;            /* 0, or which TSS interrupt stack to switch to */
    uint8_t type_attr;      /* present, ring allowed to use `int n`, gate type */
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

static struct idt_gate idt[EXCEPTION_VECTORS];

/* Present, ring 0, "interrupt gate": the CPU clears IF on entry, so handlers are not
 * themselves interrupted. */
#define GATE_INTERRUPT 0x8e

void idt_init(void)
{
    for (int v = 0; v < EXCEPTION_VECTORS; v++) {
        uint64_t handler = exception_stubs[v];
        /*
         * TODO (exercise "idt"): fill in idt[v] so the CPU can find the handler.
         *
         *  - the 64-bit handler address is split in three: bits 0-15 go to offset_low,
         *    bits 16-31 to offset_mid, bits 32-63 to offset_high;
         *  - selector: the kernel code segment, KERNEL_CS (the handler runs in ring 0);
         *  - ist: 0 means "stay on the current stack", except for the double fault, which
         *    gets its own known-good stack: IST_DOUBLE_FAULT (see gdt.c for why);
         *  - type_attr: GATE_INTERRUPT; reserved: 0.
         *
         * While the table is empty (all zeros) every gate is "not present": the first
         * exception raises another one, then a double fault, and the CPU gives up with a
         * triple fault — QEMU reports the run as one.
         */
        (void)handler;
    }

    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = { sizeof idt - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" : : "m"(idtr));
}
