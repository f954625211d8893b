/* A set-associative table of line-sized entries, for the state the
 * validator looks up on most packets (its TCP sessions). An entry starts
 * with its key (ksz octets, a multiple of 8, padding zeroed by the caller)
 * and a uint32_t stamp the table keeps; a set is two entries, both
 * prefetched at once, so a lookup is one round trip to memory where a
 * chained table (vtab.h) takes two, one after the other (tests/bench). A
 * new key takes its set's free or least recently used entry: memory is
 * fixed by the capacity. */
#ifndef MOPS_VSET_H
#define MOPS_VSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vset {
    unsigned char *ents;
    size_t esz, ksz;
    uint32_t set_mask;    /* sets - 1 */
};

/* esz: a multiple of 64 (entries then stay within their lines). */
bool vset_init(struct vset *t, size_t esz, size_t ksz, uint32_t capacity);
void vset_free(struct vset *t);
void vset_prefetch(const struct vset *t, const void *key);
/* The entry of key, or NULL; now (non-zero: a packet count, say) marks
 * it used, for the choice of what to retire. */
void *vset_find(struct vset *t, const void *key, uint32_t now);
/* The entry of key, or a new zeroed one holding it. */
void *vset_get(struct vset *t, const void *key, uint32_t now, bool *created);

#endif
