/* The server (MOPS §3.2, §4.1, profile §7, E6). */
#include "mops/model/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mops/decode/decode.h"

static struct mops_sock *reply_sock(struct mops_server *s, struct mops_sock *k);

int mops_server_init(struct mops_server *s, const struct mops_settings *st, const char *name, mops_addr_t addr,
                     uint64_t seed, uint32_t bad, const struct mops_model_caps *caps)
{
    if (!caps)
        caps = &mops_model_caps_default;
    memset(s, 0, sizeof *s);
    s->n_socks = caps->server_socks;
    s->n_hist = caps->server_history;
    s->socks = mops_model_table(caps, s->n_socks, sizeof *s->socks);
    /* The old tuples are kept only to misbehave with (stale-tuple). */
    s->stale = mops_model_table(caps, bad & MOPS_BAD_STALE_TUPLE ? s->n_socks : 1, sizeof *s->stale);
    s->hist = mops_model_table(caps, s->n_hist, sizeof *s->hist);
    if (mops_index_init(&s->by_tuple, caps, s->n_socks) < 0 || !s->socks || !s->stale || !s->hist) {
        mops_server_free(s);
        return -1;
    }
    snprintf(s->name, sizeof s->name, "%s", name);
    s->st = st;
    s->addr = addr;
    s->rng = seed;
    s->bad = bad;
    s->rcv_wnd = 65535;
    s->next_push = UINT64_MAX;
    return 0;
}

void mops_server_free(struct mops_server *s)
{
    free(s->socks);
    free(s->stale);
    free(s->hist);
    mops_index_free(&s->by_tuple);
    s->socks = s->stale = NULL;
    s->hist = NULL;
}

/* The sessions by tuple: a busy server's shadow holds tens of thousands. */
static uint32_t tuple_bucket(const struct mops_server *s, uint16_t proto, mops_addr_t raddr, uint16_t rport,
                             uint16_t lport)
{
    return mops_index_bucket(&s->by_tuple, raddr ^ ((uint64_t)rport << 50) ^ ((uint64_t)lport << 34) ^ proto);
}

static void index_del(struct mops_server *s, struct mops_sock *k)
{
    mops_index_del(&s->by_tuple, tuple_bucket(s, k->proto, k->raddr, k->rport, k->lport), (int32_t)(k - s->socks));
}

static void index_add(struct mops_server *s, struct mops_sock *k)
{
    mops_index_add(&s->by_tuple, tuple_bucket(s, k->proto, k->raddr, k->rport, k->lport), (int32_t)(k - s->socks));
}

/* Every change of a session's peer goes through here, to keep the index. */
static void sock_move(struct mops_server *s, struct mops_sock *k, mops_addr_t raddr, uint16_t rport)
{
    index_del(s, k);
    k->raddr = raddr;
    k->rport = rport;
    index_add(s, k);
}

/* A slot for a new session (zeroed, knowing its sequence space, indexed
 * once its tuple is set by sock_open), or NULL when full. A shadow with a
 * partial view replaces the oldest instead: memory stays flat however long
 * the capture. */
static struct mops_sock *sock_new(struct mops_server *s)
{
    unsigned tries = s->partial_view ? 8 : s->n_socks;
    for (unsigned t = 0; t < tries; t++) {
        unsigned i = s->cursor++ % s->n_socks;
        struct mops_sock *k = &s->socks[i];
        if (k->state == MOPS_SOCK_FREE || k->state == MOPS_SOCK_DEAD) {
            if (k->state == MOPS_SOCK_DEAD)
                index_del(s, k);
            memset(k, 0, sizeof *k);
            k->rcv_known = k->snd_known = true;
            return k;
        }
    }
    if (!s->partial_view)
        return NULL;
    struct mops_sock *k = &s->socks[s->cursor++ % s->n_socks];
    index_del(s, k);
    memset(k, 0, sizeof *k);
    k->rcv_known = k->snd_known = true;
    return k;
}

int mops_server_listen(struct mops_server *s, const struct mops_listen *l)
{
    if (s->n_listen == MOPS_SRV_LISTEN)
        return -1;
    s->listen[s->n_listen++] = *l;
    if (l->push && l->push_every_ns && l->push_every_ns < s->next_push)
        s->next_push = l->push_every_ns;
    return 0;
}

