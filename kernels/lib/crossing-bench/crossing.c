/*
 * crossing.c — the cost of one call through an interface, measured in TSC cycles.
 *
 * The function called is clock_tsc_hz(): after its first call (which calibrates the clock)
 * it returns a stored number and has no side effects, so what is measured is the call itself.
 * In a library OS that is a `call` and a `ret`; in the monolithic layout the same line calls
 * a generated stub that enters the kernel with `syscall`; in the microkernel the stub's
 * system call becomes a message to the clock server, which runs and replies.
 *
 * rdtsc is allowed in user mode (CR4.TSD is clear), so every layout reads the same clock.
 */
#include <stdint.h>

#include "app.h"
#include "arch/x86.h"
#include "clock.h"
#include "config.h"
#include "libc.h"
#include "telemetry.h"

#define CALLS CONFIG_CROSSING_BENCH_CALLS
#define ROUNDS CONFIG_CROSSING_BENCH_ROUNDS

/* volatile: the compiler must really add every result, so it cannot drop the calls. */
static volatile uint64_t sink;

/* The floor: the same loop, with nothing called. */
static uint64_t empty_loop(void)
{
    uint64_t start = rdtsc();
    for (int i = 0; i < CALLS; i++)
        sink += (uint64_t)i;
    return rdtsc() - start;
}

static uint64_t calls_loop(void)
{
    uint64_t start = rdtsc();
    for (int i = 0; i < CALLS; i++)
        sink += clock_tsc_hz();
    return rdtsc() - start;
}

int app_main(void)
{
    uint64_t hz = clock_tsc_hz();       /* calibrate now, outside the measurement */
    telemetry_write("ready app=crossing-bench");

    for (int round = 1; round <= ROUNDS; round++) {
        uint64_t floor = empty_loop();
        uint64_t cost = calls_loop();
        char record[128];
        snprintf(record, sizeof record,
                 "bench name=crossing round=%d calls=%d cycles_per_call=%lu loop_cycles=%lu",
                 round, CALLS, cost / CALLS, floor / CALLS);
        telemetry_write(record);
        printf("round %d: %lu cycles per call (loop alone: %lu)\n", round, cost / CALLS,
               floor / CALLS);
    }
    printf("crossing-bench: done (TSC %lu Hz)\n", hz);
    return 0;
}
