/* The mobile node (MOPS §3, §4.1, §4.3, Appendix A and B). */
#include "mops/model/mobile.h"

#include "mops/decode/decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mops_mobile_init(struct mops_mobile *m, const struct mops_settings *st, const char *name, uint64_t seed,
                     uint32_t bad, const struct mops_model_caps *caps)
{
    if (!caps)
        caps = &mops_model_caps_default;
    memset(m, 0, sizeof *m);
    snprintf(m->name, sizeof m->name, "%s", name);
    m->st = st;
    m->rng = seed;
    m->bad = bad;
    m->n_socks = caps->mobile_socks;
    m->cap_natt = caps->mobile_natt;
    m->n_pend = caps->mobile_pending;
    m->socks = mops_model_table(caps, m->n_socks, sizeof *m->socks);
    m->natt = mops_model_table(caps, m->cap_natt, sizeof *m->natt);
    m->pend = mops_model_table(caps, m->n_pend, sizeof *m->pend);
    if (!m->socks || !m->natt || !m->pend) {
        mops_mobile_free(m);
        return -1;
    }
    return 0;
}

void mops_mobile_free(struct mops_mobile *m)
{
    free(m->socks);
    free(m->natt);
    free(m->pend);
    m->socks = NULL;
    m->natt = NULL;
    m->pend = NULL;
}

int mops_mobile_copy(struct mops_mobile *dst, const struct mops_mobile *src)
{
    *dst = *src;
    dst->socks = mops_model_table(NULL, src->n_socks, sizeof *dst->socks);
    dst->natt = mops_model_table(NULL, src->cap_natt, sizeof *dst->natt);
    dst->pend = mops_model_table(NULL, src->n_pend, sizeof *dst->pend);
    if (!dst->socks || !dst->natt || !dst->pend) {
        mops_mobile_free(dst);
        return -1;
    }
    memcpy(dst->socks, src->socks, src->n_socks * sizeof *dst->socks);
    memcpy(dst->natt, src->natt, src->cap_natt * sizeof *dst->natt);
    memcpy(dst->pend, src->pend, src->n_pend * sizeof *dst->pend);
    return 0;
}

int mops_mobile_connect(struct mops_mobile *m, uint64_t now, uint16_t proto, mops_addr_t dst, uint16_t dport,
                        uint16_t sport, const uint64_t *unique_id, bool mobile, struct mops_outbox *out)
{
    (void)now;
    struct mops_sock *s = mops_sock_alloc(m->socks, m->n_socks);
    if (!s || !m->attached)
        return -1;
    s->proto = proto;
    s->laddr = m->addr;
    s->lport = sport;
    s->raddr = dst;
    s->rport = dport;
    s->rcv_wnd = 65535;
    s->mobile = mobile;
    if (unique_id) {
        s->unique_id = *unique_id;
        s->has_unique_id = true;
    }
    if (proto == MOPS_PROTO_TCP) {
        s->snd_nxt = (uint32_t)mops_rng_next(&m->rng);
        s->state = MOPS_SOCK_SYN_SENT;
        mops_sock_send_tcp(m->st, s, MOPS_TCP_SYN, 0, mobile, NULL, out); /* MOPS §3.1 */
    } else {
        s->state = MOPS_SOCK_OPEN;
    }
    return (int)(s - m->socks);
}

void mops_mobile_inject(struct mops_mobile *m, mops_addr_t dst, uint8_t code, const struct mops_migrate *g,
                        const struct mops_migrate_port *port, struct mops_outbox *out)
{
    if (!m->attached)
        return;
    struct mops_builder *b = mops_outbox_builder(out, m->st);
    struct mops_ipff_hdr h = {.src = m->addr, .dst = dst, .htl = 64};
    mops_build_ipff(b, &h);
    mops_build_migrate(b, code, g, port, 1);
    mops_outbox_add_built(out, b);
}

static void sock_send(struct mops_mobile *m, struct mops_sock *s, uint32_t len, struct mops_outbox *out)
{
    if (s->proto == MOPS_PROTO_TCP)
        mops_sock_send_tcp(m->st, s, MOPS_TCP_ACK | MOPS_TCP_PSH, len, false, NULL, out);
    else
        mops_sock_send_udp(m->st, s, len, NULL, out);
}

