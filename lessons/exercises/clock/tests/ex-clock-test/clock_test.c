/*
 * clock_test.c — the clock interface measured against the time-stamp counter itself.
 *
 * Calibration (pit.c) is given; what is tested is the conversion between ticks and time.
 * Waiting too long is tolerated generously, because the host may pause the virtual CPU;
 * ending a sleep early never is.
 */
#include <stdint.h>

#include "app.h"
#include "arch/x86.h"
#include "clock.h"
#include "libc.h"
#include "telemetry.h"

static int failures;
static char seen[160];  /* what a check observed, in words, for its FAIL line */

/* One console line for the learner (with what was seen, when the check fails) and one
 * telemetry record for the grader, which shows the learner that line's words. */
static void report(const char *name, int ok, const char *detail)
{
    char record[96];
    printf("  [%s] %s %s\n", ok ? " ok " : "FAIL", name, ok ? "" : detail);
    snprintf(record, sizeof record, "check name=%s result=%s", name, ok ? "pass" : "fail");
    telemetry_write(record);
    failures += !ok;
}

int app_main(void)
{
    clock_init();
    telemetry_write("ready app=ex-clock-test");
    uint64_t hz = clock_tsc_hz();
    printf("  TSC rate %lu Hz\n", hz);

    /* 1. Time moves: spin for 1 ms of ticks and read the clock on both sides. */
    uint64_t t0 = clock_ns(), r0 = rdtsc();
    while (rdtsc() - r0 < hz / 1000)
        cpu_relax();
    uint64_t t1 = clock_ns();
    printf("  1 ms of ticks read as %lu ns\n", t1 - t0);
    snprintf(seen, sizeof seen, "1 ms of TSC ticks went by, but clock_ns() went from %lu to %lu",
             t0, t1);
    report("advances", t1 > t0, seen);

    /* 2. The conversion is right: 20 ms of ticks must read as 20 ms, within 2 %.
     * Each clock reading is bracketed by two TSC reads: under emulation the host may pause
     * this CPU at any moment, so the ticks between the two clock readings are only known to
     * lie between (a1 - b0) and (b1 - a0). */
    uint64_t a0 = rdtsc();
    t0 = clock_ns();
    uint64_t b0 = rdtsc();
    while (rdtsc() - b0 < hz / 50)
        cpu_relax();
    uint64_t a1 = rdtsc();
    t1 = clock_ns();
    uint64_t b1 = rdtsc();
    uint64_t ticks_per_us = hz / 1000000ull;
    uint64_t least_ns = (a1 - b0) * 1000ull / ticks_per_us;
    uint64_t most_ns = (b1 - a0) * 1000ull / ticks_per_us;
    uint64_t got = t1 - t0;
    printf("  20 ms of ticks: clock says %lu ns, ticks say %lu..%lu ns\n", got, least_ns, most_ns);
    snprintf(seen, sizeof seen, "20 ms of ticks (%lu..%lu ns by the TSC at %lu Hz) read as %lu ns",
             least_ns, most_ns, hz, got);
    report("scale", got + got / 50 >= least_ns && got <= most_ns + most_ns / 50, seen);

    /* 3. Sleep never ends early. */
    r0 = rdtsc();
    clock_sleep_us(20000);
    uint64_t r1 = rdtsc();
    uint64_t slept_us = (r1 - r0) / (hz / 1000000ull);
    printf("  clock_sleep_us(20000) took %lu us\n", slept_us);
    snprintf(seen, sizeof seen, "clock_sleep_us(20000) returned after %lu us, before 20000",
             slept_us);
    report("sleep-long-enough", r1 - r0 >= hz / 50, seen);

    /* 4. ... and does not sleep for ever either (a generous bound for a busy host). */
    snprintf(seen, sizeof seen, "clock_sleep_us(20000) took %lu us, more than 100000", slept_us);
    report("sleep-not-too-long", slept_us < 20000 * 5, seen);

    /* 5. Sleeping agrees with the clock. */
    t0 = clock_ns();
    clock_sleep_us(5000);
    t1 = clock_ns();
    snprintf(seen, sizeof seen, "clock_sleep_us(5000) lasted %lu ns by clock_ns(), less than "
             "5000000", t1 - t0);
    report("sleep-by-clock", t1 - t0 >= 5000000ull, seen);

    printf("clock-test: %s\n", failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
