/* Sessions followed across Migrates and NATs (mops/track/session.h): slots
 * of sessions, and two indexes into them, by tuple (either direction) and
 * by (server, server port, client ISN). An index entry belongs to one
 * session and is unlinked when the session retires. */
#include "mops/track/session.h"

#include <stdlib.h>
#include <string.h>

#include "mops/core/claim.h"
#include "mops/core/proto.h"

#define NIL UINT32_MAX
#define KEY_WORDS 4 /* the larger key, the tuple's with its link: 32 octets */

struct key {
    uint64_t w[KEY_WORDS];
};

struct ent {
    struct key k;
    uint32_t slot;      /* the session's */
    uint32_t next;      /* in its bucket, or in the free list */
    uint32_t sess_next; /* the session's next entry in this index */
    bool client_is_a;   /* tuples: which end of the key is the client */
    bool used;
    uint64_t moved_by;         /* tuples: the reply whose move made this one */
    uint64_t left_by, left_ts; /* tuples: the reply whose move left this one, and when */
};

/* A chained hash index that grows, with entries unlinked one by one. */
struct index {
    uint32_t *buckets, mask;
    struct ent *ents;
    uint32_t n, cap, free;
};

struct slot {
    struct mops_session s;
    bool used;
    uint32_t tuples, isn; /* heads of its entries in each index */
    uint32_t current;     /* its current tuple's entry */
};

struct mops_session_tracker {
    enum mops_session_create create;
    unsigned capacity; /* 0: grows */
    struct slot *slots;
    uint32_t n_slots, cap_slots, next_slot;
    uint32_t next_index;
    struct index tuples, isns;
    uint64_t retired; /* sessions whose slot a new one took */
};

static uint32_t hash(const struct key *k) { return (uint32_t)mops_hash_words(k, sizeof *k); }

static bool index_init(struct index *x, uint32_t buckets)
{
    memset(x, 0, sizeof *x);
    x->mask = buckets - 1;
    x->free = NIL;
    x->buckets = malloc(sizeof *x->buckets * buckets);
    if (!x->buckets)
        return false;
    memset(x->buckets, 0xff, sizeof *x->buckets * buckets);
    return true;
}

static void index_free(struct index *x)
{
    free(x->buckets);
    free(x->ents);
}

static uint32_t index_find(const struct index *x, const struct key *k)
{
    for (uint32_t i = x->buckets[hash(k) & x->mask]; i != NIL; i = x->ents[i].next)
        if (memcmp(&x->ents[i].k, k, sizeof *k) == 0)
            return i;
    return NIL;
}

/* Twice the buckets once there are as many entries as buckets. */
static bool index_grow(struct index *x)
{
    uint32_t nb = (x->mask + 1) * 2;
    uint32_t *b = malloc(sizeof *b * nb);
    if (!b)
        return false;
    memset(b, 0xff, sizeof *b * nb);
    for (uint32_t i = 0; i < x->n; i++)
        if (x->ents[i].used) {
            uint32_t h = hash(&x->ents[i].k) & (nb - 1);
            x->ents[i].next = b[h];
            b[h] = i;
        }
    free(x->buckets);
    x->buckets = b;
    x->mask = nb - 1;
    return true;
}

/* A new entry for k, owned by slot (linked at *head); NIL without memory. */
static uint32_t index_add(struct index *x, const struct key *k, uint32_t slot, uint32_t *head)
{
    uint32_t i = x->free;
    if (i != NIL) {
        x->free = x->ents[i].next;
    } else {
        /* More buckets first, while every entry below n is a whole one. */
        if (x->n + 1 > x->mask + 1 && !index_grow(x))
            return NIL;
        if (x->n == x->cap) {
            uint32_t cap = x->cap ? x->cap * 2 : 64;
            struct ent *e = realloc(x->ents, sizeof *e * cap);
            if (!e)
                return NIL;
            x->ents = e;
            x->cap = cap;
        }
        i = x->n++;
    }
    struct ent *e = &x->ents[i];
    memset(e, 0, sizeof *e);
    e->k = *k;
    e->slot = slot;
    e->used = true;
    uint32_t h = hash(k) & x->mask;
    e->next = x->buckets[h];
    x->buckets[h] = i;
    e->sess_next = *head;
    *head = i;
    return i;
}

