/*
 * pit.c — measure the TSC's rate with the PIT, a timer whose rate is known.
 *
 * The time-stamp counter (TSC) counts CPU clock ticks, but nothing tells us how many per
 * second. The 8254 Programmable Interval Timer (PIT) of every PC counts down at exactly
 * 1,193,182 Hz. So: let the PIT count for a few milliseconds, read the TSC before and after,
 * and divide. A longer window is more precise but delays boot (option `calibrate_ms`).
 *
 * We use channel 0 and poll its count. Channel 2 is the textbook choice, but its gate is
 * controlled through port 0x61, which QEMU's `microvm` machine does not have. Interrupts stay
 * off, so channel 0's tick interrupt is never delivered.
 */
#include <stdint.h>

#include "arch/x86.h"
#include "pit.h"

#define PIT_HZ 1193182u
#define PIT_CHANNEL0 0x40
#define PIT_COMMAND 0x43

/* Command byte: channel 0, access low byte then high byte, mode 2 (rate generator: count
 * down from the reload value, then start again), binary counting. */
#define PIT_CH0_MODE2 0x34
#define PIT_LATCH_CH0 0x00      /* freeze channel 0's count so both bytes match */

#define GIVE_UP_READS 100000    /* the count moves every 838 ns; if it never does, no PIT */

static uint16_t pit_count(void)
{
    outb(PIT_COMMAND, PIT_LATCH_CH0);
    uint8_t lo = inb(PIT_CHANNEL0);
    uint8_t hi = inb(PIT_CHANNEL0);
    return (uint16_t)((hi << 8) | lo);
}

uint64_t pit_measure_tsc_hz(unsigned ms)
{
    uint32_t target = PIT_HZ / 1000 * ms;   /* PIT ticks in the window */

    /* Reload value 0 means 65536: the longest period, so we never miss a wrap-around. */
    outb(PIT_COMMAND, PIT_CH0_MODE2);
    outb(PIT_CHANNEL0, 0);
    outb(PIT_CHANNEL0, 0);

    /* Wait for the first change of the count: that is a tick edge, a clean start. */
    uint16_t prev = pit_count();
    for (uint32_t reads = 0; pit_count() == prev; reads++) {
        if (reads == GIVE_UP_READS)
            return 0;
    }
    prev = pit_count();
    uint64_t tsc_start = rdtsc();

    /* The count goes down and wraps from 1 back to 65536; the difference modulo 2^16
     * (a uint16_t subtraction) is the number of ticks since the last read either way. */
    uint32_t elapsed = 0;
    while (elapsed < target) {
        uint16_t now = pit_count();
        elapsed += (uint16_t)(prev - now);
        prev = now;
    }
    uint64_t tsc_ticks = rdtsc() - tsc_start;

    return tsc_ticks * PIT_HZ / elapsed;
}
