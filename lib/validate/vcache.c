/* The validator's per-packet cache (see vcache.h). */
#include "vcache.h"

#include "mops/core/claim.h"

#include <stdlib.h>
#include <string.h>

#define WAYS 4

static uint64_t stored(uint64_t key) { return key ? key : ~UINT64_C(0); }

static struct vc_ent *set_of(const struct vcache *c, uint64_t key)
{
    return c->ents + (mops_mix64(0, key) & c->set_mask) * WAYS;
}

bool vc_init(struct vcache *c, uint32_t capacity, bool now)
{
    uint32_t sets = 1;
    while (sets * WAYS < capacity && sets < (UINT32_C(1) << 28))
        sets *= 2;
    c->set_mask = sets - 1;
    /* Aligned so that a set is one 64-octet line. */
    c->ents = mops_claim_as(64, (size_t)sets * WAYS * sizeof *c->ents, now);
    return c->ents != NULL;
}

void vc_free(struct vcache *c)
{
    free(c->ents);
    c->ents = NULL;
}

void vc_prefetch(const struct vcache *c, uint64_t key) { __builtin_prefetch(set_of(c, stored(key))); }

struct vc_ent *vc_find(const struct vcache *c, uint64_t key)
{
    uint64_t k = stored(key);
    struct vc_ent *s = set_of(c, k);
    for (int i = 0; i < WAYS; i++)
        if (s[i].key == k)
            return &s[i];
    return NULL;
}

struct vc_ent *vc_get(struct vcache *c, uint64_t key, uint32_t now, bool *created)
{
    uint64_t k = stored(key);
    struct vc_ent *s = set_of(c, k), *old = &s[0];
    for (int i = 0; i < WAYS; i++) {
        if (s[i].key == k) {
            *created = false;
            return &s[i];
        }
        if (!s[i].key) {
            old = &s[i];
            break;
        }
        if ((uint32_t)(now - s[i].stamp) > (uint32_t)(now - old->stamp))
            old = &s[i];
    }
    *created = true;
    *old = (struct vc_ent){k, 0, 0};
    return old;
}
