/*
 * freelist.c — a first-fit allocator with a free list sorted by address.
 *
 * Every block, free or allocated, starts with a 16-byte header holding its size (header
 * included). Free blocks are chained through the header's `next` field, in address order.
 *
 *   malloc: walk the list, take the first block that is big enough ("first fit"); if it is
 *           much bigger than needed, split it and leave the rest on the list.
 *   free:   put the block back at its place in the address-ordered list, then merge it with
 *           the block just after and the block just before when they touch ("coalescing"),
 *           so freed neighbours become one big block again instead of many small ones.
 *
 * Keeping the list in address order is what makes coalescing cheap: the neighbours of a
 * block in memory are its neighbours in the list. An allocated block's `next` holds a magic
 * value, so freeing a pointer twice, or one malloc never returned, is caught.
 */
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "config.h"

#define HEAP_BYTES ((size_t)CONFIG_ALLOC_FREELIST_HEAP_KIB * 1024)
#define ALIGN 16

struct header {
    size_t size;            /* bytes in this block, header included; a multiple of 16 */
    struct header *next;    /* free: next free block (higher address); allocated: MAGIC */
};

#define HEADER_BYTES sizeof(struct header)   /* 16: keeps the payload 16-byte aligned */
#define MIN_BLOCK (HEADER_BYTES + ALIGN)     /* smallest block worth splitting off */
#define ALLOCATED_MAGIC ((struct header *)0xa110ca7edb10c000ull)

static uint8_t heap[HEAP_BYTES] __attribute__((section(".heap"), aligned(ALIGN)));

static struct header *free_list;    /* lowest free block */
static int ready;
static size_t used_bytes, allocations, frees;

/* The heap starts as one free block covering all of it. Done on first use, so the
 * allocator needs no init function in its interface. */
static void heap_init(void)
{
    free_list = (struct header *)heap;
    free_list->size = HEAP_BYTES;
    free_list->next = NULL;
    ready = 1;
}

void *malloc(size_t size)
{
    if (!ready)
        heap_init();
    if (size == 0 || size > HEAP_BYTES)
        return NULL;
    size_t need = HEADER_BYTES + ((size + ALIGN - 1) & ~(size_t)(ALIGN - 1));

    /* `link` is the pointer that points at `b`: updating it unlinks b from the list. */
    struct header **link = &free_list;
    for (struct header *b = free_list; b != NULL; link = &b->next, b = b->next) {
        if (b->size < need)
            continue;
        if (b->size - need >= MIN_BLOCK) {
            /* Split: the tail becomes a new free block in b's place in the list. */
            struct header *rest = (struct header *)((uint8_t *)b + need);
            rest->size = b->size - need;
            rest->next = b->next;
            *link = rest;
            b->size = need;
        } else {
            *link = b->next;            /* use the whole block; a few bytes are wasted */
        }
        b->next = ALLOCATED_MAGIC;
        used_bytes += b->size;
        allocations++;
        return b + 1;                   /* the payload starts right after the header */
    }
    return NULL;
}

/* Merge b with the free block right after it in memory, if they touch. */
static void merge_with_next(struct header *b)
{
    /*
     * TODO (exercise "freelist"): if b->next is not NULL and starts exactly where b ends
     * ((uint8_t *)b + b->size), absorb it: b grows by its size and takes over its `next`.
     */
    (void)b;
}

void free(void *ptr)
{
    if (ptr == NULL)
        return;
    struct header *b = (struct header *)ptr - 1;
    if (b->next != ALLOCATED_MAGIC)
        return;     /* not a live block from malloc: ignore rather than corrupt the list */
    frees++;
    used_bytes -= b->size;

    /*
     * TODO (exercise "freelist"): give block b back.
     *
     *  1. Walk the free list (it is sorted by address) to find `prev`, the last free block
     *     below b, and `after`, the first free block above it (either may be NULL).
     *  2. Link b in between: b->next = after, and prev->next = b (or free_list = b when b
     *     is now the lowest free block).
     *  3. Coalesce: merge b with the block after it, then prev with b — in that order, so
     *     that freeing the middle of three neighbours leaves a single block.
     *
     * Until this is written, freed memory is simply lost (like the bump allocator).
     */
}

void alloc_stats(struct alloc_stats *out)
{
    if (!ready)
        heap_init();
    size_t blocks = 0;
    for (struct header *b = free_list; b != NULL; b = b->next)
        blocks++;
    out->heap_bytes = HEAP_BYTES;
    out->used_bytes = used_bytes;
    out->free_bytes = HEAP_BYTES - used_bytes;
    out->allocations = allocations;
    out->frees = frees;
    out->free_blocks = blocks;
}
