/*
 * ioapic.c — the I/O APIC: which input line becomes which vector on which CPU.
 *
 * The I/O APIC has just two registers in memory: IOREGSEL picks one of its internal registers,
 * IOWIN reads or writes it. Input line n is described by the 64-bit "redirection entry" in
 * internal registers 0x10 + 2n (low half) and 0x11 + 2n (high half):
 *
 *   bits 0-7   vector             bit 13  polarity (0: active high)
 *   bits 8-10  delivery (0: fixed) bit 15  trigger (0: edge, 1: level)
 *   bit 11     destination mode    bit 16  mask (1: line ignored)
 *   bits 56-63 destination: the local APIC id of the CPU (ours is 0)
 *
 * Edge-triggered on purpose: the interrupt rings once when the line rises. The driver lowers
 * the line (acknowledges the device) before it checks for work, so new work always makes a new
 * edge; a level-triggered line would keep interrupting until the device was acknowledged,
 * which would have to happen inside the handler.
 */
#include <stdint.h>

#include "apic.h"
#include "irq.h"

#define IOAPIC_BASE 0xfec00000u
#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_VERSION 0x01 /* bits 16-23: number of input lines - 1 */
#define REDIRECTION(n) (0x10 + 2 * (n))

static volatile uint32_t *const ioapic = (volatile uint32_t *)(uintptr_t)IOAPIC_BASE;

static uint32_t ioapic_read(uint32_t reg)
{
    ioapic[IOREGSEL / 4] = reg;
    return ioapic[IOWIN / 4];
}

static void ioapic_write(uint32_t reg, uint32_t value)
{
    ioapic[IOREGSEL / 4] = reg;
    ioapic[IOWIN / 4] = value;
}

int irq_route(unsigned gsi)
{
    if (irq_init() < 0)
        return -1;
    unsigned lines = ((ioapic_read(IOAPIC_VERSION) >> 16) & 0xff) + 1;
    if (gsi >= lines)
        return -1;
    ioapic_write(REDIRECTION(gsi) + 1, 0);      /* destination: APIC id 0 */
    ioapic_write(REDIRECTION(gsi), VECTOR_DEVICE); /* fixed, active high, edge, unmasked */
    return 0;
}
