/* A bounded hash table for the validator's state: entries live in a ring of
 * fixed capacity and a new entry takes the oldest slot, so memory is set by
 * the capacity, never by the capture's length (old sessions retire first).
 * An entry type starts with struct vt_hdr, then its key (ksz octets, padding
 * zeroed by the caller, alignment at most 8), then its values. */
#ifndef MOPS_VTAB_H
#define MOPS_VTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 16 octets, so that a key of any alignment up to 8 starts right after it,
 * where the table copies and compares it. */
struct vt_hdr {
    uint32_t next, bucket;
    uint32_t used, pad;
};
_Static_assert(sizeof(struct vt_hdr) == 16, "keys follow the header at offset 16");

struct vt {
    size_t esz, ksz;
    uint32_t cap, head, n_buckets;
    uint32_t *buckets;
    unsigned char *ents;
    uint64_t evicted; /* live entries a new one took the place of (the report's state_overflow) */
};

/* Entries claimed now or as touched (mops_claim_as). */
bool vt_init(struct vt *t, size_t esz, size_t ksz, uint32_t cap, bool now);
void vt_free(struct vt *t);
void *vt_find(const struct vt *t, const void *key);
/* Starts loading key's bucket, or (entry: once the bucket is loaded) the
 * entry it leads to, to overlap cache misses with other work. */
void vt_prefetch(const struct vt *t, const void *key, bool entry);
/* A zeroed entry holding key, evicting the oldest when full. */
void *vt_add(struct vt *t, const void *key);
void *vt_get(struct vt *t, const void *key, bool *created);
/* Walks every live entry. */
void *vt_at(const struct vt *t, uint32_t i);

#endif
