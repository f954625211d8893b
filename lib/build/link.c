/* Carriers of profile §1 around a finished IPFF packet: Ethernet (with
 * 802.1Q tags), Linux SLL and SLL2, and the IPFF-in-UDP overlay. */
#include "internal.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100

void mops_build_ethernet(struct mops_builder *b, const uint8_t dst[6], const uint8_t src[6], const uint16_t *vlan_tci,
                         unsigned n_vlan)
{
    uint8_t *p = mops_wr_prepend(b, 14 + 4 * (size_t)n_vlan);
    if (!p)
        return;
    memcpy(p, dst, 6);
    memcpy(p + 6, src, 6);
    p += 12;
    for (unsigned i = 0; i < n_vlan; i++, p += 4) {
        mops_put16(p, ETH_P_8021Q);
        mops_put16(p + 2, vlan_tci[i]);
    }
    mops_put16(p, b->inner_type);
}

void mops_build_sll(struct mops_builder *b, uint16_t pkttype, const uint8_t *addr, uint8_t alen)
{
    uint8_t *p = mops_wr_prepend(b, 16);
    if (!p)
        return;
    memset(p, 0, 16);
    mops_put16(p, pkttype);
    mops_put16(p + 2, 1); /* ARPHRD_ETHER */
    mops_put16(p + 4, alen);
    memcpy(p + 6, addr, alen > 8 ? 8 : alen);
    mops_put16(p + 14, b->inner_type);
}

void mops_build_sll2(struct mops_builder *b, uint32_t ifindex, uint16_t pkttype, const uint8_t *addr, uint8_t alen)
{
    uint8_t *p = mops_wr_prepend(b, 20);
    if (!p)
        return;
    memset(p, 0, 20);
    mops_put16(p, b->inner_type);
    mops_put32(p + 4, ifindex);
    mops_put16(p + 8, 1); /* ARPHRD_ETHER */
    p[10] = (uint8_t)pkttype;
    p[11] = alen;
    memcpy(p + 12, addr, alen > 8 ? 8 : alen);
}

static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t n)
{
    for (; n >= 2; p += 2, n -= 2)
        sum += mops_get16(p);
    if (n)
        sum += (uint32_t)p[0] << 8;
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Prepends the UDP header; `pseudo` is the IP pseudo-header's partial sum. */
static uint8_t *prepend_udp(struct mops_builder *b, uint16_t sport, uint16_t dport, uint32_t pseudo)
{
    size_t len = b->tail - b->head + 8;
    uint8_t *u = mops_wr_prepend(b, 8);
    if (!u || len > 0xffff) {
        b->overflow = true;
        return NULL;
    }
    mops_put16(u, sport);
    mops_put16(u + 2, dport);
    mops_put16(u + 4, (uint16_t)len);
    mops_put16(u + 6, 0);
    uint16_t c = fold(sum16(pseudo + 17 + (uint32_t)len, u, len));
    mops_put16(u + 6, c ? c : 0xffff);
    return u;
}

void mops_build_udp4(struct mops_builder *b, const uint8_t src[4], const uint8_t dst[4], uint16_t sport, uint16_t dport)
{
    uint32_t pseudo = sum16(sum16(0, src, 4), dst, 4);
    if (!prepend_udp(b, sport, dport, pseudo))
        return;
    size_t total = b->tail - b->head + 20;
    uint8_t *ip = mops_wr_prepend(b, 20);
    if (!ip)
        return;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    mops_put16(ip + 2, (uint16_t)total);
    mops_put16(ip + 6, 0x4000); /* DF */
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, src, 4);
    memcpy(ip + 16, dst, 4);
    mops_put16(ip + 10, fold(sum16(0, ip, 20)));
    b->inner_type = ETH_P_IPV4;
}

void mops_build_udp6(struct mops_builder *b, const uint8_t src[16], const uint8_t dst[16], uint16_t sport,
                     uint16_t dport)
{
    uint32_t pseudo = sum16(sum16(0, src, 16), dst, 16);
    if (!prepend_udp(b, sport, dport, pseudo))
        return;
    size_t plen = b->tail - b->head;
    uint8_t *ip = mops_wr_prepend(b, 40);
    if (!ip)
        return;
    memset(ip, 0, 40);
    ip[0] = 0x60;
    mops_put16(ip + 4, (uint16_t)plen);
    ip[6] = 17;
    ip[7] = 64;
    memcpy(ip + 8, src, 16);
    memcpy(ip + 24, dst, 16);
    b->inner_type = ETH_P_IPV6;
}
