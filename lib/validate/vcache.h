/* A set-associative cache of small entries (a 64-bit key, a stamp and a
 * value) for what the validator looks up on every packet: the packet's
 * first sighting and its source's link. A set is one cache line of four
 * entries, so a lookup costs one memory access where a chained table
 * costs three (tests/bench); a new key takes the set's oldest entry, by its
 * stamp. Memory is fixed by the capacity, as with vtab.h. */
#ifndef MOPS_VCACHE_H
#define MOPS_VCACHE_H

#include <stdbool.h>
#include <stdint.h>

struct vc_ent {
    uint64_t key;   /* as given; 0 is stored as ~0 (both never occur together) */
    uint32_t stamp; /* the caller's clock: a time or a counter; oldest goes first */
    uint32_t value;
};

struct vcache {
    struct vc_ent *ents;
    uint32_t set_mask; /* sets - 1 */
};

/* Capacity rounds up to a power of two of at least 4 entries; claimed now
 * or as touched (mops_claim_as). */
bool vc_init(struct vcache *c, uint32_t capacity, bool now);
void vc_free(struct vcache *c);
struct vc_ent *vc_find(const struct vcache *c, uint64_t key);
/* Starts loading key's set, to overlap its memory access with other work. */
void vc_prefetch(const struct vcache *c, uint64_t key);
/* The entry of key, or a new one (stamp and value 0) in place of the set's
 * entry with the oldest stamp relative to now. */
struct vc_ent *vc_get(struct vcache *c, uint64_t key, uint32_t now, bool *created);

#endif
