/* UDPv5 (profile §6): ports and a mandatory checksum, length from IPFF; and
 * TCP's MOBILE_CAPABLE option (MOPS §3.1) through Wireshark's tcp.option
 * table. */
#include "mops-plugin.h"

#include "mops/decode/decode.h"
#include "mops/core/proto.h"

int proto_udpv5 = -1;
static dissector_handle_t udpv5_handle, mc_handle, data_handle;
static int proto_mc = -1, hf_tcp_option_kind = -1, hf_tcp_option_len = -1;
static guint pref_mc_kind = MOPS_DEFAULT_MOBILE_CAPABLE_KIND, current_mc_kind;

static int dissect_udpv5(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    const struct mops_ipff_info *ip = (const struct mops_ipff_info *)data;
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "UDPv5");
    proto_item *ti = proto_tree_add_item(tree, proto_udpv5, tvb, 0, MOPS_UDPV5_HDR_LEN, ENC_NA);
    proto_tree *t = proto_item_add_subtree(ti, ett_udpv5);
    guint16 sport = tvb_get_ntohs(tvb, 0), dport = tvb_get_ntohs(tvb, 2);
    proto_tree_add_item(t, mops_hf[MOPS_F_UDPV5_SRCPORT], tvb, 0, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(t, mops_hf[MOPS_F_UDPV5_DSTPORT], tvb, 2, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(t, mops_hf[MOPS_F_UDPV5_CHECKSUM], tvb, 4, 2, ENC_BIG_ENDIAN);
    guint32 len = tvb_reported_length_remaining(tvb, MOPS_UDPV5_HDR_LEN);
    const struct mops_packet *pkt = ip ? ip->pkt : NULL;
    if (pkt && (pkt->layers & MOPS_L_UDP) && !pinfo->flags.in_error_pkt) {
        mops_add_check(t, tvb, 4, 2, MOPS_F_UDPV5_CHECKSUM_STATUS, MOPS_F_UDPV5_CHECKSUM_EXPECTED,
                       &pkt->udp.csum_check);
        mops_add_problems(pinfo, ti, pkt, pkt->l4_off, G_MAXUINT32);
    }
    proto_item *li = proto_tree_add_uint(t, mops_hf[MOPS_F_UDPV5_LENGTH], tvb, MOPS_UDPV5_HDR_LEN, 0, len);
    proto_item_set_generated(li);
    proto_item_append_text(ti, ", Src Port: %u, Dst Port: %u", sport, dport);
    col_add_fstr(pinfo->cinfo, COL_INFO, "%u \xe2\x86\x92 %u Len=%u", sport, dport, len);
    call_dissector(data_handle, tvb_new_subset_remaining(tvb, MOPS_UDPV5_HDR_LEN), pinfo, tree);
    return (int)tvb_captured_length(tvb);
}

static int dissect_mobile_capable(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    guint8 len = tvb_get_uint8(tvb, 1);
    proto_item *oi = proto_tree_add_item(tree, proto_mc, tvb, 0, -1, ENC_NA);
    proto_tree *ot = proto_item_add_subtree(oi, ett_mc);
    if (hf_tcp_option_kind >= 0)
        proto_tree_add_item(ot, hf_tcp_option_kind, tvb, 0, 1, ENC_NA);
    if (hf_tcp_option_len >= 0)
        proto_tree_add_item(ot, hf_tcp_option_len, tvb, 1, 1, ENC_NA);
    proto_item *ti = proto_tree_add_boolean(ot, mops_hf[MOPS_F_TCP_OPTION_MOBILE_CAPABLE], tvb, 0, len, TRUE);
    if (len != MOPS_MOBILE_CAPABLE_LEN)
        expert_add_info_format(pinfo, ti, &mops_ei[MOPS_P_TCP_OPTION],
                               "MOBILE_CAPABLE option of length %u, expected %u", len, MOPS_MOBILE_CAPABLE_LEN);
    return (int)tvb_captured_length(tvb);
}

static void apply_prefs(void)
{
    if (current_mc_kind)
        dissector_delete_uint("tcp.option", current_mc_kind, mc_handle);
    current_mc_kind = pref_mc_kind;
    dissector_add_uint("tcp.option", current_mc_kind, mc_handle);
    mops_prefs.mobile_capable_kind = (guint8)pref_mc_kind;
}

void mops_register_udpv5(void)
{
    proto_udpv5 = proto_register_protocol("User Datagram Protocol v5", "UDPv5", "udpv5");
    udpv5_handle = register_dissector("udpv5", dissect_udpv5, proto_udpv5);
    /* Named as Wireshark names its own TCP options. */
    proto_mc = proto_register_protocol_in_name_only("TCP Option - MOBILE_CAPABLE", "MOBILE_CAPABLE",
                                                    "tcp.options.mobile_capable", proto_get_id_by_filter_name("tcp"),
                                                    FT_BYTES);
    mc_handle = create_dissector_handle(dissect_mobile_capable, proto_mc);
    module_t *m = prefs_register_protocol(proto_udpv5, apply_prefs);
    prefs_register_uint_preference(m, "mobile_capable_kind", "MOBILE_CAPABLE option kind",
                                   "TCP option kind of MOBILE_CAPABLE (MOPS §3.1)", 10, &pref_mc_kind);
}

void mops_handoff_udpv5(void)
{
    data_handle = find_dissector("data");
    hf_tcp_option_kind = proto_registrar_get_id_byname("tcp.option_kind");
    hf_tcp_option_len = proto_registrar_get_id_byname("tcp.option_len");
    dissector_add_uint("ipff.proto", MOPS_PROTO_UDPV5, udpv5_handle);
    apply_prefs();
}
