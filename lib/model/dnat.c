/* The destination NAT / load balancer (MOPS §5.1). */
#include "mops/model/dnat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mops_dnat_init(struct mops_dnat *d, const struct mops_settings *st, const char *name, mops_addr_t vip,
                   mops_addr_t backend, bool force_atomic, uint32_t bad, const struct mops_model_caps *caps)
{
    if (!caps)
        caps = &mops_model_caps_default;
    memset(d, 0, sizeof *d);
    d->n_sessions = caps->dnat_sessions;
    d->n_pend = caps->dnat_pending;
    d->sessions = mops_model_table(caps, d->n_sessions, sizeof *d->sessions);
    d->pend = mops_model_table(caps, d->n_pend, sizeof *d->pend);
    if (!d->sessions || !d->pend) {
        mops_dnat_free(d);
        return -1;
    }
    snprintf(d->name, sizeof d->name, "%s", name);
    d->st = st;
    d->vip = vip;
    d->backend = backend;
    d->force_atomic = force_atomic;
    d->bad = bad;
    return 0;
}

void mops_dnat_free(struct mops_dnat *d)
{
    free(d->sessions);
    free(d->pend);
    d->sessions = NULL;
    d->pend = NULL;
}

const struct mops_dnat_session *mops_dnat_session(const struct mops_dnat *d, uint16_t proto, mops_addr_t client,
                                                  uint16_t cport)
{
    for (unsigned i = 0; i < d->n_sessions; i++) {
        const struct mops_dnat_session *s = &d->sessions[i];
        if (s->used && s->proto == proto && s->client == client && s->cport == cport)
            return s;
    }
    return NULL;
}

const struct mops_dnat_session *mops_dnat_adopt(struct mops_dnat *d, uint16_t proto, mops_addr_t client, uint16_t cport,
                                                uint16_t vport)
{
    const struct mops_dnat_session *known = mops_dnat_session(d, proto, client, cport);
    if (known)
        return known;
    for (unsigned i = 0; i < d->n_sessions; i++)
        if (!d->sessions[i].used) {
            d->sessions[i] = (struct mops_dnat_session){true, proto, client, cport, vport};
            return &d->sessions[i];
        }
    return NULL;
}

bool mops_dnat_refused(const struct mops_dnat *d, uint16_t proto, mops_addr_t client, uint16_t cport)
{
    for (unsigned i = 0; i < d->n_refused && i < 8; i++)
        if (d->refused[i].proto == proto && d->refused[i].addr == client && d->refused[i].port == cport)
            return true;
    return false;
}

static void from_client(struct mops_dnat *d, const struct mops_packet *pkt, struct mops_outbox *out)
{
    struct mops_packet *scratch = mops_outbox_scratch(out);
    mops_packet_copy(scratch, pkt);
    scratch->ip.dst = d->backend;
    if (pkt->layers & (MOPS_L_TCP | MOPS_L_UDP)) {
        bool tcp = pkt->layers & MOPS_L_TCP;
        uint16_t cport = tcp ? pkt->tcp.sport : pkt->udp.sport;
        if (!mops_dnat_session(d, pkt->l4_proto, pkt->ip.src, cport)) {
            /* New sessions only by a SYN (or any UDP datagram); a moved
             * client is let in once the server has confirmed it. */
            bool unseen = d->partial_view && !mops_dnat_refused(d, pkt->l4_proto, pkt->ip.src, cport);
            if (tcp && !(pkt->tcp.flags & MOPS_TCP_SYN) && !unseen) {
                d->dropped++;
                return;
            }
            mops_dnat_adopt(d, pkt->l4_proto, pkt->ip.src, cport, tcp ? pkt->tcp.dport : pkt->udp.dport);
        }
        mops_outbox_forward(out, d->st, scratch, NULL);
        return;
    }
    if ((pkt->layers & MOPS_L_MOPS) && pkt->icmp.kind == MOPS_ICMP_KIND_MIGRATE &&
        pkt->icmp.code <= MOPS_MIGRATE_CODE_ATOMIC) {
        const struct mops_migrate *g = &pkt->icmp.u.migrate;
        struct mops_dnat_pending *p = NULL;
        for (unsigned i = 0; i < d->n_pend && !p; i++)
            if (!d->pend[i].used)
                p = &d->pend[i];
        if (!p)
            p = &d->pend[0];
        memset(p, 0, sizeof *p);
        p->used = true;
        p->proto = g->proto;
        p->prev_addr = g->prev_addr;
        p->mig_addr = g->mig_addr;
        p->code = d->force_atomic ? MOPS_MIGRATE_CODE_ATOMIC : pkt->icmp.code;
        for (unsigned i = 0; i < g->n_decoded && i < MOPS_MN_PORTS; i++) {
            p->prev_sport[p->n] = pkt->pool.migrate[i].prev_sport;
            p->mig_sport[p->n++] = pkt->pool.migrate[i].mig_sport;
        }
        scratch->icmp.code = p->code;
        mops_outbox_forward(out, d->st, scratch, NULL);
    }
}

