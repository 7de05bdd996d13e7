/*
 * idt.c — the Interrupt Descriptor Table: which code runs for each exception.
 *
 * The first 32 vectors are reserved for CPU exceptions (divide error, page fault, ...).
 * Every gate points at a tiny stub in vectors.S that records the vector number and jumps to
 * common code. Sixteen more (32-47) are for interrupts — a timer, a network card — whose
 * provider installs its own entry code with cpu_set_interrupt_gate(); until then they are
 * "not present", and the CPU never delivers them as long as interrupts stay disabled.
 */
#include <stdint.h>

#include "cpu.h"
#include "x86_tables.h"

#define EXCEPTION_VECTORS 32
#define VECTORS (EXCEPTION_VECTORS + 16)
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

static struct idt_gate idt[VECTORS];

/* Present, ring 0, "interrupt gate": the CPU clears IF on entry, so handlers are not
 * themselves interrupted. */
#define GATE_INTERRUPT 0x8e

static void set_gate(int v, uint64_t handler)
{
    idt[v].offset_low = (uint16_t)handler;
    idt[v].selector = KERNEL_CS;
    idt[v].ist = (v == DOUBLE_FAULT) ? IST_DOUBLE_FAULT : 0;
    idt[v].type_attr = GATE_INTERRUPT;
    idt[v].offset_mid = (uint16_t)(handler >> 16);
    idt[v].offset_high = (uint32_t)(handler >> 32);
    idt[v].reserved = 0;
}

int cpu_set_interrupt_gate(uint8_t vector, cpu_entry_fn entry)
{
    if (vector < EXCEPTION_VECTORS || vector >= VECTORS)
        return -1;
    set_gate(vector, (uint64_t)(uintptr_t)entry);
    return 0;
}

void idt_init(void)
{
    for (int v = 0; v < EXCEPTION_VECTORS; v++)
        set_gate(v, exception_stubs[v]);

    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = { sizeof idt - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" : : "m"(idtr));
}
