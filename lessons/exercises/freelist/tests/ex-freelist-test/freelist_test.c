/*
 * freelist_test.c — reuse and coalescing, seen through malloc, free and alloc_stats.
 * The recipe gives the allocator a 16 KiB heap.
 */
#include <stdint.h>

#include "alloc.h"
#include "app.h"
#include "libc.h"
#include "telemetry.h"

#define HEAP (16 * 1024)

static int failures;

static void report(const char *name, int ok, const char *detail)
{
    char record[96];
    printf("  [%s] %s %s\n", ok ? " ok " : "FAIL", name, ok ? "" : detail);
    snprintf(record, sizeof record, "check name=%s result=%s", name, ok ? "pass" : "fail");
    telemetry_write(record);
    failures += !ok;
}

static size_t free_blocks(void)
{
    struct alloc_stats s;
    alloc_stats(&s);
    return s.free_blocks;
}

int app_main(void)
{
    telemetry_write("ready app=ex-freelist-test");

    /* Reuse: a freed block of the same size comes back. */
    void *a = malloc(100);
    free(a);
    void *a2 = malloc(100);
    report("reuse", a != NULL && a2 == a, "malloc after free should return the freed block");
    free(a2);

    /* Many rounds of malloc/free: without reuse a 16 KiB heap runs out quickly. */
    int survived = 1;
    for (int i = 0; i < 2000; i++) {
        void *p = malloc(64);
        if (p == NULL) {
            survived = 0;
            break;
        }
        memset(p, i, 64);
        free(p);
    }
    report("no-leak", survived, "2000 rounds of malloc(64)/free(64) exhausted the heap");

    /* Coalescing: three neighbours freed in the order right, left, middle. */
    uint8_t *x = malloc(1000), *y = malloc(1000), *z = malloc(1000);
    size_t before = free_blocks();
    free(z);
    free(x);
    free(y);
    size_t after = free_blocks();
    printf("  free blocks before %zu, after freeing three neighbours %zu\n", before, after);
    report("coalesce", x && y && z && after == 1,
           "freed neighbours must merge back into one free block");

    /* After everything is freed, almost the whole heap fits in one block again. */
    void *big = malloc(HEAP - 64);
    report("big-after-free", big != NULL, "one large block should fit once all is freed");
    free(big);

    /* Holes are filled first fit, and the address order of the list is kept. */
    uint8_t *p[6];
    for (int i = 0; i < 6; i++)
        p[i] = malloc(200);
    free(p[1]);
    free(p[3]);
    uint8_t *q = malloc(200);
    report("first-fit", q != NULL && q == p[1], "the lowest hole that fits should be used first");
    free(q);
    for (int i = 0; i < 6; i++) {
        if (i != 1)
            free(p[i]);
    }
    report("all-merged", free_blocks() == 1, "after freeing everything the heap is one block");

    struct alloc_stats s;
    alloc_stats(&s);
    report("stats", s.used_bytes == 0 && s.free_bytes == HEAP,
           "with nothing allocated, used_bytes is 0");

    printf("freelist-test: %s\n", failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
