/* IPFF (IPFF §3) and its extension headers (IPFF §4, profile §4), on every
 * carrier of profile §1. The next protocol is found through the ipff.proto
 * table; TCP goes to Wireshark's own dissector after the IPFF pseudo-header
 * checksum is verified here. Problems come from lib's decoder, so that the
 * plugin, mopsdump and the validator judge a packet alike. */
#include "mops-plugin.h"

#include <string.h>

#include <epan/etypes.h>
#include <epan/proto_data.h>
#include <epan/prefs-int.h>
#include <epan/prefs.h>
#include <epan/tap.h>
#include <wiretap/wtap.h>
#include <wsutil/pint.h>

#include "mops/core/checksum.h"
#include "mops/decode/decode.h"
#include "mops/core/proto.h"
#include "mops/core/timers.h"
#include "mops/track/session.h"

int proto_ipff = -1;
struct mops_settings mops_prefs;
mops_ws_bool mops_verify_checksums = TRUE;

static dissector_table_t ipff_proto_table;
static dissector_handle_t ipff_handle, tcp_handle, data_handle;
static guint pref_ethertype = MOPS_DEFAULT_ETHERTYPE, pref_udp_port = MOPS_DEFAULT_UDP_PORT;
static guint pref_recv_src_option = MOPS_DEFAULT_RECV_SRC_OPTION;
static guint current_ethertype, current_udp_port;

/* Sessions across moves and NATs are lib's (mops/track/session.h): one
 * tracker per capture file, fed on the first pass. */
static struct mops_session_tracker *sessions;

struct mops_session_tracker *mops_plugin_sessions(void) { return sessions; }

static void init_sessions(void)
{
    mops_sessions_free(sessions);
    sessions = mops_sessions_new(0, MOPS_SESSIONS_EVERY_FLOW);
}

static void cleanup_sessions(void)
{
    mops_sessions_free(sessions);
    sessions = NULL;
}

/* What the tracker said of this frame, kept for later passes. */
struct session_note {
    guint32 index;    /* 0: no session */
    guint32 moved_by; /* the reply that moved the session to this tuple, 0 if none */
};

/* The packet's session, for the packets of a TCP or UDPv5 flow. */
static void session_items(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const struct mops_packet *pkt)
{
    struct session_note *n = (struct session_note *)p_get_proto_data(wmem_file_scope(), pinfo, proto_mops, 1);
    if (!n) {
        n = wmem_new0(wmem_file_scope(), struct session_note);
        p_add_proto_data(wmem_file_scope(), pinfo, proto_mops, 1, n);
        struct mops_session_seen seen;
        if (sessions) {
            guint64 ts = (guint64)pinfo->abs_ts.secs * MOPS_NS_PER_SEC + (guint64)pinfo->abs_ts.nsecs;
            mops_sessions_packet(sessions, pkt, 0, pinfo->num, ts, &seen);
            if (seen.session) {
                n->index = seen.session->index;
                n->moved_by = (guint32)seen.moved_by;
            }
        }
    }
    if (!n->index)
        return;
    proto_item *it = proto_tree_add_uint(tree, mops_hf[MOPS_F_MOPS_SESSION], tvb, 0, 0, n->index);
    proto_item_set_generated(it);
    if (n->moved_by) {
        it = proto_tree_add_uint(tree, mops_hf[MOPS_F_MOPS_MOVED_BY], tvb, 0, 0, n->moved_by);
        proto_item_set_generated(it);
    }
}

static void add_addr_pair(proto_tree *tree, tvbuff_t *tvb, int off, enum mops_field_id id, mops_addr_t a)
{
    mops_add_addr(tree, id, tvb, off, 8, a);
    proto_item *h = mops_add_addr(tree, MOPS_F_IPFF_ADDR, tvb, off, 8, a);
    proto_item_set_hidden(h);
}

