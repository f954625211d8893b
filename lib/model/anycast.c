/* The anycast server's acknowledgement (MOPS §4.2): on a MOBILE_CAPABLE SYN
 * to its anycast address, it names the unicast address to reconnect to. */
#include "mops/model/server.h"

void mops_anycast_ack(const struct mops_settings *st, mops_addr_t anycast, mops_addr_t unicast,
                      const struct mops_packet *syn, struct mops_outbox *out)
{
    struct mops_builder *b = mops_outbox_builder(out, st);
    struct mops_ipff_hdr h = {.src = anycast, .dst = syn->ip.src, .htl = 64};
    mops_build_ipff(b, &h);
    struct mops_anycast_ack a = {.version = MOPS_MOPS_VERSION,
                                 .proto = MOPS_PROTO_TCP,
                                 .anycast_addr = anycast,
                                 .unicast_addr = unicast,
                                 .sport = syn->tcp.sport,
                                 .dport = syn->tcp.dport};
    mops_build_anycast_ack(b, &a);
    mops_outbox_add_built(out, b);
}
