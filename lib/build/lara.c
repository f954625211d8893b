/* Encoders of LARA's messages (LARA §3, §5.1; profile §9). The IPFF header
 * (Source = Destination, Hops to Live 1) and the Ethernet frame are the
 * caller's, so tests can make bad ones. */
#include "internal.h"

void mops_build_dad(struct mops_builder *b, bool reply, const struct mops_dad *d)
{
    mops_build_icmp_header(b, reply ? b->s->type_dad_reply : b->s->type_dad_request, 0, 0);
    mops_wr_u16(b, d->reserved);
    mops_wr_bytes(b, d->mac, 6);
    mops_wr_u32(b, d->session_id);
}

void mops_build_lara_advert(struct mops_builder *b) { mops_build_icmp_header(b, b->s->type_lara_advert, 0, 0); }