/* Unlinks every entry of a session from x (its list starts at head). */
static void index_remove_all(struct index *x, uint32_t head)
{
    for (uint32_t i = head, next; i != NIL; i = next) {
        next = x->ents[i].sess_next;
        uint32_t *p = &x->buckets[hash(&x->ents[i].k) & x->mask];
        while (*p != i)
            p = &x->ents[*p].next;
        *p = x->ents[i].next;
        x->ents[i].used = false;
        x->ents[i].next = x->free;
        x->free = i;
    }
}

/* Either direction names the same tuple: the lower end first. */
static struct key tuple_key(uint32_t ifid, uint16_t proto, mops_addr_t x, uint16_t px, mops_addr_t y, uint16_t py,
                            bool *x_is_a)
{
    struct key k = {{0, 0, 0, ifid}};
    *x_is_a = x < y || (x == y && px < py);
    k.w[0] = *x_is_a ? x : y;
    k.w[1] = *x_is_a ? y : x;
    k.w[2] = (uint64_t)proto << 32 | (uint64_t)(*x_is_a ? px : py) << 16 | (*x_is_a ? py : px);
    return k;
}

static struct key isn_key(mops_addr_t server, uint16_t sport, uint32_t isn)
{
    struct key k = {{server, (uint64_t)sport << 32 | isn, 0, 0}};
    return k;
}

struct mops_session_tracker *mops_sessions_new(unsigned capacity, enum mops_session_create create)
{
    struct mops_session_tracker *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->create = create;
    t->capacity = capacity;
    uint32_t buckets = 64;
    while (capacity && buckets < capacity * 2u && buckets < (1u << 30))
        buckets *= 2;
    t->cap_slots = capacity ? capacity : 64;
    /* With a capacity, what it holds is claimed now (two tuples a session),
     * so that memory is the same for a short capture and a long one. */
    t->slots = mops_claim_as(0, sizeof *t->slots * t->cap_slots, capacity != 0);
    /* Per link, nothing is filed by ISN: its index stays at its smallest. */
    uint32_t isn_buckets = create == MOPS_SESSIONS_PER_LINK ? 64 : buckets;
    if (!t->slots || !index_init(&t->tuples, buckets) || !index_init(&t->isns, isn_buckets) ||
        (capacity && !(t->tuples.ents = mops_claim(0, sizeof *t->tuples.ents * 2 * (size_t)capacity)))) {
        mops_sessions_free(t);
        return NULL;
    }
    t->tuples.cap = capacity ? 2 * capacity : 0;
    return t;
}

void mops_sessions_free(struct mops_session_tracker *t)
{
    if (!t)
        return;
    index_free(&t->tuples);
    index_free(&t->isns);
    free(t->slots);
    free(t);
}

unsigned mops_sessions_slots(const struct mops_session_tracker *t) { return t->n_slots; }

uint64_t mops_sessions_retired(const struct mops_session_tracker *t) { return t->retired; }

const struct mops_session *mops_sessions_at(const struct mops_session_tracker *t, unsigned slot)
{
    return slot < t->n_slots && t->slots[slot].used ? &t->slots[slot].s : NULL;
}

/* A slot for a new session: the next of the ring (its old session retired)
 * with a capacity, else a new one. NIL without memory. */
static uint32_t take_slot(struct mops_session_tracker *t)
{
    uint32_t i;
    if (t->capacity) {
        i = t->next_slot++ % t->capacity;
        if (i == t->n_slots)
            t->n_slots++;
    } else {
        if (t->n_slots == t->cap_slots) {
            struct slot *s = realloc(t->slots, sizeof *s * t->cap_slots * 2);
            if (!s)
                return NIL;
            memset(s + t->cap_slots, 0, sizeof *s * t->cap_slots); /* unused, not retired */
            t->slots = s;
            t->cap_slots *= 2;
        }
        i = t->n_slots++;
    }
    struct slot *s = &t->slots[i];
    if (s->used) {
        t->retired++;
        index_remove_all(&t->tuples, s->tuples);
        index_remove_all(&t->isns, s->isn);
    }
    memset(s, 0, sizeof *s);
    s->tuples = s->isn = s->current = NIL;
    return i;
}

