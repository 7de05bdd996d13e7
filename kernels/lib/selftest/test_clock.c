/*
 * test_clock.c — check that time moves forward and that sleep waits long enough.
 *
 * A sleep must never end early; ending late is allowed within a tolerance, because the host
 * may pause the virtual CPU at any moment (other programs run on it too).
 */
#include <stdint.h>

#include "clock.h"
#include "config.h"
#include "libc.h"
#include "selftest.h"

#define SLEEP_MS CONFIG_SELFTEST_SLEEP_MS
#define TOLERANCE_PCT CONFIG_SELFTEST_SLEEP_TOLERANCE_PCT

void test_clock(void)
{
    char detail[128];

    uint64_t hz = clock_tsc_hz();
    snprintf(detail, sizeof detail, "TSC runs at %lu Hz", hz);
    check("clock-rate", hz >= 1000000, detail);     /* slower than 1 MHz is surely wrong */

    int monotonic = 1;
    uint64_t prev = clock_ns();
    for (int i = 0; i < 10000; i++) {
        uint64_t now = clock_ns();
        if (now < prev)
            monotonic = 0;
        prev = now;
    }
    check("clock-monotonic", monotonic, "10000 readings never go backwards");

    uint64_t want = (uint64_t)SLEEP_MS * 1000000;
    uint64_t limit = want + want * TOLERANCE_PCT / 100;
    uint64_t start = clock_ns();
    clock_sleep_us((uint64_t)SLEEP_MS * 1000);
    uint64_t slept = clock_ns() - start;
    snprintf(detail, sizeof detail, "asked %d ms, slept %lu us (allowed up to %lu us)",
             SLEEP_MS, slept / 1000, limit / 1000);
    check("clock-sleep", slept >= want && slept <= limit, detail);
}