static void remap(struct mops_dnat *d, const struct mops_dnat_pending *p, unsigned i)
{
    for (unsigned k = 0; k < d->n_sessions; k++) {
        struct mops_dnat_session *s = &d->sessions[k];
        if (s->used && s->proto == p->proto && s->client == p->prev_addr && s->cport == p->prev_sport[i]) {
            s->client = p->mig_addr;
            s->cport = p->mig_sport[i];
            d->remapped++;
        }
    }
}

static void from_server(struct mops_dnat *d, const struct mops_packet *pkt, struct mops_outbox *out)
{
    struct mops_packet *scratch = mops_outbox_scratch(out);
    mops_packet_copy(scratch, pkt);
    scratch->ip.src = d->vip;
    if ((pkt->layers & MOPS_L_MOPS) && pkt->icmp.kind == MOPS_ICMP_KIND_MIGRATE &&
        pkt->icmp.code >= MOPS_MIGRATE_CODE_SUCCESS) {
        const struct mops_migrate *g = &pkt->icmp.u.migrate;
        for (unsigned k = 0; k < d->n_pend; k++) {
            struct mops_dnat_pending *p = &d->pend[k];
            if (!p->used || p->proto != g->proto || p->prev_addr != g->prev_addr || p->mig_addr != g->mig_addr)
                continue;
            /* Only what the server confirms: every port on success; on a
             * failed reply to a non-atomic request, the ports it does not list. */
            for (unsigned i = 0; i < p->n; i++) {
                bool listed = false;
                for (unsigned j = 0; j < g->n_decoded; j++)
                    listed |= pkt->pool.migrate[j].prev_sport == p->prev_sport[i];
                bool ok =
                    pkt->icmp.code == MOPS_MIGRATE_CODE_SUCCESS || (p->code == MOPS_MIGRATE_CODE_MIGRATE && !listed);
                if (ok || (d->bad & MOPS_BAD_REMAP_UNCONFIRMED))
                    remap(d, p, i);
                if (!ok) {
                    struct mops_dnat_refused *r = &d->refused[d->n_refused++ % 8];
                    *r = (struct mops_dnat_refused){p->proto, p->mig_sport[i], p->mig_addr};
                }
            }
            p->used = false;
            break;
        }
    }
    mops_outbox_forward(out, d->st, scratch, NULL);
}

bool mops_dnat_input(struct mops_dnat *d, uint64_t now, const struct mops_packet *pkt, struct mops_outbox *out)
{
    (void)now;
    if (pkt->status != MOPS_ST_OK)
        return false;
    if (pkt->ip.dst == d->vip) {
        from_client(d, pkt, out);
        return true;
    }
    if (pkt->ip.src == d->backend) {
        from_server(d, pkt, out);
        return true;
    }
    return false;
}
