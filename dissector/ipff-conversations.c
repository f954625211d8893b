/* Statistics → Conversations and Endpoints for IPFF: the "ipff" tap carries
 * each packet's addresses, and the tables filter on ipff.src/ipff.dst/ipff.addr
 * (the addresses print in the dotted form those fields take). */
#include "mops-plugin.h"

#include <epan/conversation_table.h>
#include <epan/tap.h>

int ipff_tap = -1;

static const char *filter_name(conv_filter_type_e t, mops_ws_bool match_type)
{
    if (!match_type)
        return CONV_FILTER_INVALID;
    switch (t) {
        case CONV_FT_SRC_ADDRESS: return "ipff.src";
        case CONV_FT_DST_ADDRESS: return "ipff.dst";
        case CONV_FT_ANY_ADDRESS: return "ipff.addr";
        default: return CONV_FILTER_INVALID;
    }
}

static const char *conv_filter(conv_item_t *c, conv_filter_type_e t)
{
    return filter_name(t, c->src_address.type == mops_at_ipff);
}

static const char *endpoint_filter(endpoint_item_t *e, conv_filter_type_e t)
{
    return filter_name(t, e->myaddress.type == mops_at_ipff);
}

static ct_dissector_info_t conv_info = {&conv_filter};
static et_dissector_info_t endpoint_info = {&endpoint_filter};

static tap_packet_status conv_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *vip,
                                     tap_flags_t flags)
{
    conv_hash_t *hash = (conv_hash_t *)tapdata;
    const struct mops_ipff_tap *ip = (const struct mops_ipff_tap *)vip;
    hash->flags = flags;
    add_conversation_table_data(hash, &ip->src, &ip->dst, 0, 0, 1, pinfo->fd->pkt_len, &pinfo->rel_ts, &pinfo->abs_ts,
                                &conv_info, CONVERSATION_NONE);
    return TAP_PACKET_REDRAW;
}

static tap_packet_status endpoint_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *vip,
                                         tap_flags_t flags)
{
    conv_hash_t *hash = (conv_hash_t *)tapdata;
    const struct mops_ipff_tap *ip = (const struct mops_ipff_tap *)vip;
    hash->flags = flags;
    add_endpoint_table_data(hash, &ip->src, 0, TRUE, 1, pinfo->fd->pkt_len, &endpoint_info, ENDPOINT_NONE);
    add_endpoint_table_data(hash, &ip->dst, 0, FALSE, 1, pinfo->fd->pkt_len, &endpoint_info, ENDPOINT_NONE);
    return TAP_PACKET_REDRAW;
}

void mops_register_conversations(void)
{
    ipff_tap = register_tap("ipff");
    register_conversation_table(proto_ipff, TRUE, conv_packet, endpoint_packet);
}