void mops_mobile_send(struct mops_mobile *m, int sock, uint32_t len, struct mops_outbox *out)
{
    if (sock < 0 || (unsigned)sock >= m->n_socks || !m->attached || (m->lara_on && !mops_lara_may_send(&m->lara)))
        return;
    struct mops_sock *s = &m->socks[sock];
    if (s->state != MOPS_SOCK_OPEN)
        return;
    /* An address the node no longer has is not a source: the data waits
     * for the move's reply (sent then), or dies with the socket. */
    if (s->laddr != m->addr) {
        s->held += len;
        return;
    }
    sock_send(m, s, len, out);
}

/* Appendix B: a chain of rows, level 1 from the socket's own address, each
 * next level's original being the previous level's translation. The
 * server's received-source option, when one came, names the last row
 * itself: it is there for a node behind NATs to know it (MOPS §3.2), the
 * only way for UDP, whose NATs send no NAT ack (MOPS §4.3). */
void mops_mobile_outermost(const struct mops_mobile *m, const struct mops_sock *s, mops_addr_t *addr, uint16_t *port)
{
    if (s->rsrc_known) {
        *addr = s->rsrc_addr;
        *port = s->rsrc_port;
        return;
    }
    mops_addr_t a = s->laddr;
    uint16_t p = s->lport;
    for (uint8_t level = 1; level < 16; level++) {
        bool found = false;
        for (unsigned i = 0; i < m->n_natt && !found; i++) {
            const struct mops_natt_entry *e = &m->natt[i];
            if (e->level == level && e->proto == s->proto && e->orig_addr == a && e->orig_port == p) {
                a = e->trans_addr;
                p = e->trans_port;
                found = true;
            }
        }
        if (!found)
            break;
    }
    *addr = a;
    *port = p;
}

int mops_mobile_adopt_natt(struct mops_mobile *m, const struct mops_natt_entry *e)
{
    unsigned i = 0;
    for (; i < m->n_natt; i++) {
        const struct mops_natt_entry *x = &m->natt[i];
        if (x->proto == e->proto && x->level == e->level && x->orig_addr == e->orig_addr &&
            x->orig_port == e->orig_port)
            break;
    }
    if (i == m->n_natt) {
        if (m->n_natt == m->cap_natt)
            return -1;
        m->n_natt++;
    }
    m->natt[i] = *e;
    return 0;
}

/* MOPS §4.3: each port of a NAT ack is a row of its level. */
static void learn(struct mops_mobile *m, const struct mops_packet *pkt)
{
    const struct mops_nat_ack *a = &pkt->icmp.u.natack;
    for (unsigned k = 0; k < a->n_decoded; k++) {
        struct mops_natt_entry e = {a->proto,
                                    a->level,
                                    a->orig_addr,
                                    a->trans_addr,
                                    pkt->pool.natack[k].orig_port,
                                    pkt->pool.natack[k].trans_port};
        mops_mobile_adopt_natt(m, &e);
    }
}

struct mops_sock *mops_mobile_adopt(struct mops_mobile *m, const struct mops_sock_seen *k)
{
    struct mops_sock *s = mops_sock_alloc(m->socks, m->n_socks);
    if (!s)
        return NULL;
    mops_sock_adopt(s, k);
    return s;
}

static bool group_has_room(const struct mops_mn_pending *p) { return p->n < MOPS_MN_PORTS; }

