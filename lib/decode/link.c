/* Carriers of profile §1: Ethernet (802.1Q/802.1ad tags), Linux SLL and SLL2,
 * LINKTYPE_USER0, and the IPFF-in-UDP overlay over IPv4 and IPv6 (also on raw
 * IP and BSD loopback link types). Finds where the IPFF packet starts and how
 * many octets the carrier gives it. */
#include <string.h>

#include "internal.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86DD
#define IPPROTO_UDP_ 17
#define IPV6_MAX_EXT 16

static bool is_vlan_tpid(uint16_t t) { return t == 0x8100 || t == 0x88A8 || t == 0x9100; }

/* The carrier's span for IPFF ends at wire_end (a frame offset). */
static bool found(struct mops_dec *d, enum mops_carrier c, uint32_t off, uint32_t wire_end)
{
    struct mops_link *l = &d->pkt->link;
    l->carrier = c;
    l->ipff_off = off;
    l->ipff_wire = wire_end > off ? wire_end - off : 0;
    d->pkt->layers |= MOPS_L_LINK;
    return true;
}

static bool decode_udp(struct mops_dec *d, struct mops_rd *r, uint32_t ip_wire_end, enum mops_carrier c)
{
    struct mops_link *l = &d->pkt->link;
    uint32_t udp_off = r->pos;
    l->udp_sport = mops_rd_u16(r);
    l->udp_dport = mops_rd_u16(r);
    l->udp_len = mops_rd_u16(r);
    l->udp_csum = mops_rd_u16(r);
    if (mops_rd_failed(r)) {
        mops_problem_short(d->pkt, r, MOPS_P_LINK_MALFORMED, "UDP header");
        return false;
    }
    if (l->udp_sport != d->s->udp_port && l->udp_dport != d->s->udp_port)
        return false;
    d->pkt->layers |= MOPS_L_OVERLAY;
    uint32_t end = ip_wire_end;
    if (l->udp_len < 8 || udp_off + l->udp_len > ip_wire_end)
        mops_problem_add(d->pkt, MOPS_P_LINK_MALFORMED, udp_off + 4,
                         "UDP length %u does not fit the %u octets of its IP payload", l->udp_len,
                         ip_wire_end - udp_off);
    else
        end = udp_off + l->udp_len;
    return found(d, c, r->pos, end);
}

static bool decode_ipv4(struct mops_dec *d, struct mops_rd *r, uint32_t wire_end)
{
    struct mops_link *l = &d->pkt->link;
    uint32_t ip_off = r->pos;
    uint8_t vihl = mops_rd_u8(r);
    mops_rd_skip(r, 1);
    uint16_t total = mops_rd_u16(r);
    mops_rd_skip(r, 2);
    uint16_t frag = mops_rd_u16(r);
    l->ip_ttl = mops_rd_u8(r);
    uint8_t proto = mops_rd_u8(r);
    mops_rd_skip(r, 2);
    mops_rd_copy(r, l->ip_src, 4);
    mops_rd_copy(r, l->ip_dst, 4);
    if (mops_rd_failed(r)) {
        mops_problem_short(d->pkt, r, MOPS_P_LINK_MALFORMED, "IPv4 header");
        return false;
    }
    l->ip_version = 4;
    unsigned ihl = (vihl & 0xf) * 4u;
    if ((vihl >> 4) != 4 || ihl < 20) {
        mops_problem_add(d->pkt, MOPS_P_LINK_MALFORMED, ip_off, "IPv4 header with version %u and header length %u",
                         vihl >> 4, ihl);
        return false;
    }
    /* Fragments are not reassembled: only a whole datagram carries IPFF. */
    if (proto != IPPROTO_UDP_ || (frag & 0x3fff) != 0)
        return false;
    mops_rd_skip(r, ihl - 20);
    uint32_t end = ip_off + total;
    if (total < ihl || end > wire_end) {
        mops_problem_add(d->pkt, MOPS_P_LINK_MALFORMED, ip_off + 2,
                         "IPv4 total length %u does not fit the %u octets of the frame", total, wire_end - ip_off);
        end = wire_end;
    }
    if (mops_rd_failed(r)) {
        mops_problem_short(d->pkt, r, MOPS_P_LINK_MALFORMED, "IPv4 options");
        return false;
    }
    return decode_udp(d, r, end, MOPS_CARRIER_UDP4);
}

