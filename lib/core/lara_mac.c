/* Logical and group MACs (LARA §2, §8; profile §9). */
#include "mops/core/lara_mac.h"

#include <string.h>

const uint8_t mops_mac_broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void put_low(uint8_t mac[6], uint64_t v, int octets)
{
    for (int i = 0; i < octets; i++)
        mac[5 - i] = (uint8_t)(v >> (8 * i));
}

void mops_lara_mac(mops_addr_t a, uint8_t mac[6])
{
    mac[0] = MOPS_LARA_MAC_PREFIX;
    put_low(mac, a, 5);
}

void mops_lara_mcast_mac(mops_addr_t a, uint8_t mac[6])
{
    mac[0] = mac[1] = MOPS_LARA_MCAST_PREFIX;
    /* LARA §8: 30 bits right-aligned in 32, the 2 bits above them zero. */
    put_low(mac, a & ((UINT64_C(1) << MOPS_LARA_MCAST_BITS) - 1), 4);
}

static bool is_multicast(mops_addr_t a)
{
    enum mops_addr_class c = mops_addr_classify(a);
    return c == MOPS_ADDR_MULTICAST || c == MOPS_ADDR_MULTICAST_LINK_LOCAL || c == MOPS_ADDR_MULTICAST_PRIVATE;
}

void mops_lara_dst_mac(mops_addr_t a, uint8_t mac[6])
{
    if (a == 0)
        memcpy(mac, mops_mac_broadcast, 6);
    else if (is_multicast(a))
        mops_lara_mcast_mac(a, mac);
    else
        mops_lara_mac(a, mac);
}

uint64_t mops_lara_mac_bits(const uint8_t mac[6])
{
    uint64_t v = 0;
    for (int i = 1; i < 6; i++)
        v = v << 8 | mac[i];
    return mac[0] == MOPS_LARA_MAC_PREFIX ? v : v & ((UINT64_C(1) << MOPS_LARA_MCAST_BITS) - 1);
}

enum mops_mac_kind mops_mac_kind(const uint8_t mac[6])
{
    if (memcmp(mac, mops_mac_broadcast, 6) == 0)
        return MOPS_MAC_BROADCAST;
    if (mac[0] == MOPS_LARA_MAC_PREFIX)
        return MOPS_MAC_LOGICAL;
    /* The two bits above the 30 are zero in every group MAC LARA makes. */
    if (mac[0] == MOPS_LARA_MCAST_PREFIX && mac[1] == MOPS_LARA_MCAST_PREFIX && !(mac[2] & 0xc0))
        return MOPS_MAC_MULTICAST;
    return MOPS_MAC_OTHER;
}

bool mops_lara_mac_of(const uint8_t mac[6], mops_addr_t a)
{
    uint8_t want[6];
    mops_lara_dst_mac(a, want);
    return memcmp(mac, want, 6) == 0;
}

/* The address's dotted form with its first `hidden` fields as '*'. */
static char *format_partial(uint64_t bits, int hidden, char *p)
{
    char a[MOPS_ADDR_STRLEN];
    mops_addr_format(bits, a);
    const char *q = a;
    for (int i = 0; i < hidden; i++) {
        *p++ = '*';
        *p++ = '.';
        q = strchr(q, '.') + 1;
    }
    size_t n = strlen(q);
    memcpy(p, q, n + 1);
    return p + n;
}

int mops_lara_mac_resolve(const uint8_t mac[6], const mops_addr_t *cand, unsigned n,
                          char buf[MOPS_LARA_RESOLVED_STRLEN])
{
    enum mops_mac_kind k = mops_mac_kind(mac);
    buf[0] = 0;
    if (k == MOPS_MAC_OTHER)
        return -1;
    if (k == MOPS_MAC_BROADCAST) {
        memcpy(buf, "broadcast", sizeof "broadcast");
        return -1;
    }
    const char *what = k == MOPS_MAC_LOGICAL ? "logical MAC of " : "multicast MAC of ";
    size_t w = strlen(what);
    memcpy(buf, what, w);
    for (unsigned i = 0; i < n; i++)
        if (mops_lara_mac_of(mac, cand[i])) {
            mops_addr_format(cand[i], buf + w);
            return (int)i;
        }
    /* A logical MAC lacks f1; a group MAC keeps 30 bits, f3..f5 (LARA §8). */
    format_partial(mops_lara_mac_bits(mac), k == MOPS_MAC_LOGICAL ? 1 : 2, buf + w);
    return -1;
}

void mops_lara_names(const struct mops_packet *pkt, struct mops_lara_names *n)
{
    memset(n, 0, sizeof *n);
    if (!(pkt->layers & MOPS_L_IPFF))
        return;
    const mops_addr_t cand[2] = {pkt->ip.src, pkt->ip.dst};
    const uint8_t *src = mops_packet_src_mac(pkt), *dst = mops_packet_dst_mac(pkt);
    int k;
    if (src && (k = mops_lara_mac_resolve(src, cand, 2, n->src)) >= 0) {
        n->src_of_known = true;
        n->src_of = cand[k];
    }
    if (dst && (k = mops_lara_mac_resolve(dst, cand, 2, n->dst)) >= 0) {
        n->dst_of_known = true;
        n->dst_of = cand[k];
    }
}