static void send_migrates(struct mops_mobile *m, uint64_t now, struct mops_outbox *out)
{
    /* A new move supersedes the migrates of the last one still unanswered. */
    for (unsigned k = 0; k < m->n_pend; k++)
        m->pend[k].used = false;
    /* Grouped in place: every slot is free now. */
    struct mops_mn_pending *groups = m->pend;
    unsigned ng = 0;
    for (unsigned i = 0; i < m->n_socks; i++) {
        struct mops_sock *s = &m->socks[i];
        if (s->state != MOPS_SOCK_OPEN || (!s->mobile && !(m->bad & MOPS_BAD_MIGRATE_NOT_MOBILE)))
            continue;
        /* Its sequence (SND.NXT) unknown: no Migrate from a guess. */
        if (s->proto == MOPS_PROTO_TCP && !s->snd_known && !s->has_unique_id)
            continue;
        mops_addr_t prev;
        uint16_t prev_port;
        if (m->bad & MOPS_BAD_PREV_NOT_TRANSLATED)
            prev = s->laddr, prev_port = s->lport;
        else /* MOPS §4.1: behind NAT, the translated values */
            mops_mobile_outermost(m, s, &prev, &prev_port);
        for (unsigned e = 0; (m->bad & MOPS_BAD_PREV_INTERMEDIATE) && e < m->n_natt; e++)
            if (m->natt[e].level == 1 && m->natt[e].proto == s->proto && m->natt[e].orig_addr == s->laddr &&
                m->natt[e].orig_port == s->lport)
                prev = m->natt[e].trans_addr, prev_port = m->natt[e].trans_port;
        mops_addr_t server = s->unicast ? s->unicast : s->raddr;
        unsigned g = 0;
        for (; g < ng; g++)
            if (groups[g].server == server && groups[g].proto == s->proto && groups[g].prev_addr == prev &&
                group_has_room(&groups[g]))
                break;
        if (g == ng) {
            if (ng == m->n_pend)
                continue;
            memset(&groups[ng], 0, sizeof groups[ng]);
            groups[ng].server = server;
            groups[ng].proto = s->proto;
            groups[ng].prev_addr = prev;
            groups[ng].mig_addr = m->addr;
            groups[ng].code = m->atomic ? MOPS_MIGRATE_CODE_ATOMIC : MOPS_MIGRATE_CODE_MIGRATE;
            ng++;
        }
        struct mops_mn_pending *p = &groups[g];
        uint16_t mig_port = m->next_mig_port ? m->next_mig_port++ : s->lport;
        /* The sequence: SND.NXT for TCP, the Unique ID when the application has one. */
        uint64_t seq = s->has_unique_id ? s->unique_id : s->snd_nxt;
        p->ports[p->n] = (struct mops_migrate_port){prev_port, mig_port, s->rport, s->rport, seq};
        p->sock[p->n] = (uint16_t)i;
        p->mig_sport[p->n] = mig_port;
        p->n++;
    }
    for (unsigned g = 0; g < ng; g++) {
        struct mops_mn_pending *p = &m->pend[g];
        p->used = true;
        p->sent_at = now;
        struct mops_builder *b = mops_outbox_builder(out, m->st);
        struct mops_ipff_hdr h = {.src = m->addr, .dst = p->server, .htl = 64};
        mops_build_ipff(b, &h);
        struct mops_migrate mg = {.version = MOPS_MOPS_VERSION,
                                  .proto = p->proto,
                                  .prev_addr = p->prev_addr,
                                  .n_ports = (uint16_t)p->n,
                                  .mig_addr = p->mig_addr};
        mops_build_migrate(b, p->code, &mg, p->ports, p->n);
        mops_build_finish(b);
        const uint8_t *bytes = mops_build_data(b, &p->len);
        if (p->len > sizeof p->bytes) {
            p->used = false;
            continue;
        }
        memcpy(p->bytes, bytes, p->len);
        mops_outbox_add(out, p->bytes, p->len);
    }
}

void mops_mobile_use_lara(struct mops_mobile *m, const uint8_t mac[6], uint32_t session_id)
{
    mops_lara_init(&m->lara, m->st, mac, session_id, m->bad);
    m->lara_on = true;
    if (m->addr)
        mops_lara_hold(&m->lara, 0, m->addr);
}

void mops_mobile_attach(struct mops_mobile *m, uint64_t now, mops_addr_t addr, struct mops_outbox *out)
{
    bool moved = m->addr && m->addr != addr;
    m->addr = addr;
    m->attached = true;
    if (m->lara_on) {
        /* Profile §9: every attach (a new address, or the link up again)
         * runs DAD; a move's Migrates wait until the address is usable. */
        mops_lara_start(&m->lara, now, addr, out);
        m->move_waiting = moved && !mops_lara_may_send(&m->lara);
        if (!mops_lara_may_send(&m->lara))
            return;
    }
    if (moved)
        send_migrates(m, now, out);
}

