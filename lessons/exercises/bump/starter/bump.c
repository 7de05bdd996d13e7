/*
 * bump.c — the simplest allocator: a pointer that only moves forward.
 *
 * The heap is one array. `next` marks where free space begins; malloc rounds the request up
 * to 16 bytes, returns `next` and advances it. There is no per-block bookkeeping at all, so
 * free cannot know how big a block was or merge it with anything: it only counts the call.
 * Memory is never reused. That is a real design, not a toy: a program that allocates what it
 * needs at start-up and then runs forever (typical of a single-purpose unikernel) pays
 * nothing for a general allocator it does not need.
 */
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "config.h"

#define HEAP_BYTES ((size_t)CONFIG_ALLOC_BUMP_HEAP_KIB * 1024)
#define ALIGN 16

/* The heap: address space reserved in the image's `.heap` region, not stored in the file. */
static uint8_t heap[HEAP_BYTES] __attribute__((section(".heap"), aligned(ALIGN)));

static size_t next;         /* offset of the first free byte */
static size_t allocations;
static size_t frees;

void *malloc(size_t size)
{
    /*
     * TODO (exercise "bump"): hand out `size` bytes from heap[].
     *
     *  1. A request of 0 bytes, or one bigger than the whole heap, gets NULL.
     *  2. Round `size` up to a multiple of ALIGN (16), so the next block starts aligned too.
     *     (Hint: for a power of two A, (n + A - 1) & ~(A - 1) rounds n up.)
     *  3. If fewer than that many bytes are left after `next`, return NULL: a bump heap
     *     that has run out stays out.
     *  4. Otherwise remember &heap[next], move `next` forward, count the allocation in
     *     `allocations`, and return the remembered address.
     */
    (void)size;
    return NULL;
}

void free(void *ptr)
{
    /* Nothing to give back: see the comment at the top of the file. */
    if (ptr != NULL)
        frees++;
}

void alloc_stats(struct alloc_stats *out)
{
    out->heap_bytes = HEAP_BYTES;
    out->used_bytes = next;
    out->free_bytes = HEAP_BYTES - next;
    out->allocations = allocations;
    out->frees = frees;
    out->free_blocks = next < HEAP_BYTES ? 1 : 0;   /* the untouched tail */
}