void mops_server_tick(struct mops_server *s, uint64_t now, struct mops_outbox *out)
{
    if (now < s->next_push)
        return;
    uint64_t every = UINT64_MAX;
    for (unsigned i = 0; i < s->n_listen; i++) {
        const struct mops_listen *l = &s->listen[i];
        if (!l->push || !l->push_every_ns)
            continue;
        if (l->push_every_ns < every)
            every = l->push_every_ns;
        for (unsigned k = 0; k < s->n_socks; k++) {
            struct mops_sock *so = &s->socks[k];
            if (so->state != MOPS_SOCK_OPEN || so->proto != l->proto || so->lport != l->port)
                continue;
            struct mops_sock *to = reply_sock(s, so);
            if (so->proto == MOPS_PROTO_TCP) {
                mops_sock_send_tcp(s->st, to, MOPS_TCP_ACK | MOPS_TCP_PSH, l->push, false, NULL, out);
                so->snd_nxt = to->snd_nxt;
            } else {
                mops_sock_send_udp(s->st, to, l->push, NULL, out);
            }
        }
    }
    s->next_push = every == UINT64_MAX ? UINT64_MAX : now + every;
}

uint64_t mops_server_next_timer(const struct mops_server *s) { return s->next_push; }

static const struct mops_listen *listener(const struct mops_server *s, uint16_t proto, uint16_t port)
{
    /* In order: a port's own listener before a wildcard (port 0). */
    for (unsigned i = 0; i < s->n_listen; i++)
        if (s->listen[i].proto == proto && (s->listen[i].port == port || s->listen[i].port == 0))
            return &s->listen[i];
    return NULL;
}

struct mops_sock *mops_server_find(struct mops_server *s, uint16_t proto, mops_addr_t raddr, uint16_t rport,
                                   uint16_t lport)
{
    for (int32_t i = s->by_tuple.head[tuple_bucket(s, proto, raddr, rport, lport)]; i >= 0; i = s->by_tuple.next[i]) {
        struct mops_sock *k = &s->socks[i];
        if (k->state != MOPS_SOCK_FREE && k->state != MOPS_SOCK_DEAD && k->proto == proto && k->raddr == raddr &&
            k->rport == rport && k->lport == lport)
            return k;
    }
    return NULL;
}

bool mops_server_gone(const struct mops_server *s, uint16_t proto, mops_addr_t raddr, uint16_t rport, uint16_t lport)
{
    for (int32_t i = s->by_tuple.head[tuple_bucket(s, proto, raddr, rport, lport)]; i >= 0; i = s->by_tuple.next[i]) {
        const struct mops_sock *k = &s->socks[i];
        if (k->state == MOPS_SOCK_DEAD && k->proto == proto && k->raddr == raddr && k->rport == rport &&
            k->lport == lport)
            return true;
    }
    return false;
}

bool mops_server_left(const struct mops_server *s, uint16_t proto, mops_addr_t raddr, uint16_t rport)
{
    for (unsigned h = 0; h < s->n_hist; h++) {
        const struct mops_srv_accepted *a = &s->hist[h];
        for (unsigned j = 0; a->used && a->proto == proto && a->prev_addr == raddr && j < a->n; j++)
            if (a->prev_sport[j] == rport)
                return true;
    }
    return false;
}

/* What the server sends back: on the session's tuple, or, when told to
 * misbehave, still on the tuple it had before the move. */
static struct mops_sock *reply_sock(struct mops_server *s, struct mops_sock *k)
{
    if (!(s->bad & MOPS_BAD_STALE_TUPLE))
        return k;
    struct mops_sock *old = &s->stale[k - s->socks];
    if (old->state == MOPS_SOCK_OPEN) {
        old->snd_nxt = k->snd_nxt;
        old->rcv_nxt = k->rcv_nxt;
        return old;
    }
    return k;
}

