/* Fixed-size state claimed at the start and hashed cheaply: what the
 * validator's tables (vtab.c, vcache.c), the migrate tracker and the packet
 * content key share (tests/bench). */
#ifndef MOPS_CLAIM_H
#define MOPS_CLAIM_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* n zeroed octets (align: 0, or a power of two for aligned_alloc), written
 * now rather than as calloc's pages are first touched, so that the memory is
 * claimed at the start and the peak is the same for a short capture and a
 * long one. explicit_bzero, not memset: the compiler turns malloc + memset
 * into calloc. NULL when out of memory. */
static inline void *mops_claim(size_t align, size_t n)
{
    void *p = align ? aligned_alloc(align, (n + align - 1) / align * align) : malloc(n);
    if (p)
        explicit_bzero(p, n);
    return p;
}

/* One step of a 64-bit multiplicative hash: mixes w into h. */
static inline uint64_t mops_mix64(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0x9e3779b97f4a7c15u;
    return h ^ (h >> 29);
}

#endif