/* Hop-by-Hop and Destination Options (IPFF §4.2). */
static void options(proto_tree *tree, tvbuff_t *tvb, int off, int end, gboolean hop)
{
    while (off < end) {
        guint8 type = tvb_get_uint8(tvb, off);
        int len = type == MOPS_OPT_PAD1 ? 0 : tvb_get_uint8(tvb, off + 1);
        int size = type == MOPS_OPT_PAD1 ? 1 : 2 + len;
        proto_item *oi = proto_tree_add_none_format(
            tree, mops_hf[hop ? MOPS_F_IPFF_HOPOPTS_OPT : MOPS_F_IPFF_DSTOPTS_OPT], tvb, off, size, "Option %s",
            type == MOPS_OPT_PAD1          ? "Pad1"
            : type == MOPS_OPT_PADN        ? "PadN"
            : type == pref_recv_src_option ? "Received Source"
                                           : "unknown");
        proto_tree *ot = proto_item_add_subtree(oi, mops_ett[hop ? MOPS_F_IPFF_HOPOPTS_OPT : MOPS_F_IPFF_DSTOPTS_OPT]);
        proto_tree_add_uint(ot, mops_hf[hop ? MOPS_F_IPFF_HOPOPTS_OPT_TYPE : MOPS_F_IPFF_DSTOPTS_OPT_TYPE], tvb, off, 1,
                            type);
        if (type != MOPS_OPT_PAD1)
            proto_tree_add_uint(ot, mops_hf[hop ? MOPS_F_IPFF_HOPOPTS_OPT_LENGTH : MOPS_F_IPFF_DSTOPTS_OPT_LENGTH], tvb,
                                off + 1, 1, len);
        /* MOPS §3.2: where the server saw the client (E8: zero bits first). */
        if (type == pref_recv_src_option && len == MOPS_RECV_SRC_OPT_LEN) {
            mops_addr_t a = tvb_get_ntoh64(tvb, off + 4) & MOPS_ADDR_MASK;
            guint16 port = tvb_get_ntohs(tvb, off + 2);
            proto_tree_add_item(ot, mops_hf[MOPS_F_IPFF_RECV_SRC_PORT], tvb, off + 2, 2, ENC_BIG_ENDIAN);
            mops_add_addr(ot, MOPS_F_IPFF_RECV_SRC_ADDR, tvb, off + 4, 8, a);
            char buf[MOPS_ADDR_STRLEN];
            proto_item_append_text(oi, ": %s:%u", mops_addr_format(a, buf), port);
        }
        off += size;
    }
}

/* Walks the extension headers from off; returns the upper layer's protocol
 * and sets *off past them. Truncation throws, as Wireshark's tvb accessors do. */