struct mops_sock *mops_server_find_hinted(struct mops_server *s, uint16_t proto, mops_addr_t raddr, uint16_t rport,
                                          uint16_t lport, struct mops_sock *hint)
{
    if (hint && hint >= s->socks && hint < s->socks + s->n_socks && hint->state != MOPS_SOCK_FREE &&
        hint->state != MOPS_SOCK_DEAD && hint->proto == proto && hint->raddr == raddr && hint->rport == rport &&
        hint->lport == lport)
        return hint;
    return mops_server_find(s, proto, raddr, rport, lport);
}

static struct mops_sock *tcp_input(struct mops_server *s, const struct mops_packet *pkt, struct mops_sock *hint,
                                   struct mops_outbox *out)
{
    const struct mops_tcp *t = &pkt->tcp;
    struct mops_sock *k = mops_server_find_hinted(s, MOPS_PROTO_TCP, pkt->ip.src, t->sport, t->dport, hint);
    const struct mops_listen *l = listener(s, MOPS_PROTO_TCP, t->dport);
    if (!k && (t->flags & (MOPS_TCP_SYN | MOPS_TCP_ACK)) == MOPS_TCP_SYN && l) {
        k = sock_new(s);
        if (!k)
            return NULL;
        k->proto = MOPS_PROTO_TCP;
        k->laddr = pkt->ip.dst;
        k->lport = t->dport;
        k->raddr = pkt->ip.src;
        k->rport = t->sport;
        index_add(s, k);
        k->rcv_wnd = s->rcv_wnd;
        k->mobile = t->mobile_capable;
        k->snd_nxt = (uint32_t)mops_rng_next(&s->rng);
        mops_sock_take_tcp(k, pkt);
        k->state = MOPS_SOCK_SYN_RCVD;
        /* MOPS §3.2: tell the client where its SYN came from. */
        struct mops_recv_src rs = {.present = true, .port = t->sport, .addr = pkt->ip.src};
        bool with_rs = k->mobile && !(s->bad & MOPS_BAD_NO_RECV_SRC);
        bool echo = k->mobile && !(s->bad & MOPS_BAD_NO_MC_ECHO); /* MOPS §3.1 */
        mops_sock_send_tcp(s->st, k, MOPS_TCP_SYN | MOPS_TCP_ACK, 0, echo, with_rs ? &rs : NULL, out);
        if (k->mobile && s->anycast && pkt->ip.dst == s->anycast)
            mops_anycast_ack(s->st, s->anycast, s->addr, pkt, out);
        return k;
    }
    if (!k)
        return NULL;
    if (k->state == MOPS_SOCK_SYN_RCVD && (t->flags & MOPS_TCP_ACK))
        k->state = MOPS_SOCK_OPEN;
    uint32_t n = mops_sock_take_tcp(k, pkt);
    if (n && l && l->respond) {
        struct mops_sock *to = reply_sock(s, k);
        mops_sock_send_tcp(s->st, to, MOPS_TCP_ACK | MOPS_TCP_PSH, l->respond, false, NULL, out);
        k->snd_nxt = to->snd_nxt;
    }
    return k;
}

static void udp_input(struct mops_server *s, const struct mops_packet *pkt, struct mops_outbox *out)
{
    const struct mops_udp *u = &pkt->udp;
    const struct mops_listen *l = listener(s, MOPS_PROTO_UDPV5, u->dport);
    struct mops_sock *k = mops_server_find(s, MOPS_PROTO_UDPV5, pkt->ip.src, u->sport, u->dport);
    if (!k) {
        if (!l || !(k = sock_new(s)))
            return;
        k->proto = MOPS_PROTO_UDPV5;
        k->laddr = pkt->ip.dst;
        k->lport = u->dport;
        k->raddr = pkt->ip.src;
        k->rport = u->sport;
        index_add(s, k);
        k->mobile = true;
        k->state = MOPS_SOCK_OPEN;
        k->recv_src_left = 3; /* MOPS §3.2: "several packets" for UDP */
    }
    k->bytes_in += u->payload_len;
    if (l && l->respond) {
        struct mops_recv_src rs = {.present = true, .port = u->sport, .addr = pkt->ip.src};
        struct mops_sock *to = reply_sock(s, k);
        mops_sock_send_udp(s->st, to, l->respond, k->recv_src_left ? &rs : NULL, out);
        if (k->recv_src_left)
            k->recv_src_left--;
    }
}

