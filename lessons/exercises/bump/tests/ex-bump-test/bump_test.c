/*
 * bump_test.c — the grader's view of a bump allocator (recipe sets heap_kib = 4).
 *
 * Each check prints one console line and one telemetry record; the grader reads the
 * records, the learner reads the lines.
 */
#include <stdint.h>

#include "alloc.h"
#include "app.h"
#include "libc.h"
#include "telemetry.h"

#define HEAP 4096

static int failures;
static char seen[160];  /* what a check observed, in words, for its FAIL line */

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
    telemetry_write("ready app=ex-bump-test");

    uint8_t *a = malloc(1), *b = malloc(17), *c = malloc(100);
    report("returns-memory", a != NULL && b != NULL && c != NULL, "malloc(1/17/100) gave NULL");

    int aligned = a && b && c && ((uintptr_t)a % 16 == 0) && ((uintptr_t)b % 16 == 0)
                  && ((uintptr_t)c % 16 == 0);
    snprintf(seen, sizeof seen, "blocks at %p, %p, %p: each must be a multiple of 16",
             (void *)a, (void *)b, (void *)c);
    report("aligned", aligned, seen);

    /* The blocks must not overlap: each starts after the previous one's rounded size. */
    int apart = a && b && c && b >= a + 16 && c >= b + 32;
    snprintf(seen, sizeof seen, "malloc(1) gave %p, malloc(17) %p, malloc(100) %p: blocks "
             "overlap (did you round the size up?)", (void *)a, (void *)b, (void *)c);
    report("no-overlap", apart, seen);

    int writable = 0;
    if (a && b && c) {
        memset(c, 0x5a, 100);
        memset(b, 0xa5, 17);
        writable = c[0] == 0x5a && c[99] == 0x5a && b[16] == 0xa5;
    }
    report("writable", writable, "writing one block changed another");

    report("zero-size", malloc(0) == NULL, "malloc(0) must return NULL");
    report("too-big", malloc(HEAP + 1) == NULL, "a request bigger than the heap must fail");

    struct alloc_stats s;
    alloc_stats(&s);
    snprintf(seen, sizeof seen, "used_bytes is %lu and allocations %lu, expected 160 and 3",
             (unsigned long)s.used_bytes, (unsigned long)s.allocations);
    report("stats", s.used_bytes == 16 + 32 + 112 && s.allocations == 3, seen);

    /* Use up the rest: 4096 - 160 bytes in blocks of 16. */
    int n = 0;
    while (malloc(16) != NULL && n < 1000)
        n++;
    snprintf(seen, sizeof seen, "the heap held %d more 16-byte blocks, expected exactly 246", n);
    report("runs-out", n == (HEAP - 160) / 16, seen);
    report("stays-out", malloc(1) == NULL, "once full, every malloc must return NULL");

    printf("bump-test: %s\n", failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