static guint16 ext_chain(proto_tree *tree, tvbuff_t *tvb, int *offp, guint16 proto, int end)
{
    int off = *offp;
    for (int n = 0; mops_proto_is_ext(proto) && n < MOPS_MAX_EXT_HDRS && off < end; n++) {
        guint16 w = tvb_get_ntohs(tvb, off);
        guint16 next = w >> 2;
        int len = 0;
        enum mops_field_id group, nxt, lenf;
        switch (proto) {
            case MOPS_PROTO_HOPOPTS:
                group = MOPS_F_IPFF_HOPOPTS, nxt = MOPS_F_IPFF_HOPOPTS_NXT, lenf = MOPS_F_IPFF_HOPOPTS_LEN;
                break;
            case MOPS_PROTO_DSTOPTS:
                group = MOPS_F_IPFF_DSTOPTS, nxt = MOPS_F_IPFF_DSTOPTS_NXT, lenf = MOPS_F_IPFF_DSTOPTS_LEN;
                break;
            case MOPS_PROTO_ROUTING:
                group = MOPS_F_IPFF_ROUTING, nxt = MOPS_F_IPFF_ROUTING_NXT, lenf = MOPS_F_IPFF_ROUTING_LEN;
                break;
            case MOPS_PROTO_VRF1: group = MOPS_F_IPFF_VRF1, nxt = MOPS_F_IPFF_VRF1_NXT, lenf = MOPS_F_NONE; break;
            case MOPS_PROTO_VRF2: group = MOPS_F_IPFF_VRF2, nxt = MOPS_F_IPFF_VRF2_NXT, lenf = MOPS_F_NONE; break;
            default: group = MOPS_F_IPFF_FLOWLABEL, nxt = MOPS_F_IPFF_FLOWLABEL_NXT, lenf = MOPS_F_NONE; break;
        }
        if (proto == MOPS_PROTO_HOPOPTS || proto == MOPS_PROTO_DSTOPTS || proto == MOPS_PROTO_ROUTING)
            len = 8 * (tvb_get_uint8(tvb, off + 2) + 1);
        else
            len = proto == MOPS_PROTO_VRF2 ? 20 : 4;
        proto_item *ei = proto_tree_add_item(tree, mops_hf[group], tvb, off, len, ENC_NA);
        proto_item_set_text(ei, "%s", mops_proto_name(proto));
        proto_tree *et = proto_item_add_subtree(ei, mops_ett[group]);
        proto_tree_add_uint(et, mops_hf[nxt], tvb, off, 2, next);
        if (lenf != MOPS_F_NONE)
            proto_tree_add_uint(et, mops_hf[lenf], tvb, off + 2, 1, len);
        switch (proto) {
            case MOPS_PROTO_HOPOPTS:
            case MOPS_PROTO_DSTOPTS: options(et, tvb, off + 3, off + len, proto == MOPS_PROTO_HOPOPTS); break;
            case MOPS_PROTO_ROUTING: {
                guint8 type = tvb_get_uint8(tvb, off + 3);
                proto_tree_add_item(et, mops_hf[MOPS_F_IPFF_ROUTING_TYPE], tvb, off + 3, 1, ENC_NA);
                proto_tree_add_item(et, mops_hf[MOPS_F_IPFF_ROUTING_SEGLEFT], tvb, off + 4, 1, ENC_NA);
                for (int a = off + 8; type == 0 && a + 8 <= off + len; a += 8) /* E5 */
                    mops_add_addr(et, MOPS_F_IPFF_ROUTING_ADDR, tvb, a, 8, tvb_get_ntoh64(tvb, a) & MOPS_ADDR_MASK);
                break;
            }
            case MOPS_PROTO_VRF1:
                proto_tree_add_uint(et, mops_hf[MOPS_F_IPFF_VRF1_LABEL], tvb, off, 4,
                                    tvb_get_ntohl(tvb, off) & 0x3ffff);
                break;
            case MOPS_PROTO_VRF2:
                mops_add_addr(et, MOPS_F_IPFF_VRF2_ENCAP, tvb, off, 8, tvb_get_ntoh64(tvb, off) & MOPS_ADDR_MASK);
                mops_add_addr(et, MOPS_F_IPFF_VRF2_DECAP, tvb, off + 8, 8,
                              tvb_get_ntoh64(tvb, off + 8) & MOPS_ADDR_MASK);
                proto_tree_add_item(et, mops_hf[MOPS_F_IPFF_VRF2_LABEL], tvb, off + 16, 4, ENC_BIG_ENDIAN);
                break;
            case MOPS_PROTO_FLOW_LABEL:
                proto_tree_add_uint(et, mops_hf[MOPS_F_IPFF_FLOWLABEL_LABEL], tvb, off, 4,
                                    tvb_get_ntohl(tvb, off) & 0x3ffff);
                break;
        }
        off += len;
        proto = next;
    }
    *offp = off;
    return proto;
}

/* The TCP checksum over the IPFF pseudo-header (profile §6): Wireshark's TCP
 * dissector only knows IPv4 and IPv6 pseudo-headers. */
static void tcp_checksum(proto_tree *tree, tvbuff_t *tvb, const struct mops_packet *pkt)
{
    if (pkt->layers & MOPS_L_TCP)
        mops_add_check(tree, tvb, (int)pkt->tcp.off + 16, 2, MOPS_F_TCP_CHECKSUM_STATUS, MOPS_F_TCP_CHECKSUM_EXPECTED,
                       &pkt->tcp.csum_check);
}

