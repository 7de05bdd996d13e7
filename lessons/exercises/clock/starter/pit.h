/*
 * pit.h — measuring the TSC against the PIT (pit.c), used by tsc.c.
 */
#ifndef CLOCK_TSC_PIT_H
#define CLOCK_TSC_PIT_H

#include <stdint.h>

/* TSC ticks per second, measured over `ms` milliseconds of PIT time; 0 if the PIT
 * does not count (missing). */
uint64_t pit_measure_tsc_hz(unsigned ms);

#endif
