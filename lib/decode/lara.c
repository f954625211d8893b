/* LARA's messages inside ICMPv5 (LARA §3, §5.1; profile §9): the DAD request
 * and reply, and the broadcast advertisement, with what the profile requires
 * of their addresses at both layers. A problem with the frame's MACs sits at
 * the message's Type, so that it is shown with the message. */
#include <string.h>

#include "mops/core/lara_mac.h"

#include "internal.h"

/* False when the message is too short to hold its body. */
static bool check_length(struct mops_dec *d, const struct mops_icmp *m, uint32_t want, const char *name)
{
    if (m->len < want)
        mops_problem_add(d->pkt, MOPS_P_ICMP5_LENGTH, m->off, "%s of %u octets, expected %u", name, m->len, want);
    else if (m->len > want)
        mops_problem_add(d->pkt, MOPS_P_ICMP5_LENGTH, m->off + want,
                         "%s of %u octets, expected %u: %u extra octets ignored", name, m->len, want, m->len - want);
    return m->len >= want;
}

static void check_dad(struct mops_dec *d, const struct mops_icmp *m, bool request, const char *name)
{
    struct mops_packet *pkt = d->pkt;
    uint32_t ip = pkt->link.ipff_off;
    if (pkt->ip.htl != MOPS_LARA_HTL)
        mops_problem_add(pkt, MOPS_P_LARA_HTL, ip + 16, "%s with Hops to Live %u, expected %u", name, pkt->ip.htl,
                         MOPS_LARA_HTL);
    if (pkt->ip.src != pkt->ip.dst)
        mops_problem_add(pkt, MOPS_P_LARA_ADDR, ip + 8, "%s with Source and Destination different (LARA §3)", name);
    const uint8_t *src = mops_packet_src_mac(pkt), *dst = mops_packet_dst_mac(pkt);
    if (src && memcmp(src, m->u.dad.mac, 6) != 0)
        mops_problem_add(pkt, MOPS_P_LARA_MAC, m->off + 10, "%s whose Source MAC is not the frame's source MAC", name);
    /* FastDAD asks the tested address's logical MAC, PowerDAD broadcast; a
     * reply goes to the requester's physical MAC, which only the request names. */
    if (request && dst && mops_mac_kind(dst) != MOPS_MAC_BROADCAST && !mops_lara_mac_of(dst, pkt->ip.dst))
        mops_problem_add(pkt, MOPS_P_LARA_MAC, m->off + 4,
                         "%s sent neither to the tested address's logical MAC nor to broadcast", name);
}

static void decode_dad(struct mops_dec *d, struct mops_rd *r, struct mops_icmp *m, bool request)
{
    const char *name = request ? "DAD request" : "DAD reply";
    m->kind = request ? MOPS_ICMP_KIND_DAD_REQUEST : MOPS_ICMP_KIND_DAD_REPLY;
    if (!check_length(d, m, MOPS_DAD_LEN, name))
        return;
    m->u.dad.reserved = mops_rd_u16(r);
    mops_rd_copy(r, m->u.dad.mac, 6);
    m->u.dad.session_id = mops_rd_u32(r);
    if (mops_rd_failed(r)) {
        mops_problem_short(d->pkt, r, MOPS_P_ICMP5_LENGTH, name);
        return;
    }
    d->pkt->layers |= MOPS_L_LARA;
    check_dad(d, m, request, name);
}

static void decode_advert(struct mops_dec *d, struct mops_icmp *m)
{
    struct mops_packet *pkt = d->pkt;
    m->kind = MOPS_ICMP_KIND_LARA_ADVERT;
    check_length(d, m, MOPS_LARA_ADVERT_LEN, "Broadcast Advertisement");
    pkt->layers |= MOPS_L_LARA;
    if (pkt->ip.dst != 0)
        mops_problem_add(pkt, MOPS_P_LARA_ADDR, pkt->link.ipff_off + 10,
                         "Broadcast Advertisement to an address other than 0.0.0.0.0 (LARA §5.1)");
    const uint8_t *src = mops_packet_src_mac(pkt), *dst = mops_packet_dst_mac(pkt);
    if (src && !mops_lara_mac_of(src, pkt->ip.src))
        mops_problem_add(pkt, MOPS_P_LARA_MAC, m->off + 4, "Broadcast Advertisement not from the source's logical MAC");
    if (dst && mops_mac_kind(dst) != MOPS_MAC_BROADCAST)
        mops_problem_add(pkt, MOPS_P_LARA_MAC, m->off + 4, "Broadcast Advertisement not sent to Ethernet broadcast");
}

bool mops_is_lara_type(const struct mops_settings *s, uint16_t t)
{
    return t == s->type_dad_request || t == s->type_dad_reply || t == s->type_lara_advert;
}

void mops_decode_lara(struct mops_dec *d, struct mops_rd *r)
{
    struct mops_icmp *m = &d->pkt->icmp;
    if (m->code != 0)
        mops_problem_add(d->pkt, MOPS_P_ICMP5_CODE_UNKNOWN, m->off + 6, "LARA message with code %u, expected 0",
                         m->code);
    if (m->type == d->s->type_lara_advert)
        decode_advert(d, m);
    else
        decode_dad(d, r, m, m->type == d->s->type_dad_request);
}
