/* Migrate transactions: a hash of pending requests by (server, previous
 * address, protocol), records in a ring so that memory stays bounded. */
#include "mops/track/migrate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mops/core/claim.h"
#include "mops/decode/decode.h"
#include "mops/core/addr.h"
#include "mops/core/proto.h"
#include "mops/core/timers.h"

#define TRACK_PORTS 16 /* ports kept per request for matching failed replies */
#define NIL UINT32_MAX

struct txn {
    bool used;
    uint32_t next; /* bucket chain */
    uint32_t bucket;
    mops_addr_t client, server, prev_addr, mig_addr;
    uint32_t ifid;
    uint16_t proto, n_ports;
    uint8_t code;
    uint64_t ports_hash; /* of every entry: tells retransmissions and echoes apart */
    uint8_t n_kept;
    struct mops_migrate_port ports[TRACK_PORTS];
    uint64_t first_frame, last_frame, last_ts;
    unsigned sendings, replies;
};

struct mops_migrate_tracker {
    struct txn *ring;
    uint32_t cap, head; /* head: the next slot to (re)use */
    uint64_t evicted;   /* transactions a new one took the slot of */
    uint32_t *buckets;
    uint32_t n_buckets;
};

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15u + (h << 6) + (h >> 2);
    return h;
}

static uint32_t bucket_of(const struct mops_migrate_tracker *t, mops_addr_t server, mops_addr_t prev, uint16_t proto)
{
    return (uint32_t)(mix(mix(mix(0, server), prev), proto) % t->n_buckets);
}

struct mops_migrate_tracker *mops_migrate_tracker_new(size_t capacity)
{
    struct mops_migrate_tracker *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->cap = capacity ? (uint32_t)capacity : 1;
    t->n_buckets = t->cap * 2;
    t->ring = mops_claim(0, t->cap * sizeof *t->ring);
    t->buckets = malloc(t->n_buckets * sizeof *t->buckets);
    if (!t->ring || !t->buckets) {
        mops_migrate_tracker_free(t);
        return NULL;
    }
    for (uint32_t i = 0; i < t->n_buckets; i++)
        t->buckets[i] = NIL;
    return t;
}

uint64_t mops_migrate_tracker_evicted(const struct mops_migrate_tracker *t) { return t->evicted; }

void mops_migrate_tracker_free(struct mops_migrate_tracker *t)
{
    if (!t)
        return;
    free(t->ring);
    free(t->buckets);
    free(t);
}

void mops_track_result_clear(struct mops_track_result *r)
{
    /* Field by field: the text is empty once its first octet is (a whole
     * clear per packet showed in tests/bench). */
    r->kind = MOPS_TRACK_NONE;
    r->first_frame = r->last_frame = r->delta_ns = 0;
    r->sendings = r->replies = 0;
    r->mismatch[0] = 0;
}

static void unlink_txn(struct mops_migrate_tracker *t, uint32_t i)
{
    uint32_t *p = &t->buckets[t->ring[i].bucket];
    while (*p != NIL && *p != i)
        p = &t->ring[*p].next;
    if (*p == i)
        *p = t->ring[i].next;
    t->ring[i].used = false;
}

static bool same_port(const struct mops_migrate_port *a, const struct mops_migrate_port *b)
{
    return a->prev_sport == b->prev_sport && a->mig_sport == b->mig_sport && a->prev_dport == b->prev_dport &&
           a->mig_dport == b->mig_dport && a->seq == b->seq;
}

/* The first port of the reply (as far as kept) that is not one of the
 * request's, or -1. */
static int port_not_within(const struct txn *x, const struct mops_migrate_port *ports, unsigned n)
{
    if (x->n_kept < x->n_ports)
        return -1; /* too many to keep: cannot tell */
    for (unsigned i = 0; i < n; i++) {
        bool found = false;
        for (unsigned j = 0; j < x->n_kept && !found; j++)
            found = same_port(&ports[i], &x->ports[j]);
        if (!found)
            return (int)i;
    }
    return -1;
}

