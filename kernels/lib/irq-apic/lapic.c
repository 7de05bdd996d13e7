/*
 * lapic.c — the local APIC: switch it on, measure its timer, and sleep with it.
 *
 * Every register of the local APIC is 32 bits wide, 16-byte aligned, in one 4 KiB page whose
 * address the IA32_APIC_BASE model-specific register holds (0xfee00000 unless moved).
 *
 * The timer counts down from a value we write, at a rate the hardware does not tell us, and
 * interrupts when it reaches zero ("one-shot" mode). So irq_init() measures the rate once
 * against the calibrated clock, and irq_wait() turns "until time T" into a count.
 */
#include <stdint.h>

#include "apic.h"
#include "arch/x86.h"
#include "clock.h"
#include "cpu.h"
#include "irq.h"
#include "libc.h"
#include "telemetry.h"

#define MSR_APIC_BASE 0x1b
#define LAPIC_EOI 0x0b0
#define LAPIC_SPURIOUS 0x0f0 /* bit 8: the APIC is on; bits 0-7: the spurious vector */
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0
#define LVT_MASKED (1u << 16)
#define DIVIDE_BY_1 0xb
#define CALIBRATE_US 1000

volatile uint32_t *lapic_eoi;
static volatile uint8_t *lapic;
static uint64_t ticks_per_ms; /* of the APIC timer, measured by irq_init */

static uint32_t rd(uint32_t reg)
{
    return *(volatile uint32_t *)(lapic + reg);
}

static void wr(uint32_t reg, uint32_t value)
{
    *(volatile uint32_t *)(lapic + reg) = value;
}

/* The old 8259 PICs: writing their mask registers outside an initialisation sequence masks
 * every line, so the PIT and the serial port can never interrupt through them. */
static void mask_8259(void)
{
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

static void calibrate(void)
{
    wr(LAPIC_TIMER_DIVIDE, DIVIDE_BY_1);
    wr(LAPIC_LVT_TIMER, LVT_MASKED | VECTOR_TIMER); /* counting, but silent */
    wr(LAPIC_TIMER_INITIAL, 0xffffffffu);
    clock_sleep_us(CALIBRATE_US);
    uint32_t passed = 0xffffffffu - rd(LAPIC_TIMER_CURRENT);
    wr(LAPIC_TIMER_INITIAL, 0); /* stop it */
    ticks_per_ms = passed / (CALIBRATE_US / 1000);
    if (ticks_per_ms == 0)
        ticks_per_ms = 1;
}

int irq_init(void)
{
    if (lapic)
        return 0;
    clock_init();
    lapic = (volatile uint8_t *)(uintptr_t)(rdmsr(MSR_APIC_BASE) & ~0xfffull);
    lapic_eoi = (volatile uint32_t *)(lapic + LAPIC_EOI);
    mask_8259();
    if (cpu_set_interrupt_gate(VECTOR_TIMER, irq_wake_entry) < 0 ||
        cpu_set_interrupt_gate(VECTOR_DEVICE, irq_wake_entry) < 0 ||
        cpu_set_interrupt_gate(VECTOR_SPURIOUS, irq_spurious_entry) < 0) {
        lapic = 0;
        return -1;
    }
    wr(LAPIC_SPURIOUS, 0x100 | VECTOR_SPURIOUS);
    calibrate();
    wr(LAPIC_LVT_TIMER, VECTOR_TIMER); /* one-shot, unmasked; idle until a count is written */
    char rec[64];
    snprintf(rec, sizeof rec, "irq lapic_timer_khz=%llu", (unsigned long long)ticks_per_ms);
    telemetry_write(rec);
    return 0;
}

void irq_wait(uint64_t deadline_ns)
{
    uint64_t now = clock_ns();
    if (!lapic || deadline_ns <= now)
        return;
    uint64_t ticks = (deadline_ns - now) / 1000 * ticks_per_ms / 1000;
    if (ticks == 0)
        ticks = 1;
    if (ticks > 0xffffffffu)
        ticks = 0xffffffffu; /* about 4 s at 1 GHz: the caller simply waits again */
    wr(LAPIC_TIMER_INITIAL, (uint32_t)ticks);
    /* `sti` takes effect after the next instruction, so no interrupt can slip in between it
     * and `hlt`: one that is already waiting wakes the hlt at once. */
    __asm__ volatile("sti; hlt; cli" : : : "memory");
    wr(LAPIC_TIMER_INITIAL, 0);
}