/* Files tuple (client:cport <-> server:sport) under slot; its entry or NIL. */
static uint32_t add_tuple(struct mops_session_tracker *t, uint32_t slot, uint32_t ifid, uint16_t proto,
                          mops_addr_t client, uint16_t cport, mops_addr_t server, uint16_t sport, uint64_t moved_by)
{
    bool client_is_a;
    struct key k = tuple_key(ifid, proto, client, cport, server, sport, &client_is_a);
    uint32_t e = index_add(&t->tuples, &k, slot, &t->slots[slot].tuples);
    if (e != NIL) {
        t->tuples.ents[e].client_is_a = client_is_a;
        t->tuples.ents[e].moved_by = moved_by;
    }
    return e;
}

static void set_current(struct slot *s, uint32_t e, mops_addr_t client, uint16_t cport, mops_addr_t server,
                        uint16_t sport)
{
    s->current = e;
    s->s.client = client;
    s->s.cport = cport;
    s->s.server = server;
    s->s.sport = sport;
}

/* The tuple of a packet, with which end is the client when it is new: the
 * SYN's sender, the SYN-ACK's receiver, else the end with the higher port
 * (the lower one usually serves). */
static bool new_from_client(const struct mops_packet *pkt, uint16_t sport, uint16_t dport)
{
    if (pkt->layers & MOPS_L_TCP) {
        uint8_t f = pkt->tcp.flags & (MOPS_TCP_SYN | MOPS_TCP_ACK);
        if (f == MOPS_TCP_SYN)
            return true;
        if (f == (MOPS_TCP_SYN | MOPS_TCP_ACK))
            return false;
    }
    return dport < sport;
}

/* The key (server, server port, client ISN) of a SYN or SYN-ACK; false
 * for other packets. */
static bool syn_isn(const struct mops_packet *pkt, struct key *k, uint32_t *isn)
{
    if (!(pkt->layers & MOPS_L_TCP) || !(pkt->tcp.flags & MOPS_TCP_SYN))
        return false;
    const struct mops_tcp *c = &pkt->tcp;
    bool syn = !(c->flags & MOPS_TCP_ACK);
    *isn = syn ? c->seq : c->ack - 1;
    *k = syn ? isn_key(pkt->ip.dst, c->dport, *isn) : isn_key(pkt->ip.src, c->sport, *isn);
    return true;
}

/* The session a new tuple joins, found by the client's ISN (a NAT's copy
 * of a SYN or SYN-ACK), or NIL; never per link. */
static uint32_t joined_by_isn(const struct mops_session_tracker *t, const struct mops_packet *pkt)
{
    struct key k;
    uint32_t isn, e;
    if (t->create == MOPS_SESSIONS_PER_LINK || !syn_isn(pkt, &k, &isn) || (e = index_find(&t->isns, &k)) == NIL)
        return NIL;
    return t->isns.ents[e].slot;
}

/* Files the client ISN of a SYN or SYN-ACK under slot, unless known. */
static void index_isn(struct mops_session_tracker *t, const struct mops_packet *pkt, uint32_t slot)
{
    struct key k;
    uint32_t isn;
    if (t->create != MOPS_SESSIONS_PER_LINK && syn_isn(pkt, &k, &isn) && index_find(&t->isns, &k) == NIL)
        index_add(&t->isns, &k, slot, &t->slots[slot].isn);
}

static bool may_create(const struct mops_session_tracker *t, const struct mops_packet *pkt)
{
    if (t->create != MOPS_SESSIONS_MOBILE_SYN)
        return true;
    return (pkt->layers & MOPS_L_TCP) && (pkt->tcp.flags & (MOPS_TCP_SYN | MOPS_TCP_ACK)) == MOPS_TCP_SYN &&
           pkt->tcp.mobile_capable;
}

static uint32_t create(struct mops_session_tracker *t, const struct mops_packet *pkt, uint32_t ifid, uint16_t proto,
                       mops_addr_t client, uint16_t cport, mops_addr_t server, uint16_t sport, uint64_t frame,
                       uint64_t ts)
{
    uint32_t i = take_slot(t);
    if (i == NIL)
        return NIL;
    struct slot *s = &t->slots[i];
    uint32_t e = add_tuple(t, i, ifid, proto, client, cport, server, sport, 0);
    if (e == NIL)
        return NIL;
    s->used = true;
    s->s.index = ++t->next_index;
    s->s.proto = proto;
    s->s.first_frame = frame;
    s->s.first_ts_ns = ts;
    set_current(s, e, client, cport, server, sport);
    struct key k;
    uint32_t isn;
    if (syn_isn(pkt, &k, &isn)) {
        s->s.isn = isn;
        s->s.mobile = !(pkt->tcp.flags & MOPS_TCP_ACK) && pkt->tcp.mobile_capable;
        s->s.c_nxt = isn + 1;
        if (t->create != MOPS_SESSIONS_PER_LINK)
            index_add(&t->isns, &k, i, &s->isn);
    }
    return i;
}

