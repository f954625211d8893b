/* Fixed-size state claimed at the start and hashed cheaply: what the
 * validator's tables (vtab.c, vcache.c), the migrate tracker and the packet
 * content key share (tests/bench). */
#ifndef MOPS_CLAIM_H
#define MOPS_CLAIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* n zeroed octets (align: 0, or a power of two for aligned_alloc), claimed
 * now rather than as the pages are first touched, so that the peak is the
 * same for a short capture and a long one. Tables of 2 MiB and more ask for
 * huge pages (where the kernel gives them on request, as Debian's does):
 * their lookups land anywhere, and with 4 KiB pages most of them missed the
 * TLB too (tests/bench). The whole pages inside the block are dropped and
 * faulted in again by one call each (Linux 5.14's MADV_POPULATE_WRITE), so
 * that the kernel hands them over zeroed: zeroing them here, a trap a page,
 * cost a validator's start-up more than its servers' first thousand
 * packets under a hypervisor (tests/bench). Elsewhere, and for blocks below
 * 256 KiB, explicit_bzero (not memset: the compiler turns malloc + memset
 * into calloc, which claims nothing). NULL when out of memory. */
static inline void *mops_claim(size_t align, size_t n)
{
    const size_t huge = (size_t)2 << 20, pg = 4096;
    if (n >= huge)
        align = huge;
    void *p = align ? aligned_alloc(align, (n + align - 1) / align * align) : malloc(n);
    if (!p)
        return NULL;
    if (n >= huge)
        madvise(p, (n + huge - 1) / huge * huge, MADV_HUGEPAGE); /* a hint: ignored where unsupported */
    uintptr_t a = ((uintptr_t)p + pg - 1) & ~(pg - 1), e = ((uintptr_t)p + n) & ~(pg - 1);
#ifdef MADV_POPULATE_WRITE
    /* Below 256 KiB two calls cost more than the zeroing they save (and a
     * small block shares its pages with others: the fuzzer's validators). */
    if (n >= ((size_t)256 << 10) && e > a && madvise((void *)a, e - a, MADV_DONTNEED) == 0 &&
        madvise((void *)a, e - a, MADV_POPULATE_WRITE) == 0) {
        explicit_bzero(p, a - (uintptr_t)p);
        explicit_bzero((void *)e, (uintptr_t)p + n - e);
        return p;
    }
#endif
    (void)a;
    (void)e;
    explicit_bzero(p, n);
    return p;
}

/* n zeroed octets claimed now (mops_claim) or, when not now, taken page by
 * page as they are first touched (calloc's fresh pages): the same bound,
 * for a process whose memory grows with its capture anyway (the Wireshark
 * plugin, where the claim of the validator's 100 MiB was a tenth of a
 * 100,000-frame tshark run, tests/bench row 5). align as mops_claim's. */
static inline void *mops_claim_as(size_t align, size_t n, bool now)
{
    if (now)
        return mops_claim(align, n);
    if (!align)
        return calloc(1, n ? n : 1);
    void *p = aligned_alloc(align, (n + align - 1) / align * align);
    if (p)
        memset(p, 0, n);
    return p;
}

/* One step of a 64-bit multiplicative hash: mixes w into h. */
static inline uint64_t mops_mix64(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0x9e3779b97f4a7c15u;
    return h ^ (h >> 29);
}

/* Two words folded through one 64x64->128 multiply (as wyhash's mum):
 * independent calls run side by side, where a chain of mops_mix64 waits on
 * each step. */
static inline uint64_t mops_fold128(uint64_t a, uint64_t b)
{
    __uint128_t r = (__uint128_t)(a ^ 0xa0761d6478bd642fu) * (b ^ 0xe7037ed1a0b428dbu);
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* A hash of a key of n octets (a multiple of 8), pairs of words folded
 * side by side; for the validator's tables. */
static inline uint64_t mops_hash_words(const void *key, size_t n)
{
    const unsigned char *k = key;
    uint64_t h = n, a, b;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        memcpy(&a, k + i, 8);
        memcpy(&b, k + i + 8, 8);
        h += mops_fold128(a, b ^ i);
    }
    if (i < n) {
        memcpy(&a, k + i, 8);
        h += mops_fold128(a, i);
    }
    return h ^ h >> 32;
}

/* Two keys of n octets (a multiple of 8) compared a word at a time. */
static inline bool mops_words_equal(const void *x, const void *y, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        uint64_t u, v;
        memcpy(&u, (const unsigned char *)x + i, 8);
        memcpy(&v, (const unsigned char *)y + i, 8);
        if (u != v)
            return false;
    }
    return true;
}

#endif