/* The address Wireshark's TCP keys its conversations by: the IPFF address
 * and, after it, the capture interface. A capture of several links holds a
 * segment once per link it crossed, and TCP's analysis took the next
 * link's copy for a retransmission or a duplicate ACK; per interface, each
 * link's copies are a conversation of their own, as a capture of that link
 * alone would show them. It prints as the IPFF address (ipff_to_str). */
static void tcp_address(packet_info *pinfo, address *a)
{
    if (a->type != mops_at_ipff || a->len != 8)
        return;
    guint8 *d = (guint8 *)wmem_alloc(pinfo->pool, 12);
    memcpy(d, a->data, 8);
    phtonu32(d + 8, mops_ws_interface(pinfo));
    set_address(a, mops_at_ipff, 12, d);
}

/* Wireshark's TCP asserts on a non-IP address type when its own checksum
 * preference is on; it cannot check ours anyway, so it is off for the call.
 * From 4.6 it asserts on the conversations it makes too (ws-compat.h). */
static void call_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    module_t *m = prefs_find_module("tcp");
    pref_t *p = m ? prefs_find_preference(m, "check_checksum") : NULL;
    gboolean was = p ? prefs_get_bool_value(p, pref_current) : FALSE;
    if (was)
        prefs_set_bool_value(p, FALSE, pref_current);
    address src = pinfo->src, dst = pinfo->dst;
    tcp_address(pinfo, &pinfo->src);
    tcp_address(pinfo, &pinfo->dst);
    mops_ws_call_tcp(tcp_handle, tvb, pinfo, tree, MOPS_TCP_DEFAULT_MSS);
    pinfo->src = src;
    pinfo->dst = dst;
    if (was)
        prefs_set_bool_value(p, TRUE, pref_current);
}

void mops_ws_decode(const struct mops_settings *s, const struct mops_ws_frame *f, struct mops_packet *pkt)
{
    if (f->on_ethernet)
        mops_decode_ipff_in_frame(s, f->has_dst ? f->mac_dst : NULL, f->mac_src, f->ipff, f->caplen, f->reported, pkt);
    else
        mops_decode_frame(s, MOPS_LINKTYPE_USER0, f->ipff, f->caplen, f->reported, pkt);
}

