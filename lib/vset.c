/* The validator's set-associative table (see vset.h). */
#include "vset.h"

#include "claim.h"

#include <stdlib.h>
#include <string.h>

#define WAYS 2

static uint32_t *stamp_of(const struct vset *t, unsigned char *e)
{
    return (uint32_t *)(e + t->ksz);
}

static unsigned char *set_of(const struct vset *t, const void *key)
{
    return t->ents + (size_t)(mops_hash_words(key, t->ksz) & t->set_mask) * WAYS * t->esz;
}

bool vset_init(struct vset *t, size_t esz, size_t ksz, uint32_t capacity)
{
    memset(t, 0, sizeof *t);
    if (esz % 64 || ksz % 8 || ksz + 4 > esz)
        return false;
    uint32_t sets = 1;
    while (sets * WAYS < capacity && sets < (UINT32_C(1) << 26))
        sets *= 2;
    t->esz = esz;
    t->ksz = ksz;
    t->set_mask = sets - 1;
    t->ents = mops_claim(64, (size_t)sets * WAYS * esz);
    return t->ents != NULL;
}

void vset_free(struct vset *t)
{
    free(t->ents);
    t->ents = NULL;
}

void vset_prefetch(const struct vset *t, const void *key)
{
    const unsigned char *s = set_of(t, key);
    for (int i = 0; i < WAYS; i++)
        __builtin_prefetch(s + (size_t)i * t->esz);
}

void *vset_find(struct vset *t, const void *key, uint32_t now)
{
    unsigned char *s = set_of(t, key);
    for (int i = 0; i < WAYS; i++) {
        unsigned char *e = s + (size_t)i * t->esz;
        uint32_t *st = stamp_of(t, e);
        if (*st && mops_words_equal(e, key, t->ksz)) {
            if (now)
                *st = now;
            return e;
        }
    }
    return NULL;
}

void *vset_get(struct vset *t, const void *key, uint32_t now, bool *created)
{
    now = now ? now : 1; /* 0 marks a free entry */
    unsigned char *e = vset_find(t, key, now);
    if (created)
        *created = !e;
    if (e)
        return e;
    unsigned char *s = set_of(t, key), *old = s;
    for (int i = 0; i < WAYS; i++) {
        unsigned char *w = s + (size_t)i * t->esz;
        if (!*stamp_of(t, w)) {
            old = w;
            break;
        }
        if (now - *stamp_of(t, w) > now - *stamp_of(t, old))
            old = w;
    }
    memset(old, 0, t->esz);
    memcpy(old, key, t->ksz);
    *stamp_of(t, old) = now;
    return old;
}