void mops_mobile_detach(struct mops_mobile *m) { m->attached = false; }

struct mops_sock *mops_mobile_find(struct mops_mobile *m, uint16_t proto, mops_addr_t raddr, uint16_t rport,
                                   uint16_t lport)
{
    for (unsigned i = 0; i < m->n_socks; i++) {
        struct mops_sock *s = &m->socks[i];
        if (s->state != MOPS_SOCK_FREE && s->state != MOPS_SOCK_DEAD && s->proto == proto && s->lport == lport &&
            s->rport == rport && (s->raddr == raddr || s->unicast == raddr))
            return s;
    }
    return NULL;
}

struct mops_sock *mops_mobile_sock_for(const struct mops_mobile *m, mops_addr_t server, uint16_t proto,
                                       mops_addr_t prev, const struct mops_migrate_port *p)
{
    for (unsigned i = 0; i < m->n_socks; i++) {
        struct mops_sock *s = &m->socks[i];
        if (s->state != MOPS_SOCK_OPEN || s->proto != proto || s->rport != p->prev_dport ||
            (s->raddr != server && s->unicast != server))
            continue;
        if (s->rsrc_known && s->rsrc_addr == prev && s->rsrc_port == p->prev_sport)
            return s;
        /* Its own address, or any level of its chain (Appendix B). */
        mops_addr_t a = s->laddr;
        uint16_t port = s->lport;
        for (uint8_t level = 1; level <= 16; level++) {
            if (a == prev && port == p->prev_sport)
                return s;
            unsigned e = 0;
            while (e < m->n_natt && !(m->natt[e].level == level && m->natt[e].proto == s->proto &&
                                      m->natt[e].orig_addr == a && m->natt[e].orig_port == port))
                e++;
            if (e == m->n_natt)
                break;
            a = m->natt[e].trans_addr;
            port = m->natt[e].trans_port;
        }
    }
    return NULL;
}

/* The bytes of a decoded packet's IPFF packet. */
static const uint8_t *ipff_bytes(const struct mops_packet *pkt, uint32_t *len)
{
    *len = pkt->caplen - pkt->link.ipff_off - pkt->link.trailer_len;
    return pkt->frame + pkt->link.ipff_off;
}

int mops_mobile_adopt_migrate(struct mops_mobile *m, uint64_t sent_at, const struct mops_packet *pkt, unsigned resends)
{
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    uint32_t len;
    const uint8_t *bytes = ipff_bytes(pkt, &len);
    struct mops_mn_pending *p = NULL;
    for (unsigned k = 0; k < m->n_pend && !p; k++) /* it takes the place of the model's own */
        if (m->pend[k].used && m->pend[k].server == pkt->ip.dst && m->pend[k].proto == g->proto)
            p = &m->pend[k];
    for (unsigned k = 0; k < m->n_pend && !p; k++)
        if (!m->pend[k].used)
            p = &m->pend[k];
    if (!p || len > sizeof p->bytes)
        return -1;
    memset(p, 0, sizeof *p);
    p->used = true;
    p->server = pkt->ip.dst;
    p->proto = g->proto;
    p->code = pkt->icmp.code;
    p->prev_addr = g->prev_addr;
    p->mig_addr = g->mig_addr;
    p->sent_at = sent_at;
    p->resends = resends;
    for (unsigned i = 0; i < g->n_decoded && p->n < MOPS_MN_PORTS; i++) {
        const struct mops_migrate_port *mp = &pkt->pool.migrate[i];
        struct mops_sock *s = mops_mobile_sock_for(m, pkt->ip.dst, g->proto, g->prev_addr, mp);
        if (!s) {
            struct mops_sock_seen k = {.proto = g->proto,
                                       .laddr = g->prev_addr,
                                       .raddr = pkt->ip.dst,
                                       .lport = mp->prev_sport,
                                       .rport = mp->prev_dport,
                                       .mobile = true,
                                       .snd_known = g->proto == MOPS_PROTO_TCP,
                                       .snd_nxt = (uint32_t)mp->seq};
            if (!(s = mops_mobile_adopt(m, &k)))
                return -1;
        }
        p->sock[p->n] = (uint16_t)(s - m->socks);
        p->ports[p->n] = *mp;
        p->mig_sport[p->n] = mp->mig_sport;
        p->n++;
    }
    p->len = len;
    memcpy(p->bytes, bytes, len);
    return 0;
}

