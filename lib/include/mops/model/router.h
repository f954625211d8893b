/* Plain IPFF forwarding (IPFF §3): one hop less, or Hops Exceeded. */
#ifndef MOPS_MODEL_ROUTER_H
#define MOPS_MODEL_ROUTER_H

#include "mops/model/model.h"
#include "mops/core/settings.h"

/* Forwards pkt (Hops to Live - 1), or when it has run out answers its source
 * with an ICMPv5 Hops Exceeded from `self`. */
void mops_router_forward(const struct mops_settings *st, mops_addr_t self, const struct mops_packet *pkt,
                         struct mops_outbox *out);

#endif