/* A packet's transport: false when it has none the tracker follows. */
static bool transport(const struct mops_packet *pkt, uint16_t *proto, uint16_t *sport, uint16_t *dport, uint32_t *len)
{
    if (pkt->layers & MOPS_L_TCP) {
        *proto = MOPS_PROTO_TCP, *sport = pkt->tcp.sport, *dport = pkt->tcp.dport, *len = pkt->tcp.payload_len;
        return true;
    }
    if (pkt->layers & MOPS_L_UDP) {
        *proto = MOPS_PROTO_UDPV5, *sport = pkt->udp.sport, *dport = pkt->udp.dport, *len = pkt->udp.payload_len;
        return true;
    }
    return false;
}

static uint32_t link_of(const struct mops_session_tracker *t, uint32_t ifid)
{
    return t->create == MOPS_SESSIONS_PER_LINK ? ifid : 0;
}

/* What the tracker says of a packet on tuple entry e. */
static void seen_at(const struct mops_session_tracker *t, uint32_t e, bool from_client, struct mops_session_seen *out)
{
    const struct ent *x = &t->tuples.ents[e];
    const struct slot *s = &t->slots[x->slot];
    out->session = &s->s;
    out->from_client = from_client;
    out->moved_by = x->moved_by;
    out->left_by = x->left_by;
    out->left_ts_ns = x->left_ts;
    out->current = e == s->current;
    out->slot = x->slot;
}

void mops_sessions_find(const struct mops_session_tracker *t, uint32_t ifid, uint16_t proto, mops_addr_t x, uint16_t px,
                        mops_addr_t y, uint16_t py, struct mops_session_seen *out)
{
    memset(out, 0, sizeof *out);
    bool x_is_a;
    struct key k = tuple_key(link_of(t, ifid), proto, x, px, y, py, &x_is_a);
    uint32_t e = index_find(&t->tuples, &k);
    if (e != NIL)
        seen_at(t, e, t->tuples.ents[e].client_is_a == x_is_a, out);
}

uint32_t mops_sessions_prefetch(const struct mops_session_tracker *t, const struct mops_packet *pkt, uint32_t ifid,
                                int stage)
{
    uint16_t proto, sport, dport;
    uint32_t len;
    if (!transport(pkt, &proto, &sport, &dport, &len))
        return NIL;
    bool a;
    struct key k = tuple_key(link_of(t, ifid), proto, pkt->ip.src, sport, pkt->ip.dst, dport, &a);
    const uint32_t *b = &t->tuples.buckets[hash(&k) & t->tuples.mask];
    if (stage == 0)
        __builtin_prefetch(b);
    else if (*b == NIL)
        return NIL;
    else if (stage == 1)
        __builtin_prefetch(&t->tuples.ents[*b]);
    else {
        /* The chain's first entry: most are one long. */
        uint32_t slot = t->tuples.ents[*b].slot;
        const char *s = (const char *)&t->slots[slot];
        __builtin_prefetch(s);
        __builtin_prefetch(s + sizeof t->slots[0] - 1); /* its current entry, at the end */
        return slot;
    }
    return NIL;
}

void mops_sessions_packet(struct mops_session_tracker *t, const struct mops_packet *pkt, uint32_t ifid, uint64_t frame,
                          uint64_t ts_ns, struct mops_session_seen *out)
{
    memset(out, 0, sizeof *out);
    uint16_t proto, sport, dport;
    uint32_t len;
    if (!transport(pkt, &proto, &sport, &dport, &len))
        return;
    ifid = link_of(t, ifid);
    mops_addr_t src = pkt->ip.src, dst = pkt->ip.dst;
    bool src_is_a, created = false, from_client;
    struct key k = tuple_key(ifid, proto, src, sport, dst, dport, &src_is_a);
    uint32_t e = index_find(&t->tuples, &k), slot;
    if (e != NIL) {
        slot = t->tuples.ents[e].slot;
        from_client = t->tuples.ents[e].client_is_a == src_is_a;
        index_isn(t, pkt, slot); /* a new connection on a known tuple: its NAT copies join too */
    } else {
        from_client = new_from_client(pkt, sport, dport);
        mops_addr_t client = from_client ? src : dst, server = from_client ? dst : src;
        uint16_t cport = from_client ? sport : dport, svport = from_client ? dport : sport;
        slot = joined_by_isn(t, pkt);
        if (slot != NIL) {
            e = add_tuple(t, slot, ifid, proto, client, cport, server, svport, 0);
        } else if (may_create(t, pkt)) {
            slot = create(t, pkt, ifid, proto, client, cport, server, svport, frame, ts_ns);
            if (slot != NIL) {
                e = t->slots[slot].current;
                created = true;
            }
        }
        if (e == NIL)
            return;
    }
    seen_at(t, e, from_client, out);
    out->created = created;
    if (!out->current)
        return;
    struct slot *s = &t->slots[slot];
    s->s.last_ts_ns = ts_ns;
    s->s.bytes += len;
    if (from_client && proto == MOPS_PROTO_TCP) {
        uint32_t nxt = pkt->tcp.seq + len;
        if ((int32_t)(nxt - s->s.c_nxt) > 0)
            s->s.c_nxt = nxt;
    }
}