int dissect_ipff(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    static struct mops_packet pkt; /* dissection is single-threaded; the struct is large */
    guint caplen = tvb_captured_length(tvb), reported = tvb_reported_length(tvb);
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "IPFF");
    col_clear(pinfo->cinfo, COL_INFO);
    /* The invoking packet of an ICMPv5 error is an excerpt, cut by design:
     * no problems, sessions or checksums of its own. */
    gboolean excerpt = pinfo->flags.in_error_pkt;
    struct mops_ws_frame f = {.ipff = tvb_get_ptr(tvb, 0, caplen), .caplen = caplen, .reported = reported};
    /* Straight on Ethernet or in a Linux cooked capture (no IP below us),
     * lib sees the frame's MACs, for LARA's rules (profile §9). */
    if (!excerpt && pinfo->dl_src.type == AT_ETHER && pinfo->net_src.type == AT_NONE) {
        f.on_ethernet = TRUE;
        memcpy(f.mac_src, pinfo->dl_src.data, 6);
        if ((f.has_dst = pinfo->dl_dst.type == AT_ETHER))
            memcpy(f.mac_dst, pinfo->dl_dst.data, 6);
    }
    mops_ws_decode(&mops_prefs, &f, &pkt);
    if (!excerpt) {
        mops_findings_frame(tvb, pinfo, tree, &f, &pkt);
        mops_lara_link_tree(tvb, tree, &pkt);
    }

    guint8 version = tvb_get_uint8(tvb, 0) >> 4;
    proto_item *ti = proto_tree_add_item(tree, proto_ipff, tvb, 0, MOPS_IPFF_HDR_LEN, ENC_NA);
    proto_tree *t = proto_item_add_subtree(ti, ett_ipff);
    proto_tree_add_uint(t, mops_hf[MOPS_F_IPFF_VERSION], tvb, 0, 1, version);
    if (version != MOPS_IPFF_VERSION) {
        if (!excerpt)
            mops_add_problems(pinfo, ti, &pkt, 0, G_MAXUINT32);
        col_add_fstr(pinfo->cinfo, COL_INFO, "Bogus IPFF version %u", version);
        return (int)caplen;
    }
    guint64 w0 = tvb_get_ntoh64(tvb, 0), w1 = tvb_get_ntoh64(tvb, 8);
    mops_addr_t src = w0 & MOPS_ADDR_MASK, dst = w1 & MOPS_ADDR_MASK;
    guint16 proto = (guint16)(w1 >> 50), plen = tvb_get_ntohs(tvb, 18);
    proto_tree_add_uint(t, mops_hf[MOPS_F_IPFF_RESERVED], tvb, 0, 2, (guint32)((w0 >> 50) & 0x3ff));
    add_addr_pair(t, tvb, 0, MOPS_F_IPFF_SRC, src);
    proto_tree_add_uint(t, mops_hf[MOPS_F_IPFF_PROTO], tvb, 8, 2, proto);
    add_addr_pair(t, tvb, 8, MOPS_F_IPFF_DST, dst);
    proto_tree_add_item(t, mops_hf[MOPS_F_IPFF_HTL], tvb, 16, 1, ENC_NA);
    proto_tree_add_item(t, mops_hf[MOPS_F_IPFF_TOS], tvb, 17, 1, ENC_NA);
    proto_tree_add_item(t, mops_hf[MOPS_F_IPFF_PLEN], tvb, 18, 2, ENC_BIG_ENDIAN);
    if (ti) { /* as mops_add_addr: no text for a tree not made */
        char s[MOPS_ADDR_STRLEN], d[MOPS_ADDR_STRLEN];
        proto_item_append_text(ti, ", Src: %s, Dst: %s", mops_addr_format(src, s), mops_addr_format(dst, d));
    }
    mops_set_address(pinfo, &pinfo->net_src, src);
    mops_set_address(pinfo, &pinfo->net_dst, dst);
    copy_address_shallow(&pinfo->src, &pinfo->net_src);
    copy_address_shallow(&pinfo->dst, &pinfo->net_dst);
    if (!excerpt) {
        struct mops_ipff_tap *tap = wmem_new0(pinfo->pool, struct mops_ipff_tap);
        copy_address_shallow(&tap->src, &pinfo->net_src);
        copy_address_shallow(&tap->dst, &pinfo->net_dst);
        tap_queue_packet(ipff_tap, pinfo, tap);
    }
    col_add_fstr(pinfo->cinfo, COL_INFO, "%s", mops_proto_name(proto) ? mops_proto_name(proto) : "IPFF");
    /* IPFF problems here; the layers above add theirs. */
    if (!excerpt)
        mops_add_problems(pinfo, ti, &pkt, 0, pkt.l4_off ? pkt.l4_off : G_MAXUINT32);

    /* The Payload Length decides (profile §1): the rest is a trailer. */
    int end = MOPS_IPFF_HDR_LEN + plen;
    if ((guint)end < reported)
        set_actual_length(tvb, (guint)end);
    int off = MOPS_IPFF_HDR_LEN;
    guint16 upper = ext_chain(t, tvb, &off, proto, end);
    proto_item_set_len(ti, off);

    struct mops_ipff_info info = {src, dst, tvb_get_uint8(tvb, 16), &pkt, 0, off};
    tvbuff_t *next = tvb_new_subset_remaining(tvb, off);
    if (upper == MOPS_PROTO_TCP && excerpt) {
        call_tcp(next, pinfo, tree);
        return (int)caplen;
    }
    if (upper == MOPS_PROTO_TCP && (pkt.layers & MOPS_L_TCP)) {
        tcp_checksum(t, tvb, &pkt);
        session_items(t, tvb, pinfo, &pkt);
        if (pkt.tcp.mobile_capable)
            col_append_str(pinfo->cinfo, COL_INFO, " (mobile)");
        if (pkt.tcp.csum_check.state == MOPS_CHECK_BAD)
            mops_add_problems(pinfo, ti, &pkt, pkt.l4_off, G_MAXUINT32);
        call_tcp(next, pinfo, tree);
        return (int)caplen;
    }
    if (upper == MOPS_PROTO_UDPV5 && (pkt.layers & MOPS_L_UDP) && !excerpt)
        session_items(t, tvb, pinfo, &pkt);
    if (!dissector_try_uint_with_data(ipff_proto_table, upper, next, pinfo, tree, TRUE, &info)) {
        if (upper != MOPS_PROTO_NONE && !excerpt)
            mops_add_problems(pinfo, ti, &pkt, pkt.l4_off, G_MAXUINT32);
        call_dissector(data_handle, next, pinfo, tree);
    }
    return (int)caplen;
}

