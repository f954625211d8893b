/* The validator's bounded hash table (see vtab.h). */
#include "vtab.h"

#include "mops/core/claim.h"

#include <stdlib.h>
#include <string.h>

#define NIL UINT32_MAX
#define KEY(t, e) ((const unsigned char *)(e) + sizeof(struct vt_hdr))

static struct vt_hdr *ent(const struct vt *t, uint32_t i) { return (struct vt_hdr *)(t->ents + (size_t)i * t->esz); }

/* Keys are hashed and compared a word at a time (every key type is a
 * multiple of 8 octets: vt_init refuses others); buckets are a power of two. */
static uint32_t hash(const struct vt *t, const void *key)
{
    return (uint32_t)mops_hash_words(key, t->ksz) & (t->n_buckets - 1);
}

static bool key_eq(const struct vt *t, const void *a, const void *b) { return mops_words_equal(a, b, t->ksz); }

bool vt_init(struct vt *t, size_t esz, size_t ksz, uint32_t cap, bool now)
{
    memset(t, 0, sizeof *t);
    if (ksz % 8 || esz % 8)
        return false;
    t->esz = esz;
    t->ksz = ksz;
    t->cap = cap ? cap : 1;
    t->n_buckets = 2;
    while (t->n_buckets < t->cap * 2)
        t->n_buckets *= 2;
    t->ents = mops_claim_as(0, t->cap * esz, now);
    t->buckets = malloc(sizeof *t->buckets * t->n_buckets);
    if (!t->ents || !t->buckets) {
        vt_free(t);
        return false;
    }
    for (uint32_t i = 0; i < t->n_buckets; i++)
        t->buckets[i] = NIL;
    return true;
}

void vt_free(struct vt *t)
{
    free(t->ents);
    free(t->buckets);
    t->ents = NULL;
    t->buckets = NULL;
}

void vt_prefetch(const struct vt *t, const void *key, bool entry)
{
    const uint32_t *b = &t->buckets[hash(t, key)];
    if (!entry)
        __builtin_prefetch(b);
    else if (*b != NIL) {
        /* An entry may straddle two lines. */
        const unsigned char *e = (const unsigned char *)ent(t, *b);
        __builtin_prefetch(e);
        __builtin_prefetch(e + t->esz - 1);
    }
}

void *vt_find(const struct vt *t, const void *key)
{
    for (uint32_t i = t->buckets[hash(t, key)]; i != NIL; i = ent(t, i)->next)
        if (key_eq(t, KEY(t, ent(t, i)), key))
            return ent(t, i);
    return NULL;
}

void *vt_add(struct vt *t, const void *key)
{
    uint32_t i = t->head;
    t->head = (t->head + 1) % t->cap;
    struct vt_hdr *e = ent(t, i);
    if (e->used) {
        t->evicted++;
        uint32_t *p = &t->buckets[e->bucket];
        while (*p != NIL && *p != i)
            p = &ent(t, *p)->next;
        if (*p == i)
            *p = e->next;
    }
    memset(e, 0, t->esz);
    e->used = 1;
    e->bucket = hash(t, key);
    e->next = t->buckets[e->bucket];
    t->buckets[e->bucket] = i;
    memcpy((unsigned char *)e + sizeof *e, key, t->ksz);
    return e;
}

void *vt_get(struct vt *t, const void *key, bool *created)
{
    void *e = vt_find(t, key);
    if (created)
        *created = !e;
    return e ? e : vt_add(t, key);
}

void *vt_at(const struct vt *t, uint32_t i) { return i < t->cap && ent(t, i)->used ? ent(t, i) : NULL; }
