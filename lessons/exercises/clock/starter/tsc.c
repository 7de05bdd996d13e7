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

/* ticks * scale / tsc_hz: ticks of the TSC converted to units of 1/scale seconds. */
static uint64_t scale_ticks(uint64_t ticks, uint64_t scale)
{
    /*
     * TODO (exercise "clock"): return ticks * scale / tsc_hz.
     *
     * Careful: written like that, ticks * scale overflows 64 bits. With scale = 10^9 (for
     * nanoseconds) that happens once ticks passes about 1.8 * 10^10 — after six seconds on a
     * 3 GHz TSC. Split the ticks into whole seconds (ticks / tsc_hz) and the rest
     * (ticks % tsc_hz), scale each part, and add them: the rest is below tsc_hz, so
     * rest * 10^9 stays far below 2^64.
     */
    (void)ticks;
    (void)scale;
    return 0;
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
    /*
     * TODO (exercise "clock"): turn `us` microseconds into TSC ticks (us * tsc_hz / 10^6,
     * split the same way as in scale_ticks), then spin with cpu_relax() until rdtsc() has
     * advanced by that many ticks since the start. Compare differences (now - start), never
     * absolute values: that stays right even if the counter wraps around.
     */
    (void)us;
}

uint64_t clock_tsc_hz(void)
{
    if (tsc_hz == 0)
        clock_init();
    return tsc_hz;
}
