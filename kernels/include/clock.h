/*
 * clock — time since boot and busy-wait sleeping.
 */
#ifndef WB_CLOCK_H
#define WB_CLOCK_H

#include <stdint.h>

/* Measure the clock's rate; safe to call more than once. Call before the others. */
void clock_init(void);

/* Nanoseconds since clock_init(); never goes backwards. */
uint64_t clock_ns(void);

/* Wait at least us microseconds (by spinning: no interrupts are needed). */
void clock_sleep_us(uint64_t us);

/* Ticks per second of the time-stamp counter, as measured by clock_init(). */
uint64_t clock_tsc_hz(void);

#endif
