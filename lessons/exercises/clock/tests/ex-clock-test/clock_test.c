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

static void report(const char *name, int ok)
{
    char record[96];
    printf("  [%s] %s\n", ok ? " ok " : "FAIL", name);
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
    report("advances", t1 > t0);

    /* 2. The conversion is right: 20 ms of ticks must read as 20 ms, within 2 %. */
    t0 = clock_ns();
    r0 = rdtsc();
    while (rdtsc() - r0 < hz / 50)
        cpu_relax();
    uint64_t r1 = rdtsc();
    t1 = clock_ns();
    uint64_t expect_ns = (r1 - r0) * 1000ull / (hz / 1000000ull);
    uint64_t got = t1 - t0;
    printf("  20 ms of ticks: clock says %lu ns, ticks say %lu ns\n", got, expect_ns);
    report("scale", got + got / 50 >= expect_ns && got <= expect_ns + expect_ns / 50);

    /* 3. Sleep never ends early. */
    r0 = rdtsc();
    clock_sleep_us(20000);
    r1 = rdtsc();
    uint64_t slept_us = (r1 - r0) / (hz / 1000000ull);
    printf("  clock_sleep_us(20000) took %lu us\n", slept_us);
    report("sleep-long-enough", r1 - r0 >= hz / 50);

    /* 4. ... and does not sleep for ever either (a generous bound for a busy host). */
    report("sleep-not-too-long", slept_us < 20000 * 5);

    /* 5. Sleeping agrees with the clock. */
    t0 = clock_ns();
    clock_sleep_us(5000);
    t1 = clock_ns();
    report("sleep-by-clock", t1 - t0 >= 5000000ull);

    printf("clock-test: %s\n", failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