static bool decode_ipv6(struct mops_dec *d, struct mops_rd *r, uint32_t wire_end)
{
    struct mops_link *l = &d->pkt->link;
    uint32_t ip_off = r->pos;
    uint32_t vtf = mops_rd_u32(r);
    uint16_t plen = mops_rd_u16(r);
    uint8_t nh = mops_rd_u8(r);
    l->ip_ttl = mops_rd_u8(r);
    mops_rd_copy(r, l->ip_src, 16);
    mops_rd_copy(r, l->ip_dst, 16);
    if (mops_rd_failed(r)) {
        mops_problem_short(d->pkt, r, MOPS_P_LINK_MALFORMED, "IPv6 header");
        return false;
    }
    l->ip_version = 6;
    if ((vtf >> 28) != 6) {
        mops_problem_add(d->pkt, MOPS_P_LINK_MALFORMED, ip_off, "IPv6 header with version %u", vtf >> 28);
        return false;
    }
    uint32_t end = ip_off + 40 + plen;
    if (plen == 0 || end > wire_end) /* 0: jumbogram; take the frame */
        end = wire_end;
    for (int i = 0; i < IPV6_MAX_EXT && nh != IPPROTO_UDP_; i++) {
        uint8_t next = mops_rd_u8(r);
        uint8_t len = mops_rd_u8(r);
        if (nh == 0 || nh == 43 || nh == 60) {
            mops_rd_skip(r, (len + 1u) * 8 - 2);
        } else if (nh == 44) { /* fragment: only an unfragmented datagram counts */
            uint16_t fo = mops_rd_u16(r);
            if (fo != 0)
                return false;
            mops_rd_skip(r, 4);
        } else if (nh == 51) {
            mops_rd_skip(r, (len + 2u) * 4 - 2);
        } else {
            return false;
        }
        if (mops_rd_failed(r)) {
            mops_problem_short(d->pkt, r, MOPS_P_LINK_MALFORMED, "IPv6 extension header");
            return false;
        }
        nh = next;
    }
    if (nh != IPPROTO_UDP_)
        return false;
    return decode_udp(d, r, end, MOPS_CARRIER_UDP6);
}

/* After an EtherType (or SLL protocol): tags, then IPFF or the overlay. */
static bool decode_ethertype(struct mops_dec *d, struct mops_rd *r, uint16_t type, enum mops_carrier c)
{
    struct mops_link *l = &d->pkt->link;
    uint32_t wire_end = d->pkt->wirelen;
    while (is_vlan_tpid(type)) {
        uint16_t tci = mops_rd_u16(r);
        type = mops_rd_u16(r);
        if (mops_rd_failed(r)) {
            mops_problem_short(d->pkt, r, MOPS_P_LINK_MALFORMED, "802.1Q tag");
            return false;
        }
        if (l->n_vlan < MOPS_MAX_VLAN)
            l->vlan_tci[l->n_vlan++] = tci;
        else
            break; /* deeper stacks are not IPFF as far as we are concerned */
    }
    l->ethertype = type;
    if (type == d->s->ethertype)
        return found(d, c, r->pos, wire_end);
    if (type == ETH_P_IPV4)
        return decode_ipv4(d, r, wire_end);
    if (type == ETH_P_IPV6)
        return decode_ipv6(d, r, wire_end);
    return false;
}

static bool decode_ip_raw(struct mops_dec *d, struct mops_rd *r, int version)
{
    if (version == 0) {
        if (mops_rd_left(r) == 0)
            return false;
        version = r->frame[r->pos] >> 4;
    }
    if (version == 4)
        return decode_ipv4(d, r, d->pkt->wirelen);
    if (version == 6)
        return decode_ipv6(d, r, d->pkt->wirelen);
    return false;
}

