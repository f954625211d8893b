/* Forwarding. No checksum covers Hops to Live (IPFF §7.1), so the packet is
 * copied as it is with that one octet changed. */
#include "mops/model/router.h"

void mops_router_forward(const struct mops_settings *st, mops_addr_t self, const struct mops_packet *pkt,
                         struct mops_outbox *out)
{
    const uint8_t *ip = pkt->frame + pkt->link.ipff_off;
    uint32_t len = MOPS_IPFF_HDR_LEN + pkt->ip.plen;
    if (pkt->status != MOPS_ST_OK || len > pkt->caplen - pkt->link.ipff_off)
        return;
    if (pkt->ip.htl <= 1) {
        struct mops_builder *b = mops_outbox_builder(out, st);
        struct mops_ipff_hdr h = {.src = self, .dst = pkt->ip.src, .htl = 64};
        mops_build_ipff(b, &h);
        mops_build_icmp_error(b, MOPS_ICMP_HOPS_EXCEEDED, 0, 0, 0, ip, len);
        mops_outbox_add_built(out, b);
        return;
    }
    mops_outbox_add(out, ip, len);
    out->v[out->n - 1].data[16]--;
}
