/*
 * selftest.h — shared by the files of the selftest application.
 */
#ifndef SELFTEST_H
#define SELFTEST_H

/* Record one check: print it, emit a `check` telemetry record, remember failures.
 * name has no spaces; detail is free text for the console (may be ""). */
void check(const char *name, int ok, const char *detail);

void test_alloc(void);
void test_clock(void);

#endif