/* Profile §7: a success echoes the request with every field intact, a
 * failed reply lists only ports of the request. Says what differs in why
 * (empty when the reply fits). */
static void reply_fit(const struct txn *x, const struct mops_packet *pkt, uint64_t h, char *why, size_t len)
{
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    const struct mops_migrate_port *ports = pkt->pool.migrate;
    char a[MOPS_ADDR_STRLEN], b[MOPS_ADDR_STRLEN];
    why[0] = 0;
    if (x->mig_addr != g->mig_addr) {
        snprintf(why, len, "mops.migrate.mig_addr %s, request #%" PRIu64 " had %s", mops_addr_format(g->mig_addr, a),
                 x->last_frame, mops_addr_format(x->mig_addr, b));
        return;
    }
    if (pkt->icmp.code == MOPS_MIGRATE_CODE_SUCCESS) {
        if (g->n_ports != x->n_ports) {
            snprintf(why, len, "success lists %u ports, request #%" PRIu64 " %u", g->n_ports, x->last_frame,
                     x->n_ports);
            return;
        }
        if (h == x->ports_hash)
            return;
        for (unsigned i = 0; i < g->n_decoded && i < x->n_kept; i++) {
            const struct mops_migrate_port *p = &ports[i], *q = &x->ports[i];
            const uint64_t got[] = {p->prev_sport, p->mig_sport, p->prev_dport, p->mig_dport, p->seq};
            const uint64_t had[] = {q->prev_sport, q->mig_sport, q->prev_dport, q->mig_dport, q->seq};
            static const char *const name[] = {"prev_sport", "mig_sport", "prev_dport", "mig_dport", "seq"};
            for (unsigned k = 0; k < 5; k++)
                if (got[k] != had[k]) {
                    snprintf(why, len, "port %u mops.migrate.ports.%s %" PRIu64 ", request #%" PRIu64 " had %" PRIu64,
                             i + 1, name[k], got[k], x->last_frame, had[k]);
                    return;
                }
        }
        snprintf(why, len, "the ports differ from request #%" PRIu64, x->last_frame);
        return;
    }
    int i = port_not_within(x, ports, g->n_decoded);
    if (i >= 0) {
        const struct mops_migrate_port *p = &ports[i];
        snprintf(why, len, "port %d (%u>%u dport %u>%u seq %" PRIu64 ") is not in request #%" PRIu64, i + 1,
                 p->prev_sport, p->mig_sport, p->prev_dport, p->mig_dport, p->seq, x->last_frame);
    }
}

