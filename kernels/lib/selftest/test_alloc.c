/*
 * test_alloc.c — exercise malloc and free, whichever allocator the recipe chose.
 *
 * Many blocks of pseudo-random sizes are allocated and filled with a pattern that depends on
 * the block; if two blocks overlapped, one pattern would overwrite the other. Then half are
 * freed and allocated again (reusing holes, for an allocator that can), and finally all are
 * freed. alloc_stats() tells us whether the allocator reclaims memory at all; if it does,
 * everything freed must have merged back into one free block, and one allocation almost as
 * big as the heap must succeed.
 */
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "config.h"
#include "libc.h"
#include "selftest.h"
#include "telemetry.h"

#define BLOCKS CONFIG_SELFTEST_ALLOCATIONS
#define MAX_SIZE 512

static uint8_t *block[BLOCKS];
static size_t block_size[BLOCKS];
static uint64_t seed = 12345;

/* A linear congruential generator: the same "random" sizes on every run. */
static size_t random_size(void)
{
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return 1 + (size_t)((seed >> 33) % MAX_SIZE);
}

static uint8_t pattern(size_t i, size_t j)
{
    return (uint8_t)(i * 31 + j * 7 + 1);
}

/* Allocate block i and fill it; 0 if malloc failed. */
static int fill(size_t i)
{
    block_size[i] = random_size();
    block[i] = malloc(block_size[i]);
    if (block[i] == NULL)
        return 0;
    for (size_t j = 0; j < block_size[i]; j++)
        block[i][j] = pattern(i, j);
    return 1;
}

static int all_intact(void)
{
    for (size_t i = 0; i < BLOCKS; i++) {
        for (size_t j = 0; j < block_size[i]; j++) {
            if (block[i][j] != pattern(i, j))
                return 0;
        }
    }
    return 1;
}

static void emit_stats(const struct alloc_stats *s)
{
    char record[160];
    snprintf(record, sizeof record,
             "alloc heap_bytes=%zu used_bytes=%zu free_bytes=%zu allocations=%zu frees=%zu "
             "free_blocks=%zu",
             s->heap_bytes, s->used_bytes, s->free_bytes, s->allocations, s->frees,
             s->free_blocks);
    telemetry_write(record);
}

void test_alloc(void)
{
    struct alloc_stats before, after;
    char detail[128];
    alloc_stats(&before);

    /* 1. allocate and fill every block */
    int ok = 1, aligned = 1;
    for (size_t i = 0; i < BLOCKS && ok; i++) {
        ok = fill(i);
        if (ok && ((uintptr_t)block[i] % 16) != 0)
            aligned = 0;
    }
    snprintf(detail, sizeof detail, "%d blocks of 1..%d bytes", BLOCKS, MAX_SIZE);
    check("alloc-many", ok, detail);
    if (!ok)
        return;
    check("alloc-aligned", aligned, "every block starts on a 16-byte boundary");
    check("alloc-no-overlap", all_intact(), "every block still holds its own pattern");

    /* 2. free every other block, allocate those again (new sizes), check everything */
    for (size_t i = 0; i < BLOCKS; i += 2)
        free(block[i]);
    ok = 1;
    for (size_t i = 0; i < BLOCKS && ok; i += 2)
        ok = fill(i);
    check("alloc-reuse", ok && all_intact(), "free half, allocate again, all patterns intact");
    if (!ok)
        return;

    /* 3. free everything and look at the counters */
    for (size_t i = 0; i < BLOCKS; i++)
        free(block[i]);
    alloc_stats(&after);
    emit_stats(&after);

    size_t calls = BLOCKS + (BLOCKS + 1) / 2;
    snprintf(detail, sizeof detail, "%zu allocations, %zu frees counted",
             after.allocations - before.allocations, after.frees - before.frees);
    check("alloc-counts", after.allocations - before.allocations == calls &&
                          after.frees - before.frees == calls, detail);

    if (after.used_bytes == before.used_bytes) {
        /* 4. the allocator reclaims: all free memory must be one block again */
        snprintf(detail, sizeof detail, "%zu free block(s) after freeing everything",
                 after.free_blocks);
        check("alloc-coalesce", after.free_blocks == before.free_blocks, detail);

        size_t big = after.free_bytes - 64;
        void *p = malloc(big);
        snprintf(detail, sizeof detail, "one block of %zu bytes", big);
        check("alloc-big-after-free", p != NULL, detail);
        free(p);
    } else {
        printf("  (this allocator does not reuse memory: %zu bytes stay used; "
               "coalescing not checked)\n", after.used_bytes - before.used_bytes);
    }

    /* 5. an impossible request must fail cleanly */
    check("alloc-too-big", malloc(after.heap_bytes + 1) == NULL, "larger than the heap: NULL");
}
