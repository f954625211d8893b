/* LARA on Ethernet, one node's address (LARA §3, §5; profile §9). */
#include "mops/model/lara.h"

#include <string.h>

#include "mops/core/lara_mac.h"

void mops_lara_init(struct mops_lara *l, const struct mops_settings *st, const uint8_t mac[6], uint32_t session_id,
                    uint32_t bad)
{
    memset(l, 0, sizeof *l);
    l->st = st ? st : &mops_settings_default;
    memcpy(l->mac, mac, 6);
    l->session_id = session_id;
    l->bad = bad;
}

static void send_dad(const struct mops_lara *l, bool reply, struct mops_outbox *out)
{
    struct mops_builder *b = mops_outbox_builder(out, l->st);
    /* LARA §3: Source = Destination = the address tested, Hops to Live 1. */
    struct mops_ipff_hdr h = {.src = l->addr, .dst = l->addr, .htl = MOPS_LARA_HTL};
    mops_build_ipff(b, &h);
    struct mops_dad d = {.session_id = l->session_id};
    memcpy(d.mac, l->mac, 6);
    mops_build_dad(b, reply, &d);
    mops_outbox_add_built(out, b);
}

void mops_lara_start(struct mops_lara *l, uint64_t now, mops_addr_t addr, struct mops_outbox *out)
{
    l->addr = addr;
    l->state = MOPS_LARA_TENTATIVE;
    l->since = l->started = now;
    memset(&l->dup, 0, sizeof l->dup);
    l->went_ahead = false;
    send_dad(l, false, out);
    uint8_t to[6];
    mops_lara_mac(addr, to); /* FastDAD */
    mops_outbox_set_l2_dst(out, to);
}

void mops_lara_hold(struct mops_lara *l, uint64_t now, mops_addr_t addr)
{
    l->addr = addr;
    l->state = MOPS_LARA_PREFERRED;
    l->since = now;
}

bool mops_lara_input(struct mops_lara *l, uint64_t now, const struct mops_packet *pkt, const uint8_t *src_mac,
                     struct mops_outbox *out)
{
    (void)src_mac;
    if (!(pkt->layers & MOPS_L_LARA) || pkt->icmp.kind == MOPS_ICMP_KIND_LARA_ADVERT)
        return (pkt->layers & MOPS_L_LARA) != 0;
    const struct mops_dad *d = &pkt->icmp.u.dad;
    if (l->state == MOPS_LARA_OFF || pkt->ip.dst != l->addr)
        return true;
    /* Its own request, looped back, is no duplicate: same MAC and Session ID. */
    bool same_mac = memcmp(d->mac, l->mac, 6) == 0;
    if (same_mac && d->session_id == l->session_id)
        return true;
    if (pkt->icmp.kind == MOPS_ICMP_KIND_DAD_REQUEST) {
        /* LARA §3: the holder answers, back the way the request came
         * (broadcast for PowerDAD, and for a cloned MAC, LARA §3.1.3). */
        if (l->state != MOPS_LARA_PREFERRED)
            return true;
        send_dad(l, true, out);
        const uint8_t *dst = pkt->link.has_mac ? pkt->link.mac_dst : NULL;
        bool broadcast = same_mac || (dst && mops_mac_kind(dst) == MOPS_MAC_BROADCAST);
        mops_outbox_set_l2_dst(out, broadcast ? mops_mac_broadcast : d->mac);
        l->requests_answered++;
        return true;
    }
    if (!l->dup.found) {
        l->dup = (struct mops_lara_dup){.found = true,
                                        .while_tentative = l->state == MOPS_LARA_TENTATIVE,
                                        .at = now,
                                        .session_id = d->session_id,
                                        .cloned_mac = same_mac};
        memcpy(l->dup.mac, d->mac, 6);
    }
    /* LARA §5: found while tentative the address is shut down; later the
     * node keeps running and reports it. */
    if (l->state == MOPS_LARA_TENTATIVE) {
        l->state = MOPS_LARA_DUPLICATE;
        l->since = now;
    }
    return true;
}

bool mops_lara_tick(struct mops_lara *l, uint64_t now)
{
    if (now < l->started + MOPS_LARA_TENTATIVE_NS)
        return false;
    if (l->state == MOPS_LARA_DUPLICATE && (l->bad & MOPS_BAD_IGNORE_DAD_REPLY) && !l->went_ahead) {
        l->went_ahead = true; /* as if the reply had not come */
        return true;
    }
    if (l->state != MOPS_LARA_TENTATIVE)
        return false;
    l->state = MOPS_LARA_PREFERRED;
    l->since = now;
    return true;
}

uint64_t mops_lara_next_timer(const struct mops_lara *l)
{
    if (l->state == MOPS_LARA_TENTATIVE ||
        (l->state == MOPS_LARA_DUPLICATE && (l->bad & MOPS_BAD_IGNORE_DAD_REPLY) && !l->went_ahead))
        return l->started + MOPS_LARA_TENTATIVE_NS;
    return UINT64_MAX;
}

bool mops_lara_may_send(const struct mops_lara *l)
{
    switch (l->state) {
        case MOPS_LARA_OFF:
        case MOPS_LARA_PREFERRED: return true;
        case MOPS_LARA_TENTATIVE: return (l->bad & MOPS_BAD_MIGRATE_TENTATIVE) != 0;
        case MOPS_LARA_DUPLICATE: return l->went_ahead; /* ignore-dad-reply */
    }
    return false;
}

void mops_lara_advertise(const struct mops_lara *l, struct mops_outbox *out)
{
    struct mops_builder *b = mops_outbox_builder(out, l->st);
    /* LARA §5.1: to 0.0.0.0.0 and Ethernet broadcast, from the logical MAC. */
    struct mops_ipff_hdr h = {.src = l->addr, .dst = 0, .htl = MOPS_LARA_HTL};
    mops_build_ipff(b, &h);
    mops_build_lara_advert(b);
    mops_outbox_add_built(out, b);
    mops_outbox_set_l2_dst(out, mops_mac_broadcast);
}

void mops_lara_frame_src(const struct mops_lara *l, uint8_t mac[6]) { mops_lara_mac(l->addr, mac); }