bool mops_decode_link(struct mops_dec *d, uint32_t linktype)
{
    struct mops_packet *pkt = d->pkt;
    struct mops_link *l = &pkt->link;
    struct mops_rd r = mops_rd_span(pkt->frame, 0, pkt->caplen, true);
    l->linktype = linktype;
    switch (linktype) {
        case MOPS_LINKTYPE_ETHERNET: {
            mops_rd_copy(&r, l->mac_dst, 6);
            mops_rd_copy(&r, l->mac_src, 6);
            uint16_t type = mops_rd_u16(&r);
            if (mops_rd_failed(&r)) {
                mops_problem_short(pkt, &r, MOPS_P_LINK_MALFORMED, "Ethernet header");
                return false;
            }
            l->has_mac = true;
            return decode_ethertype(d, &r, type, MOPS_CARRIER_ETHERNET);
        }
        case MOPS_LINKTYPE_SLL: {
            l->sll_pkttype = mops_rd_u16(&r);
            l->sll_hatype = mops_rd_u16(&r);
            uint16_t alen = mops_rd_u16(&r);
            mops_rd_copy(&r, l->sll_addr, 8);
            uint16_t type = mops_rd_u16(&r);
            if (mops_rd_failed(&r)) {
                mops_problem_short(pkt, &r, MOPS_P_LINK_MALFORMED, "Linux cooked header");
                return false;
            }
            l->sll_addr_len = alen > 8 ? 8 : (uint8_t)alen;
            return decode_ethertype(d, &r, type, MOPS_CARRIER_SLL);
        }
        case MOPS_LINKTYPE_SLL2: {
            uint16_t type = mops_rd_u16(&r);
            mops_rd_skip(&r, 2);
            l->sll_ifindex = mops_rd_u32(&r);
            l->sll_hatype = mops_rd_u16(&r);
            l->sll_pkttype = mops_rd_u8(&r);
            uint8_t alen = mops_rd_u8(&r);
            mops_rd_copy(&r, l->sll_addr, 8);
            if (mops_rd_failed(&r)) {
                mops_problem_short(pkt, &r, MOPS_P_LINK_MALFORMED, "Linux cooked v2 header");
                return false;
            }
            l->sll_addr_len = alen > 8 ? 8 : alen;
            return decode_ethertype(d, &r, type, MOPS_CARRIER_SLL2);
        }
        case MOPS_LINKTYPE_USER0: return found(d, MOPS_CARRIER_USER0, 0, pkt->wirelen);
        case MOPS_LINKTYPE_RAW: return decode_ip_raw(d, &r, 0);
        case MOPS_LINKTYPE_IPV4: return decode_ip_raw(d, &r, 4);
        case MOPS_LINKTYPE_IPV6: return decode_ip_raw(d, &r, 6);
        case MOPS_LINKTYPE_NULL:
        case MOPS_LINKTYPE_LOOP: {
            uint32_t af = linktype == MOPS_LINKTYPE_LOOP ? mops_rd_u32(&r) : mops_rd_u32le(&r);
            if (mops_rd_failed(&r)) {
                mops_problem_short(pkt, &r, MOPS_P_LINK_MALFORMED, "loopback header");
                return false;
            }
            /* AF_INET is 2 everywhere; AF_INET6 is 10, 24, 28 or 30 by OS. */
            if (af == 2)
                return decode_ip_raw(d, &r, 4);
            if (af == 10 || af == 24 || af == 28 || af == 30)
                return decode_ip_raw(d, &r, 6);
            return false;
        }
    }
    return false;
}

bool mops_linktype_supported(uint32_t linktype) { return mops_linktype_name(linktype) != NULL; }

const char *mops_linktype_name(uint32_t linktype)
{
    switch (linktype) {
        case MOPS_LINKTYPE_NULL: return "NULL";
        case MOPS_LINKTYPE_ETHERNET: return "EN10MB";
        case MOPS_LINKTYPE_RAW: return "RAW";
        case MOPS_LINKTYPE_LOOP: return "LOOP";
        case MOPS_LINKTYPE_SLL: return "LINUX_SLL";
        case MOPS_LINKTYPE_IPV4: return "IPV4";
        case MOPS_LINKTYPE_IPV6: return "IPV6";
        case MOPS_LINKTYPE_SLL2: return "LINUX_SLL2";
        case MOPS_LINKTYPE_USER0: return "USER0";
    }
    return NULL;
}