bool mops_mobile_adopt_resend(struct mops_mobile *m, uint64_t now, const struct mops_packet *pkt)
{
    uint32_t len;
    const uint8_t *bytes = ipff_bytes(pkt, &len);
    for (unsigned k = 0; k < m->n_pend; k++) {
        struct mops_mn_pending *p = &m->pend[k];
        if (p->used && p->len == len && memcmp(p->bytes, bytes, len) == 0) {
            p->sent_at = now;
            p->resends++;
            m->resends++;
            return true;
        }
    }
    return false;
}

static struct mops_sock *find_sock(struct mops_mobile *m, const struct mops_packet *pkt, uint16_t sport, uint16_t dport)
{
    for (unsigned i = 0; i < m->n_socks; i++) {
        struct mops_sock *s = &m->socks[i];
        if (s->state != MOPS_SOCK_FREE && s->state != MOPS_SOCK_DEAD && s->proto == pkt->l4_proto &&
            s->lport == dport && s->rport == sport && (s->raddr == pkt->ip.src || s->unicast == pkt->ip.src))
            return s;
    }
    return NULL;
}

/* MOPS §3.2: where the server received the socket's traffic from. */
static void learn_rsrc(struct mops_sock *s, const struct mops_packet *pkt)
{
    if (!pkt->recv_src.present)
        return;
    s->rsrc_known = true;
    s->rsrc_addr = pkt->recv_src.addr;
    s->rsrc_port = pkt->recv_src.port;
}

static void migrate_reply(struct mops_mobile *m, const struct mops_packet *pkt, struct mops_outbox *out)
{
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    for (unsigned k = 0; k < m->n_pend; k++) {
        struct mops_mn_pending *p = &m->pend[k];
        if (!p->used || p->proto != g->proto || p->prev_addr != g->prev_addr || p->mig_addr != g->mig_addr)
            continue;
        bool success = pkt->icmp.code == MOPS_MIGRATE_CODE_SUCCESS;
        for (unsigned i = 0; i < p->n; i++) {
            bool failed = !success && p->code == MOPS_MIGRATE_CODE_ATOMIC;
            for (unsigned j = 0; !success && !failed && j < g->n_decoded; j++)
                failed = pkt->pool.migrate[j].mig_sport == p->mig_sport[i];
            struct mops_sock *s = &m->socks[p->sock[i]];
            if (failed) {
                s->state = MOPS_SOCK_DEAD; /* the application sees an error, as on a reset */
            } else {
                s->laddr = m->addr;
                s->lport = p->mig_sport[i];
                s->rsrc_known = false; /* the server's view of the old tuple */
                if (s->unicast)
                    s->raddr = s->unicast;
                s->moves++;
                if (s->held && s->laddr == m->addr)
                    sock_send(m, s, s->held, out);
                s->held = 0;
            }
        }
        if (success)
            m->migrations_ok++;
        else
            m->migrations_failed++;
        p->used = false;
        return;
    }
}

