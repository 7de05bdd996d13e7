/*
 * alloc — dynamic memory from a fixed heap region compiled into the image.
 *
 * Two components provide it: alloc-freelist (reuses freed memory) and alloc-bump (never
 * does). Comparing their alloc_stats is one of the workbench's exercises.
 */
#ifndef WB_ALLOC_H
#define WB_ALLOC_H

#include <stddef.h>

struct alloc_stats {
    size_t heap_bytes;  /* size of the whole heap region */
    size_t used_bytes;  /* bytes in allocated blocks, bookkeeping included */
    size_t free_bytes;  /* bytes available for future allocations */
    size_t allocations; /* successful malloc calls so far */
    size_t frees;       /* free calls so far (free(NULL) not counted) */
    size_t free_blocks; /* separate free pieces: 1 means no fragmentation */
};

/* At least size bytes, aligned to 16; NULL when the heap cannot satisfy it (or size is 0). */
void *malloc(size_t size);

/* Give back a block from malloc; free(NULL) does nothing. */
void free(void *ptr);

/* Fill *out with the allocator's current counters. */
void alloc_stats(struct alloc_stats *out);

#endif