/* A migrate's ICMPv5 message, for comparing a request with one accepted. */
static const uint8_t *message(const struct mops_packet *pkt, uint32_t *len)
{
    *len = pkt->icmp.len;
    return pkt->frame + pkt->icmp.off;
}

static enum mops_verdict port_verdict(struct mops_server *s, const struct mops_migrate *g,
                                      const struct mops_migrate_port *p, struct mops_sock **sock)
{
    *sock = mops_server_find(s, g->proto, g->prev_addr, p->prev_sport, p->prev_dport);
    if (!*sock) {
        bool known = !s->partial_view || mops_server_gone(s, g->proto, g->prev_addr, p->prev_sport, p->prev_dport);
        return known ? MOPS_VERDICT_REFUSE : MOPS_VERDICT_UNKNOWN;
    }
    if ((*sock)->state != MOPS_SOCK_OPEN) /* its handshake unfinished, or dead */
        return MOPS_VERDICT_REFUSE;
    if (s->bad & MOPS_BAD_REJECT_VALID_SEQ)
        return MOPS_VERDICT_REFUSE;
    if (s->bad & MOPS_BAD_ACCEPT_WRONG_SEQ)
        return MOPS_VERDICT_ACCEPT;
    const struct mops_listen *l = listener(s, g->proto, p->prev_dport);
    /* profile §7: a Unique ID when the application demands one (always for
     * UDP), else the sequence number within the receive window. */
    if ((l && l->unique_required) || g->proto != MOPS_PROTO_TCP) {
        if (l && !l->unique_required && l->unique_unknown)
            return MOPS_VERDICT_UNKNOWN;
        return l && l->unique_required && p->seq == l->unique_id ? MOPS_VERDICT_ACCEPT : MOPS_VERDICT_REFUSE;
    }
    if (!(*sock)->rcv_known)
        return MOPS_VERDICT_UNKNOWN;
    /* profile §5: a TCP sequence is 32 bits; the field's high bits are zero. */
    if (p->seq >> 32)
        return MOPS_VERDICT_REFUSE;
    uint32_t seq = (uint32_t)p->seq;
    bool ok = s->seq_exact ? seq == (*sock)->rcv_nxt : mops_seq_in_window(seq, (*sock)->rcv_nxt, (*sock)->rcv_wnd);
    return ok ? MOPS_VERDICT_ACCEPT : MOPS_VERDICT_REFUSE;
}

struct mops_sock *mops_server_adopt(struct mops_server *s, const struct mops_sock_seen *k)
{
    struct mops_sock *so = mops_server_find(s, k->proto, k->raddr, k->rport, k->lport);
    if (so)
        index_del(s, so);
    else if (!(so = sock_new(s)))
        return NULL;
    mops_sock_adopt(so, k);
    if (k->gone)
        so->state = MOPS_SOCK_DEAD; /* indexed, so that mops_server_gone finds it */
    index_add(s, so);
    return so;
}

/* A migrate accepted, into the history (its oldest entry replaced when full). */
static struct mops_srv_accepted *hist_add(struct mops_server *s, uint64_t at, const struct mops_migrate *g,
                                          mops_addr_t client, const uint8_t *req, uint32_t req_len)
{
    unsigned h = 0, oldest = 0;
    for (; h < s->n_hist && s->hist[h].used; h++)
        if (s->hist[h].at < s->hist[oldest].at)
            oldest = h;
    struct mops_srv_accepted *a = &s->hist[h < s->n_hist ? h : oldest];
    memset(a, 0, sizeof *a);
    a->used = true;
    a->at = at;
    a->proto = g->proto;
    a->prev_addr = g->prev_addr;
    a->req_src = client;
    if (req_len <= sizeof a->req) {
        a->req_len = req_len;
        memcpy(a->req, req, req_len);
    }
    return a;
}

