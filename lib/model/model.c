/* The outbox, misbehaviour names and packet copies of mops/model.h. */
#include "mops/model/model.h"

#include "mops/core/claim.h"
#include "mops/core/recycle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct mops_model_caps mops_model_caps_default = {
    .mobile_socks = 32,
    .mobile_natt = 64,
    .mobile_pending = 8,
    .server_socks = 64,
    .server_history = 32,
    .nat_maps = 128,
    .nat_intercepts = 32,
    .dnat_sessions = 64,
    .dnat_pending = 16,
};

void *mops_model_table(const struct mops_model_caps *caps, unsigned n, size_t size)
{
    if (!n)
        n = 1;
    return n > SIZE_MAX / size ? NULL : mops_claim_as(0, (size_t)n * size, caps && caps->claim);
}

int mops_index_init(struct mops_index *x, const struct mops_model_caps *caps, unsigned n)
{
    for (x->n_heads = 16; x->n_heads < n && x->n_heads < (1u << 30); x->n_heads <<= 1)
        ;
    x->head = mops_model_table(caps, x->n_heads, sizeof *x->head);
    x->next = mops_model_table(caps, n, sizeof *x->next);
    if (!x->head || !x->next) {
        mops_index_free(x);
        return -1;
    }
    for (uint32_t i = 0; i < x->n_heads; i++)
        x->head[i] = -1;
    return 0;
}

void mops_index_free(struct mops_index *x)
{
    free(x->head);
    free(x->next);
    x->head = x->next = NULL;
}

void mops_index_add(struct mops_index *x, uint32_t bucket, int32_t i)
{
    x->next[i] = x->head[bucket];
    x->head[bucket] = i;
}

void mops_index_del(struct mops_index *x, uint32_t bucket, int32_t i)
{
    int32_t *p = &x->head[bucket];
    while (*p >= 0 && *p != i)
        p = &x->next[*p];
    if (*p == i)
        *p = x->next[i];
}

struct mops_outbox_work {
    struct mops_builder b;   /* what the models build in */
    struct mops_builder fwd; /* what mops_outbox_forward re-encodes in */
    struct mops_packet scratch;
    uint8_t payload[MOPS_OUTBOX_PAYLOAD];
};

static struct mops_outbox_work *work(struct mops_outbox *o)
{
    if (!o->work && !(o->work = mops_recycled_calloc(sizeof *o->work))) {
        fprintf(stderr, "mops: out of memory\n");
        abort();
    }
    return o->work;
}

struct mops_builder *mops_outbox_builder(struct mops_outbox *o, const struct mops_settings *st)
{
    struct mops_builder *b = &work(o)->b;
    mops_build_init(b, st);
    return b;
}

struct mops_packet *mops_outbox_scratch(struct mops_outbox *o) { return &work(o)->scratch; }

uint8_t *mops_outbox_payload(struct mops_outbox *o) { return work(o)->payload; }

void mops_outbox_add(struct mops_outbox *o, const uint8_t *data, uint32_t len)
{
    if (o->n == o->cap) {
        unsigned cap = o->cap ? o->cap * 2 : 8;
        void *v = realloc(o->v, cap * sizeof *o->v);
        if (!v) {
            fprintf(stderr, "mops: out of memory\n");
            abort();
        }
        o->v = v;
        o->cap = cap;
    }
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) {
        fprintf(stderr, "mops: out of memory\n");
        abort();
    }
    memcpy(copy, data, len);
    o->v[o->n].data = copy;
    o->v[o->n].len = len;
    o->v[o->n].has_l2_dst = false;
    o->n++;
}

void mops_outbox_set_l2_dst(struct mops_outbox *o, const uint8_t mac[6])
{
    if (!o->n)
        return;
    o->v[o->n - 1].has_l2_dst = true;
    memcpy(o->v[o->n - 1].l2_dst, mac, 6);
}

void mops_outbox_add_built(struct mops_outbox *o, struct mops_builder *b)
{
    if (!b->finished)
        mops_build_finish(b);
    uint32_t len;
    const uint8_t *p = mops_build_data(b, &len);
    if (!b->overflow)
        mops_outbox_add(o, p, len);
}

void mops_outbox_forward(struct mops_outbox *o, const struct mops_settings *st, struct mops_packet *pkt,
                         const uint32_t *old_crc)
{
    if (pkt->ip.htl <= 1)
        return;
    pkt->ip.htl--;
    struct mops_builder *b = &work(o)->fwd;
    mops_build_init(b, st);
    if (mops_build_packet(b, pkt) < 0)
        return;
    if (old_crc)
        mops_build_set_checksum(b, *old_crc);
    mops_outbox_add_built(o, b);
}

void mops_outbox_clear(struct mops_outbox *o)
{
    for (unsigned i = 0; i < o->n; i++)
        free(o->v[i].data);
    o->n = 0;
}

void mops_outbox_free(struct mops_outbox *o)
{
    mops_outbox_clear(o);
    free(o->v);
    mops_recycled_free(o->work, sizeof *o->work);
    o->v = NULL;
    o->work = NULL;
    o->cap = 0;
}

static const char *const bad_names[] = {
    "accept-wrong-seq",  "reject-valid-seq",    "no-rollback",        "answer-flap",
    "reply-mismatch",    "accept-invalid-addr", "no-reply",           "stale-tuple",
    "retx-early",        "retx-excess",         "migrate-not-mobile", "prev-not-translated",
    "no-natack",         "rewrite-prev",        "rewrite-seq",        "no-restore",
    "wrong-level",       "natack-htl",          "translate-tcp-seq",  "stale-crc",
    "remap-unconfirmed", "no-recv-src",         "rejudge-duplicate",  "reply-prev",
    "answer-corrupt",    "shift-data-seq",      "no-relay",           "prev-intermediate",
    "mc-syn-only",       "no-mc-echo",          "migrate-tentative",  "ignore-dad-reply",
};

uint32_t mops_misbehaviour_parse(const char *name)
{
    for (unsigned i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++)
        if (strcmp(name, bad_names[i]) == 0)
            return 1u << i;
    return 0;
}

void mops_packet_copy(struct mops_packet *dst, const struct mops_packet *src)
{
    memcpy(dst, src, offsetof(struct mops_packet, ext));
    memcpy(dst->ext, src->ext, src->n_ext * sizeof src->ext[0]);
    memcpy(dst->options, src->options, src->n_options * sizeof src->options[0]);
    memcpy(dst->problems, src->problems, src->n_problems * sizeof src->problems[0]);
    memcpy(dst->rt_addrs, src->rt_addrs, src->n_rt_addrs * sizeof src->rt_addrs[0]);
    if (src->icmp.kind == MOPS_ICMP_KIND_MIGRATE)
        memcpy(dst->pool.migrate, src->pool.migrate, src->icmp.u.migrate.n_decoded * sizeof src->pool.migrate[0]);
    else if (src->icmp.kind == MOPS_ICMP_KIND_NAT_ACK)
        memcpy(dst->pool.natack, src->pool.natack, src->icmp.u.natack.n_decoded * sizeof src->pool.natack[0]);
}
