/* mopstop's sessions by tuple (see session_index.h). */
#include "session_index.h"

#include "state.h"

static unsigned bucket_of(mops_addr_t client, uint16_t cport, mops_addr_t server, uint16_t sport)
{
    uint64_t h = (client ^ (uint64_t)cport << 50) * 0x9e3779b97f4a7c15u;
    h ^= (server ^ (uint64_t)sport << 50) * 0xc2b2ae3d27d4eb4fu;
    return (unsigned)(h >> 52) & (MT_INDEX_BUCKETS - 1);
}

void mt_index_add(struct mt_session_index *x, const struct mt_session *rows, unsigned row)
{
    const struct mt_session *r = &rows[row];
    unsigned b = bucket_of(r->client, r->cport, r->server, r->sport);
    x->next[row] = x->head[b];
    x->head[b] = (uint16_t)(row + 1);
    x->bucket[row] = (uint16_t)(b + 1);
}

void mt_index_remove(struct mt_session_index *x, unsigned row)
{
    if (!x->bucket[row])
        return;
    uint16_t *p = &x->head[x->bucket[row] - 1];
    while (*p && *p != row + 1)
        p = &x->next[*p - 1];
    if (*p)
        *p = x->next[row];
    x->bucket[row] = 0;
}

int mt_index_find(const struct mt_session_index *x, const struct mt_session *rows, mops_addr_t client, uint16_t cport,
                  mops_addr_t server, uint16_t sport)
{
    for (unsigned i = x->head[bucket_of(client, cport, server, sport)]; i; i = x->next[i - 1]) {
        const struct mt_session *r = &rows[i - 1];
        if (r->client == client && r->cport == cport && r->server == server && r->sport == sport)
            return (int)(i - 1);
    }
    return -1;
}