/* The session whose client sends next at seq to server:sport (TCP), or NIL:
 * how a move is found where the old tuple was not seen. */
static uint32_t by_sequence(const struct mops_session_tracker *t, mops_addr_t server, uint16_t sport, uint64_t seq)
{
    for (uint32_t i = 0; i < t->n_slots; i++) {
        const struct slot *s = &t->slots[i];
        if (s->used && s->s.proto == MOPS_PROTO_TCP && s->s.server == server && s->s.sport == sport &&
            s->s.c_nxt == (uint32_t)seq)
            return i;
    }
    return NIL;
}

unsigned mops_sessions_migrated(struct mops_session_tracker *t, const struct mops_migrate *g,
                                const struct mops_migrate_port *ports, unsigned n, mops_addr_t server, uint32_t ifid,
                                uint64_t frame, uint64_t ts_ns, bool mobile_side)
{
    ifid = link_of(t, ifid);
    unsigned moved = 0;
    for (unsigned i = 0; i < n; i++) {
        const struct mops_migrate_port *p = &ports[i];
        bool a;
        struct key k = tuple_key(ifid, g->proto, g->prev_addr, p->prev_sport, server, p->prev_dport, &a);
        uint32_t e = index_find(&t->tuples, &k), slot = NIL;
        if (e != NIL)
            slot = t->tuples.ents[e].slot;
        else if (g->proto == MOPS_PROTO_TCP && mobile_side && t->create != MOPS_SESSIONS_PER_LINK)
            slot = by_sequence(t, server, p->prev_dport, p->seq);
        if (slot == NIL)
            continue;
        struct slot *s = &t->slots[slot];
        struct key nk = tuple_key(ifid, g->proto, g->mig_addr, p->mig_sport, server, p->prev_dport, &a);
        uint32_t ne = index_find(&t->tuples, &nk);
        if (ne == NIL)
            ne = add_tuple(t, slot, ifid, g->proto, g->mig_addr, p->mig_sport, server, p->prev_dport, frame);
        else if (t->tuples.ents[ne].slot == slot)
            t->tuples.ents[ne].moved_by = frame; /* the same move again (a resent reply): the latest */
        if (ne == NIL || t->tuples.ents[ne].slot != slot)
            continue;
        moved++;
        if (mobile_side) {
            uint32_t old = e != NIL ? e : s->current;
            if (old != ne && old != NIL) {
                t->tuples.ents[old].left_by = frame;
                t->tuples.ents[old].left_ts = ts_ns;
            }
            set_current(s, ne, g->mig_addr, p->mig_sport, server, p->prev_dport);
            s->s.moves++;
            s->s.bytes_at_move = s->s.bytes;
            s->s.moved_by = frame;
        }
    }
    return moved;
}

unsigned mops_sessions_reply(struct mops_session_tracker *t, const struct mops_packet *reply, uint32_t ifid,
                             uint64_t frame)
{
    if (!(reply->layers & MOPS_L_MOPS) || reply->icmp.kind != MOPS_ICMP_KIND_MIGRATE ||
        reply->icmp.code != MOPS_MIGRATE_CODE_SUCCESS)
        return 0;
    const struct mops_migrate *g = &reply->icmp.u.migrate;
    return mops_sessions_migrated(t, g, reply->pool.migrate, g->n_decoded, reply->ip.src, ifid, frame, 0, false);
}