void mops_server_adopt_outcome(struct mops_server *s, const struct mops_server_outcome *o)
{
    const struct mops_migrate *g = o->g;
    /* What the shadow itself recorded of this request gives way. */
    for (unsigned h = 0; h < s->n_hist; h++) {
        struct mops_srv_accepted *a = &s->hist[h];
        if (a->used && a->at == o->at && a->req_src == o->client && a->proto == g->proto &&
            a->prev_addr == g->prev_addr)
            a->used = false;
    }
    struct mops_srv_accepted *a = NULL;
    for (unsigned i = 0; i < o->n && i < MOPS_SRV_MIGRATE_PORTS; i++) {
        const struct mops_migrate_port *p = &o->ports[i];
        struct mops_sock *k = mops_server_find(s, g->proto, g->prev_addr, p->prev_sport, p->prev_dport);
        if (!k)
            k = mops_server_find(s, g->proto, g->mig_addr, p->mig_sport, p->prev_dport);
        if (k && o->accepted[i]) {
            sock_move(s, k, g->mig_addr, p->mig_sport);
            k->laddr = o->local; /* anycast: the session goes on at the unicast address */
        } else if (k) {
            sock_move(s, k, g->prev_addr, p->prev_sport);
        }
        if (!o->accepted[i])
            continue;
        if (!a)
            a = hist_add(s, o->at, g, o->client, o->req, o->req_len);
        a->prev_sport[a->n++] = p->prev_sport;
    }
    if (a && o->reply_len <= sizeof a->reply) {
        a->reply_len = o->reply_len;
        memcpy(a->reply, o->reply, o->reply_len);
    }
}

static void migrate_input(struct mops_server *s, uint64_t now, const struct mops_packet *pkt, struct mops_outbox *out)
{
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    const struct mops_migrate_port *ports = pkt->pool.migrate;
    unsigned n = g->n_decoded;
    if (!n || n > MOPS_SRV_MIGRATE_PORTS)
        return;
    uint32_t mlen;
    const uint8_t *msg = message(pkt, &mlen);
    for (unsigned h = 0; h < s->n_hist && !(s->bad & MOPS_BAD_REJUDGE_DUPLICATE); h++) {
        struct mops_srv_accepted *a = &s->hist[h];
        if (!a->used || now - a->at >= MOPS_FLAP_NS)
            continue;
        /* E6: the very request accepted before, resent after a lost reply:
         * the same reply again. */
        if (a->req_src == pkt->ip.src && a->req_len == mlen && memcmp(a->req + 4, msg + 4, mlen - 4) == 0) {
            if (a->reply_len) /* none when told never to reply */
                mops_outbox_add(out, a->reply, a->reply_len);
            s->cached_replies++;
            return;
        }
        /* MOPS §4.1: the same previous address and port again within 5 s. */
        for (unsigned i = 0; i < n && !(s->bad & MOPS_BAD_ANSWER_FLAP); i++)
            for (unsigned j = 0; j < a->n; j++)
                if (a->proto == g->proto && a->prev_addr == g->prev_addr && a->prev_sport[j] == ports[i].prev_sport) {
                    s->flaps_discarded++;
                    return;
                }
    }
    bool atomic = pkt->icmp.code == MOPS_MIGRATE_CODE_ATOMIC;
    /* MOPS §4.1: the 999 field limit. */
    bool bad_addr =
        (!mops_addr_valid(g->prev_addr) || !mops_addr_valid(g->mig_addr)) && !(s->bad & MOPS_BAD_ACCEPT_INVALID_ADDR);
    bool ok[MOPS_SRV_MIGRATE_PORTS];
    struct mops_sock *socks[MOPS_SRV_MIGRATE_PORTS];
    unsigned n_ok = 0;
    s->last.n = n;
    s->last.decided = true;
    for (unsigned i = 0; i < n; i++) {
        s->last.port[i] = bad_addr ? MOPS_VERDICT_REFUSE : port_verdict(s, g, &ports[i], &socks[i]);
        ok[i] = s->last.port[i] == MOPS_VERDICT_ACCEPT;
        n_ok += ok[i];
        s->last.decided &= s->last.port[i] != MOPS_VERDICT_UNKNOWN;
    }
    if (!s->last.decided) { /* not from a guess: neither a reply nor a move */
        s->undecided++;
        return;
    }
    bool all = n_ok == n;
    bool remap = all || !atomic || (s->bad & MOPS_BAD_NO_ROLLBACK);
    struct mops_srv_accepted *a = remap && n_ok ? hist_add(s, now, g, pkt->ip.src, msg, mlen) : NULL;
    for (unsigned i = 0; i < n; i++) {
        if (!ok[i] || !remap)
            continue;
        struct mops_sock *k = socks[i];
        if (s->bad & MOPS_BAD_STALE_TUPLE)
            s->stale[k - s->socks] = *k;
        sock_move(s, k, g->mig_addr, ports[i].mig_sport);
        k->laddr = pkt->ip.dst; /* anycast: the session goes on at the unicast address */
        k->moves++;
        a->prev_sport[a->n++] = ports[i].prev_sport;
    }
    if (all)
        s->accepted++;
    else
        s->refused++;
    if (s->bad & MOPS_BAD_NO_REPLY)
        return;
    /* profile §7: success echoes the request; failed lists the failed ports,
     * all of them for an atomic request. */
    struct mops_migrate_port reply_ports[MOPS_SRV_MIGRATE_PORTS];
    unsigned rn = 0;
    for (unsigned i = 0; i < n; i++)
        if (all || atomic || !ok[i])
            reply_ports[rn++] = ports[i];
    struct mops_migrate rg = *g;
    rg.n_ports = (uint16_t)rn;
    if (s->bad & MOPS_BAD_REPLY_PREV)
        rg.prev_addr = s->addr;
    if (s->bad & MOPS_BAD_REPLY_MISMATCH)
        reply_ports[0].mig_sport++;
    struct mops_builder *b = mops_outbox_builder(out, s->st);
    struct mops_ipff_hdr h = {.src = pkt->ip.dst, .dst = pkt->ip.src, .htl = 64};
    mops_build_ipff(b, &h);
    mops_build_migrate(b, all ? MOPS_MIGRATE_CODE_SUCCESS : MOPS_MIGRATE_CODE_FAILED, &rg, reply_ports, rn);
    mops_build_finish(b);
    uint32_t len;
    const uint8_t *reply = mops_build_data(b, &len);
    if (a && len <= sizeof a->reply) {
        a->reply_len = len;
        memcpy(a->reply, reply, len);
    }
    mops_outbox_add(out, reply, len);
}