void mops_migrate_track(struct mops_migrate_tracker *t, const struct mops_packet *pkt, uint32_t ifid, uint64_t frame,
                        uint64_t ts_ns, struct mops_track_result *out)
{
    mops_track_result_clear(out);
    if (!(pkt->layers & MOPS_L_MOPS) || pkt->icmp.kind != MOPS_ICMP_KIND_MIGRATE)
        return;
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    const struct mops_migrate_port *ports = pkt->pool.migrate;
    unsigned n = g->n_decoded;
    bool reply = pkt->icmp.code == MOPS_MIGRATE_CODE_SUCCESS || pkt->icmp.code == MOPS_MIGRATE_CODE_FAILED;
    mops_addr_t client = reply ? pkt->ip.dst : pkt->ip.src;
    mops_addr_t server = reply ? pkt->ip.src : pkt->ip.dst;
    uint32_t b = bucket_of(t, server, g->prev_addr, g->proto);

    uint64_t h = g->n_ports;
    for (unsigned i = 0; i < n; i++)
        h = mix(mix(mix(h, (uint64_t)ports[i].prev_sport << 16 | ports[i].mig_sport),
                    (uint64_t)ports[i].prev_dport << 16 | ports[i].mig_dport),
                ports[i].seq);

    /* The most recent matching transaction: the chain is newest first. A
     * reply that fits none is matched, with what differs, to the newest
     * request between the same nodes for the same previous address. */
    struct txn *near = NULL;
    char why[MOPS_PROBLEM_TEXT];
    for (uint32_t i = t->buckets[b]; i != NIL; i = t->ring[i].next) {
        struct txn *x = &t->ring[i];
        if (x->client != client || x->server != server || x->prev_addr != g->prev_addr || x->proto != g->proto ||
            x->ifid != ifid)
            continue;
        if (!reply && x->mig_addr == g->mig_addr && x->code == pkt->icmp.code && x->ports_hash == h &&
            x->n_ports == g->n_ports && ts_ns - x->last_ts <= MOPS_MIGRATE_LIFE_NS) {
            out->kind = MOPS_TRACK_RETRANSMISSION;
            out->first_frame = x->first_frame;
            out->last_frame = x->last_frame;
            out->delta_ns = ts_ns - x->last_ts;
            out->sendings = ++x->sendings;
            x->last_frame = frame;
            x->last_ts = ts_ns;
            return;
        }
        if (!reply)
            continue;
        reply_fit(x, pkt, h, why, sizeof why);
        if (!why[0] || !near) {
            near = x;
            memcpy(out->mismatch, why, sizeof why);
        }
        if (!why[0])
            break;
    }
    if (reply) {
        if (!near) {
            out->kind = MOPS_TRACK_ORPHAN_REPLY;
            return;
        }
        out->kind = MOPS_TRACK_REPLY;
        out->first_frame = near->first_frame;
        out->last_frame = near->last_frame;
        out->delta_ns = ts_ns - near->last_ts;
        out->sendings = near->sendings;
        out->replies = ++near->replies;
        return;
    }
    /* A new request: take the oldest slot. */
    uint32_t i = t->head;
    t->head = (t->head + 1) % t->cap;
    if (t->ring[i].used) {
        t->evicted++;
        unlink_txn(t, i);
    }
    struct txn *x = &t->ring[i];
    memset(x, 0, sizeof *x);
    x->used = true;
    x->bucket = b;
    x->next = t->buckets[b];
    t->buckets[b] = i;
    x->client = client;
    x->server = server;
    x->ifid = ifid;
    x->prev_addr = g->prev_addr;
    x->mig_addr = g->mig_addr;
    x->proto = g->proto;
    x->n_ports = g->n_ports;
    x->code = pkt->icmp.code;
    x->ports_hash = h;
    x->n_kept = (uint8_t)(n < TRACK_PORTS ? n : TRACK_PORTS);
    memcpy(x->ports, ports, x->n_kept * sizeof *ports);
    x->first_frame = x->last_frame = frame;
    x->last_ts = ts_ns;
    x->sendings = 1;
    out->kind = MOPS_TRACK_REQUEST;
    out->first_frame = frame;
    out->sendings = 1;
}

enum mops_problem_id mops_track_problem(const struct mops_track_result *r, char text[MOPS_PROBLEM_TEXT])
{
    if (r->kind == MOPS_TRACK_REPLY && r->mismatch[0]) {
        snprintf(text, MOPS_PROBLEM_TEXT, "reply mismatch: %.100s", r->mismatch);
        return MOPS_P_MIG_REPLY_MISMATCH;
    }
    if (r->kind == MOPS_TRACK_ORPHAN_REPLY) {
        snprintf(text, MOPS_PROBLEM_TEXT, "reply to a request not seen");
        return MOPS_P_MIG_REPLY_ORPHAN;
    }
    return MOPS_P_COUNT;
}

void mops_track_add_problem(struct mops_packet *pkt, const struct mops_track_result *r)
{
    char text[MOPS_PROBLEM_TEXT];
    enum mops_problem_id id = mops_track_problem(r, text);
    if (id != MOPS_P_COUNT)
        mops_problem_add(pkt, id, pkt->l4_off, "%s", text);
}