/* UDP port 5505 is the default; the heuristic finds the overlay elsewhere:
 * version 5 and a Payload Length that fits the datagram. */
static mops_ws_bool heur_ipff_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    if (tvb_captured_length(tvb) < MOPS_IPFF_HDR_LEN || (tvb_get_uint8(tvb, 0) >> 4) != MOPS_IPFF_VERSION)
        return FALSE;
    if ((guint)(MOPS_IPFF_HDR_LEN + tvb_get_ntohs(tvb, 18)) != tvb_reported_length(tvb))
        return FALSE;
    dissect_ipff(tvb, pinfo, tree, NULL);
    return TRUE;
}

static void apply_prefs(void)
{
    if (current_ethertype)
        dissector_delete_uint("ethertype", current_ethertype, ipff_handle);
    if (current_udp_port)
        dissector_delete_uint("udp.port", current_udp_port, ipff_handle);
    current_ethertype = pref_ethertype;
    current_udp_port = pref_udp_port;
    dissector_add_uint("ethertype", current_ethertype, ipff_handle);
    dissector_add_uint("udp.port", current_udp_port, ipff_handle);
    mops_prefs.ethertype = (guint16)pref_ethertype;
    mops_prefs.udp_port = (guint16)pref_udp_port;
    mops_prefs.recv_src_option = (guint8)pref_recv_src_option;
}

void mops_register_ipff(void)
{
    mops_prefs = mops_settings_default;
    proto_ipff = proto_register_protocol("Internet Protocol Five Fields", "IPFF", "ipff");
    ipff_proto_table = register_dissector_table("ipff.proto", "IPFF protocol", proto_ipff, FT_UINT16, BASE_DEC);
    ipff_handle = register_dissector("ipff", dissect_ipff, proto_ipff);
    module_t *m = prefs_register_protocol(proto_ipff, apply_prefs);
    prefs_register_uint_preference(m, "ethertype", "EtherType", "EtherType of IPFF (profile §1)", 16, &pref_ethertype);
    prefs_register_uint_preference(m, "udp_port", "UDP port", "UDP port of the IPFF-in-UDP overlay (profile §1)", 10,
                                   &pref_udp_port);
    prefs_register_uint_preference(m, "recv_src_option", "Received-source option type",
                                   "Destination Options option type of MOPS §3.2 (profile §4)", 16,
                                   &pref_recv_src_option);
    prefs_register_bool_preference(m, "verify_checksums", "Verify checksums",
                                   "Verify the ICMPv5 CRC-32 and the TCP and UDPv5 checksums", &mops_verify_checksums);
    register_init_routine(init_sessions);
    register_cleanup_routine(cleanup_sessions);
}

void mops_handoff_ipff(void)
{
    tcp_handle = find_dissector_add_dependency("tcp", proto_ipff);
    data_handle = find_dissector("data");
    dissector_add_uint("wtap_encap", WTAP_ENCAP_USER0, ipff_handle);
    heur_dissector_add("udp", heur_ipff_udp, "IPFF over UDP", "ipff_udp", proto_ipff, HEURISTIC_ENABLE);
    apply_prefs();
}
