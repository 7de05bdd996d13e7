/*
 * tsc.c — the clock interface on the time-stamp counter.
 *
 * Reading the TSC is one instruction (no device, no I/O port), which makes it the cheapest
 * clock there is. Once we know its rate (pit.c), time since boot is ticks / rate.
 * Sleeping spins on it: with a single application and nothing else to run, a busy wait is
 * the simplest correct sleep, and it needs no interrupts.
 */
#include <stdint.h>

#include "arch/x86.h"
#include "clock.h"
#include "config.h"
#include "libc.h"
#include "pit.h"
#include "telemetry.h"

/* Used only if the PIT is missing: a guess, announced as such in telemetry. */
#define ASSUMED_TSC_HZ 1000000000ull

#define NS_PER_S 1000000000ull
#define US_PER_S 1000000ull

static uint64_t tsc_hz;     /* 0 until clock_init has run */
static uint64_t tsc_at_init;

void clock_init(void)
{
    if (tsc_hz != 0)
        return;
    const char *source = "pit";
    uint64_t hz = pit_measure_tsc_hz(CONFIG_CLOCK_TSC_CALIBRATE_MS);
    if (hz == 0) {
        hz = ASSUMED_TSC_HZ;
        source = "assumed";
    }
    tsc_hz = hz;
    tsc_at_init = rdtsc();

    char record[64];
    snprintf(record, sizeof record, "clock tsc_hz=%lu source=%s", hz, source);
    telemetry_write(record);
}

/* ticks * scale / tsc_hz without overflowing 64 bits: whole seconds first, then the rest
 * (rest < tsc_hz, a few billion at most, times 10^9 still fits). */
static uint64_t scale_ticks(uint64_t ticks, uint64_t scale)
{
    return (ticks / tsc_hz) * scale + (ticks % tsc_hz) * scale / tsc_hz;
}

uint64_t clock_ns(void)
{
    if (tsc_hz == 0)
        clock_init();
    return scale_ticks(rdtsc() - tsc_at_init, NS_PER_S);
}

void clock_sleep_us(uint64_t us)
{
    if (tsc_hz == 0)
        clock_init();
    /* microseconds -> ticks, split the same way to avoid overflow */
    uint64_t ticks = (us / US_PER_S) * tsc_hz + (us % US_PER_S) * tsc_hz / US_PER_S;
    uint64_t start = rdtsc();
    while (rdtsc() - start < ticks)
        cpu_relax();
}

uint64_t clock_tsc_hz(void)
{
    if (tsc_hz == 0)
        clock_init();
    return tsc_hz;
}