void mops_mobile_input(struct mops_mobile *m, uint64_t now, const struct mops_packet *pkt, struct mops_outbox *out)
{
    if (!m->attached || pkt->status != MOPS_ST_OK || pkt->ip.dst != m->addr || mops_packet_checksum_bad(pkt))
        return;
    if (pkt->layers & MOPS_L_LARA) {
        if (m->lara_on)
            mops_lara_input(&m->lara, now, pkt, NULL, out);
        return;
    }
    if (pkt->layers & MOPS_L_TCP) {
        struct mops_sock *s = find_sock(m, pkt, pkt->tcp.sport, pkt->tcp.dport);
        if (!s)
            return;
        learn_rsrc(s, pkt);
        if (s->state == MOPS_SOCK_SYN_SENT &&
            (pkt->tcp.flags & (MOPS_TCP_SYN | MOPS_TCP_ACK)) == (MOPS_TCP_SYN | MOPS_TCP_ACK)) {
            mops_sock_take_tcp(s, pkt);
            s->mobile = pkt->tcp.mobile_capable;
            s->state = MOPS_SOCK_OPEN;
            /* E1: the third ACK carries MOBILE_CAPABLE too. */
            mops_sock_send_tcp(m->st, s, MOPS_TCP_ACK, 0, s->mobile && !(m->bad & MOPS_BAD_MC_SYN_ONLY), NULL, out);
        } else if (s->state == MOPS_SOCK_OPEN) {
            mops_sock_take_tcp(s, pkt);
        }
        return;
    }
    if (pkt->layers & MOPS_L_UDP) {
        struct mops_sock *s = find_sock(m, pkt, pkt->udp.sport, pkt->udp.dport);
        if (s) {
            s->bytes_in += pkt->udp.payload_len;
            learn_rsrc(s, pkt);
        }
        return;
    }
    if (!(pkt->layers & MOPS_L_MOPS))
        return;
    const struct mops_icmp *ic = &pkt->icmp;
    if (ic->kind == MOPS_ICMP_KIND_NAT_ACK) {
        learn(m, pkt);
    } else if (ic->kind == MOPS_ICMP_KIND_ANYCAST_ACK) {
        const struct mops_anycast_ack *a = &ic->u.anycast;
        for (unsigned i = 0; i < m->n_socks; i++) {
            struct mops_sock *s = &m->socks[i];
            mops_addr_t oa;
            uint16_t op;
            mops_mobile_outermost(m, s, &oa, &op);
            if (s->state != MOPS_SOCK_FREE && s->proto == a->proto && s->raddr == a->anycast_addr &&
                s->rport == a->dport && (s->lport == a->sport || op == a->sport))
                s->unicast = a->unicast_addr;
        }
    } else if (ic->kind == MOPS_ICMP_KIND_MIGRATE &&
               (ic->code == MOPS_MIGRATE_CODE_SUCCESS || ic->code == MOPS_MIGRATE_CODE_FAILED)) {
        migrate_reply(m, pkt, out);
    }
}

static uint64_t interval(const struct mops_mobile *m)
{
    return (m->bad & MOPS_BAD_RETX_EARLY) ? MOPS_NS_PER_SEC / 2 : MOPS_MIGRATE_RETX_NS;
}

void mops_mobile_tick(struct mops_mobile *m, uint64_t now, struct mops_outbox *out)
{
    if (m->lara_on && mops_lara_tick(&m->lara, now) && m->move_waiting) {
        m->move_waiting = false;
        send_migrates(m, now, out);
    }
    unsigned max = (m->bad & MOPS_BAD_RETX_EXCESS) ? 6 : MOPS_MIGRATE_MAX_RESENDS;
    for (unsigned k = 0; k < m->n_pend; k++) {
        struct mops_mn_pending *p = &m->pend[k];
        if (!p->used || now < p->sent_at + interval(m))
            continue;
        if (p->resends < max) { /* MOPS §4.1: resend, identical */
            p->resends++;
            m->resends++;
            p->sent_at = now;
            if (m->attached)
                mops_outbox_add(out, p->bytes, p->len);
        } else { /* then the sockets are dead */
            for (unsigned i = 0; i < p->n; i++)
                m->socks[p->sock[i]].state = MOPS_SOCK_DEAD;
            m->migrations_failed++;
            p->used = false;
        }
    }
}

uint64_t mops_mobile_next_timer(const struct mops_mobile *m)
{
    uint64_t t = m->lara_on ? mops_lara_next_timer(&m->lara) : UINT64_MAX;
    for (unsigned k = 0; k < m->n_pend; k++)
        if (m->pend[k].used && m->pend[k].sent_at + interval(m) < t)
            t = m->pend[k].sent_at + interval(m);
    return t;
}