void mops_server_input(struct mops_server *s, uint64_t now, const struct mops_packet *pkt, struct mops_outbox *out)
{
    struct mops_sock *hint = NULL;
    mops_server_input_hinted(s, now, pkt, &hint, out);
}

void mops_server_input_hinted(struct mops_server *s, uint64_t now, const struct mops_packet *pkt,
                              struct mops_sock **hint, struct mops_outbox *out)
{
    if (pkt->status != MOPS_ST_OK || (pkt->ip.dst != s->addr && (!s->anycast || pkt->ip.dst != s->anycast)) ||
        (mops_packet_checksum_bad(pkt) && !(s->bad & MOPS_BAD_ANSWER_CORRUPT)))
        return;
    /* ADDR §3: traffic from an invalid address is dropped; a Migrate from
     * one is refused by its reply instead (MOPS §4.1, the 999 field limit:
     * captures/field-limit). A server that accepts such an address (the
     * misbehaviour) talks to it too. */
    if (mops_packet_addr_invalid(pkt) && !(pkt->layers & MOPS_L_MOPS) && !(s->bad & MOPS_BAD_ACCEPT_INVALID_ADDR))
        return;
    if (pkt->layers & MOPS_L_TCP)
        *hint = tcp_input(s, pkt, *hint, out);
    else if (pkt->layers & MOPS_L_UDP)
        udp_input(s, pkt, out);
    else if ((pkt->layers & MOPS_L_MOPS) && pkt->icmp.kind == MOPS_ICMP_KIND_MIGRATE &&
             pkt->icmp.code <= MOPS_MIGRATE_CODE_ATOMIC)
        migrate_input(s, now, pkt, out);
}
