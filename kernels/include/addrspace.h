/*
 * addrspace — one page-table tree per protection domain.
 *
 * Every tree maps the whole machine the same way for the kernel (supervisor-only pages), so
 * kernel code keeps running across a switch of CR3; what differs between trees is which few
 * pages carry the user bit: those of the domain the tree belongs to.
 */
#ifndef WB_ADDRSPACE_H
#define WB_ADDRSPACE_H

#include <stdint.h>

/* A range of pages a domain may touch from ring 3: [start, end), page-aligned. */
struct addrspace_range {
    uint64_t start, end;
    int writable;
};

/* Build tree number `slot` (0 .. the provider's limit - 1) with user access to `ranges`
 * only; returns the value to load into CR3 to switch to it. */
uint64_t addrspace_build(int slot, const struct addrspace_range *ranges, int count);

#endif
