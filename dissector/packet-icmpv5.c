/* ICMPv5 (profile §5) and the MOPS messages (MOPS §4): the CRC-32 checked,
 * the base messages with their invoking packet dissected as IPFF, Migrate /
 * Anycast ack / NAT ack with a subtree per port entry; migrate transactions
 * (lib's tracker: response_in/to, time, retransmissions), the sessions a
 * migration moves, NAT chains per mobile node, and the tap for statistics. */
#include "mops-plugin.h"

#include <epan/exceptions.h>
#include <epan/proto_data.h>
#include <epan/tap.h>

#include "mops/decode/decode.h"

#include "mops/track/migrate.h"
#include "mops/track/session.h"
#include "mops/core/proto.h"
#include "mops/core/timers.h"

int proto_icmpv5 = -1, proto_mops = -1;
int mops_tap = -1;
static dissector_handle_t icmpv5_handle, ipff_handle;
static guint pref_types[3] = {MOPS_DEFAULT_TYPE_MIGRATE, MOPS_DEFAULT_TYPE_ANYCAST_ACK, MOPS_DEFAULT_TYPE_NAT_ACK};

/* Per frame, decided on the first pass. */
struct frame_note {
    struct mops_track_result track;
    guint32 response_in; /* request: the frame of the reply to it */
    char *chain;         /* NAT ack: the mobile node's chain so far */
};

static struct mops_migrate_tracker *tracker;
static wmem_map_t *response_in; /* request frame -> reply frame */
static wmem_map_t *chains;      /* mobile node address -> GPtrArray-like list of rows */

struct chain_row {
    guint8 level;
    guint16 proto, orig_port, trans_port;
    mops_addr_t orig, trans;
    struct chain_row *next;
};

static void init_state(void)
{
    if (tracker)
        mops_migrate_tracker_free(tracker);
    tracker = mops_migrate_tracker_new(4096);
    response_in = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    chains = wmem_map_new(wmem_file_scope(), g_int64_hash, g_int64_equal);
}

static void cleanup_state(void)
{
    mops_migrate_tracker_free(tracker);
    tracker = NULL;
}

/* Records a NAT ack's rows for its mobile node and returns its chain text:
 * "10.2.0.0.1:1027 -> 10.0.0.0.1:5050 -> 525.8.78.2.2:6050". */
static char *chain_text(const struct mops_packet *pkt)
{
    const struct mops_nat_ack *a = &pkt->icmp.u.natack;
    gint64 *key = wmem_new(wmem_file_scope(), gint64);
    *key = (gint64)pkt->ip.dst;
    struct chain_row *head = (struct chain_row *)wmem_map_lookup(chains, key);
    for (unsigned i = 0; i < a->n_decoded; i++) {
        struct chain_row *r = wmem_new0(wmem_file_scope(), struct chain_row);
        *r = (struct chain_row){
            a->level,      a->proto, pkt->pool.natack[i].orig_port, pkt->pool.natack[i].trans_port, a->orig_addr,
            a->trans_addr, head};
        head = r;
    }
    wmem_map_insert(chains, key, head);
    /* From the row of this ack's first port, walk down to level 1, then up. */
    if (!a->n_decoded)
        return NULL;
    mops_addr_t addr = a->orig_addr;
    guint16 port = pkt->pool.natack[0].orig_port;
    guint8 level = a->level;
    while (level > 1) {
        struct chain_row *found = NULL;
        for (struct chain_row *r = head; r && !found; r = r->next)
            if (r->level == level - 1 && r->trans == addr && r->trans_port == port)
                found = r;
        if (!found)
            break;
        addr = found->orig, port = found->orig_port, level--;
    }
    char buf[MOPS_ADDR_STRLEN];
    wmem_strbuf_t *sb = wmem_strbuf_new(wmem_file_scope(), "");
    wmem_strbuf_append_printf(sb, "%s:%u", mops_addr_format(addr, buf), port);
    for (guint8 l = level; l < 16; l++) {
        struct chain_row *found = NULL;
        for (struct chain_row *r = head; r && !found; r = r->next)
            if (r->level == l && r->orig == addr && r->orig_port == port)
                found = r;
        if (!found)
            break;
        addr = found->trans, port = found->trans_port;
        wmem_strbuf_append_printf(sb, " -> %s:%u", mops_addr_format(addr, buf), port);
    }
    return (char *)wmem_strbuf_get_str(sb);
}

static struct frame_note *first_pass(packet_info *pinfo, const struct mops_packet *pkt)
{
    struct frame_note *n = (struct frame_note *)p_get_proto_data(wmem_file_scope(), pinfo, proto_mops, 0);
    if (n)
        return n;
    n = wmem_new0(wmem_file_scope(), struct frame_note);
    p_add_proto_data(wmem_file_scope(), pinfo, proto_mops, 0, n);
    const struct mops_icmp *m = &pkt->icmp;
    if (m->kind == MOPS_ICMP_KIND_MIGRATE) {
        mops_migrate_track(tracker, pkt, mops_ws_interface(pinfo), pinfo->num,
                           (guint64)pinfo->abs_ts.secs * MOPS_NS_PER_SEC + (guint64)pinfo->abs_ts.nsecs, &n->track);
        /* A request's response is the first reply to it; a retransmission's
         * reply is to the retransmission. */
        if (n->track.kind == MOPS_TRACK_REPLY && !wmem_map_contains(response_in, GUINT_TO_POINTER(n->track.last_frame)))
            wmem_map_insert(response_in, GUINT_TO_POINTER(n->track.last_frame), GUINT_TO_POINTER(pinfo->num));
        /* The sessions the reply confirms move to their new tuple (on every
         * link's copy: each copy names the tuple as it is on its link). */
        if ((n->track.kind == MOPS_TRACK_REPLY || n->track.kind == MOPS_TRACK_ORPHAN_REPLY) && mops_plugin_sessions())
            mops_sessions_reply(mops_plugin_sessions(), pkt, 0, pinfo->num);
    } else if (m->kind == MOPS_ICMP_KIND_NAT_ACK) {
        n->chain = chain_text(pkt);
    }
    return n;
}

static const char *migrate_label(guint8 code)
{
    switch (code) {
        case MOPS_MIGRATE_CODE_MIGRATE: return "Migrate";
        case MOPS_MIGRATE_CODE_ATOMIC: return "Migrate (atomic)";
        case MOPS_MIGRATE_CODE_SUCCESS: return "Migration success";
        case MOPS_MIGRATE_CODE_FAILED: return "Migration failed";
    }
    return "Migrate (unknown code)";
}

static void migrate_tree(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo, const struct mops_packet *pkt,
                         struct frame_note *n)
{
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    char a[MOPS_ADDR_STRLEN], b[MOPS_ADDR_STRLEN];
    proto_tree_add_uint(t, mops_hf[MOPS_F_MOPS_MIGRATE_PROTO], tvb, 8, 2, (guint32)(tvb_get_ntoh64(tvb, 8) >> 50));
    mops_add_addr(t, MOPS_F_MOPS_MIGRATE_PREV_ADDR, tvb, 8, 8, tvb_get_ntoh64(tvb, 8) & MOPS_ADDR_MASK);
    guint32 n_ports = (guint32)(tvb_get_ntoh64(tvb, 16) >> 50);
    proto_tree_add_uint(t, mops_hf[MOPS_F_MOPS_MIGRATE_N_PORTS], tvb, 16, 2, n_ports);
    mops_add_addr(t, MOPS_F_MOPS_MIGRATE_MIG_ADDR, tvb, 16, 8, tvb_get_ntoh64(tvb, 16) & MOPS_ADDR_MASK);
    int off = 24;
    for (guint32 i = 0; i < n_ports && tvb_reported_length_remaining(tvb, off) > 0; i++, off += 16) {
        proto_item *pi = proto_tree_add_item(t, mops_hf[MOPS_F_MOPS_MIGRATE_PORTS], tvb, off, 16, ENC_NA);
        proto_item_set_text(pi, "Port %u: %u > %u, dport %u > %u", i + 1, tvb_get_ntohs(tvb, off),
                            tvb_get_ntohs(tvb, off + 2), tvb_get_ntohs(tvb, off + 4), tvb_get_ntohs(tvb, off + 6));
        proto_tree *pt = proto_item_add_subtree(pi, mops_ett[MOPS_F_MOPS_MIGRATE_PORTS]);
        proto_tree_add_item(pt, mops_hf[MOPS_F_MOPS_MIGRATE_PREV_SPORT], tvb, off, 2, ENC_BIG_ENDIAN);
        proto_tree_add_item(pt, mops_hf[MOPS_F_MOPS_MIGRATE_MIG_SPORT], tvb, off + 2, 2, ENC_BIG_ENDIAN);
        proto_tree_add_item(pt, mops_hf[MOPS_F_MOPS_MIGRATE_PREV_DPORT], tvb, off + 4, 2, ENC_BIG_ENDIAN);
        proto_tree_add_item(pt, mops_hf[MOPS_F_MOPS_MIGRATE_MIG_DPORT], tvb, off + 6, 2, ENC_BIG_ENDIAN);
        proto_tree_add_item(pt, mops_hf[MOPS_F_MOPS_MIGRATE_SEQ], tvb, off + 8, 8, ENC_BIG_ENDIAN);
    }
    col_add_fstr(pinfo->cinfo, COL_INFO, "%s %s \xe2\x86\x92 %s, %u port%s", migrate_label(pkt->icmp.code),
                 mops_addr_format(g->prev_addr, a), mops_addr_format(g->mig_addr, b), n_ports, n_ports == 1 ? "" : "s");
    /* Transactions (Wireshark's request/response recipe). */
    proto_item *it;
    switch (n->track.kind) {
        case MOPS_TRACK_REQUEST:
            n->response_in = GPOINTER_TO_UINT(wmem_map_lookup(response_in, GUINT_TO_POINTER(pinfo->num)));
            if (n->response_in) {
                it = proto_tree_add_uint(t, mops_hf[MOPS_F_MOPS_MIGRATE_RESPONSE_IN], tvb, 0, 0, n->response_in);
                proto_item_set_generated(it);
            }
            break;
        case MOPS_TRACK_RETRANSMISSION:
            it = proto_tree_add_uint(t, mops_hf[MOPS_F_MOPS_MIGRATE_RETRANSMISSION], tvb, 0, 0,
                                     (guint32)n->track.first_frame);
            proto_item_set_generated(it);
            col_append_fstr(pinfo->cinfo, COL_INFO, " [retransmission of #%u]", (guint32)n->track.first_frame);
            n->response_in = GPOINTER_TO_UINT(wmem_map_lookup(response_in, GUINT_TO_POINTER(pinfo->num)));
            if (n->response_in) {
                it = proto_tree_add_uint(t, mops_hf[MOPS_F_MOPS_MIGRATE_RESPONSE_IN], tvb, 0, 0, n->response_in);
                proto_item_set_generated(it);
            }
            break;
        case MOPS_TRACK_REPLY: {
            it = proto_tree_add_uint(t, mops_hf[MOPS_F_MOPS_MIGRATE_RESPONSE_TO], tvb, 0, 0,
                                     (guint32)n->track.last_frame);
            proto_item_set_generated(it);
            nstime_t d;
            nstime_set_zero(&d);
            d.secs = (time_t)(n->track.delta_ns / MOPS_NS_PER_SEC);
            d.nsecs = (int)(n->track.delta_ns % MOPS_NS_PER_SEC);
            it = proto_tree_add_time(t, mops_hf[MOPS_F_MOPS_MIGRATE_TIME], tvb, 0, 0, &d);
            proto_item_set_generated(it);
            col_append_fstr(pinfo->cinfo, COL_INFO, " [reply to #%u]", (guint32)n->track.last_frame);
            break;
        }
        case MOPS_TRACK_ORPHAN_REPLY: col_append_str(pinfo->cinfo, COL_INFO, " [no request seen]"); break;
        default: break;
    }
    char why[MOPS_PROBLEM_TEXT];
    enum mops_problem_id pid = mops_track_problem(&n->track, why);
    if (pid != MOPS_P_COUNT)
        expert_add_info_format(pinfo, proto_tree_get_parent(t), &mops_ei[pid], "%s", why);
    if (pid == MOPS_P_MIG_REPLY_MISMATCH)
        col_append_str(pinfo->cinfo, COL_INFO, " [mismatch]");
}

static void natack_tree(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo, struct frame_note *n)
{
    char a[MOPS_ADDR_STRLEN], b[MOPS_ADDR_STRLEN];
    proto_tree_add_uint(t, mops_hf[MOPS_F_MOPS_NATACK_LEVEL], tvb, 7, 1, tvb_get_uint8(tvb, 7) & 0xf);
    proto_tree_add_uint(t, mops_hf[MOPS_F_MOPS_NATACK_PROTO], tvb, 8, 2, (guint32)(tvb_get_ntoh64(tvb, 8) >> 50));
    mops_addr_t orig = tvb_get_ntoh64(tvb, 8) & MOPS_ADDR_MASK, trans = tvb_get_ntoh64(tvb, 16) & MOPS_ADDR_MASK;
    mops_add_addr(t, MOPS_F_MOPS_NATACK_ORIG_ADDR, tvb, 8, 8, orig);
    guint32 n_ports = (guint32)(tvb_get_ntoh64(tvb, 16) >> 50);
    proto_tree_add_uint(t, mops_hf[MOPS_F_MOPS_NATACK_N_PORTS], tvb, 16, 2, n_ports);
    mops_add_addr(t, MOPS_F_MOPS_NATACK_TRANS_ADDR, tvb, 16, 8, trans);
    int off = 24;
    for (guint32 i = 0; i < n_ports && tvb_reported_length_remaining(tvb, off) > 0; i++, off += 4) {
        proto_item *pi = proto_tree_add_item(t, mops_hf[MOPS_F_MOPS_NATACK_PORTS], tvb, off, 4, ENC_NA);
        proto_item_set_text(pi, "Port %u: %u > %u", i + 1, tvb_get_ntohs(tvb, off), tvb_get_ntohs(tvb, off + 2));
        proto_tree *pt = proto_item_add_subtree(pi, mops_ett[MOPS_F_MOPS_NATACK_PORTS]);
        proto_tree_add_item(pt, mops_hf[MOPS_F_MOPS_NATACK_ORIG_PORT], tvb, off, 2, ENC_BIG_ENDIAN);
        proto_tree_add_item(pt, mops_hf[MOPS_F_MOPS_NATACK_TRANS_PORT], tvb, off + 2, 2, ENC_BIG_ENDIAN);
    }
    if (n->chain) {
        proto_item *it = proto_tree_add_string(t, mops_hf[MOPS_F_MOPS_NATACK_CHAIN], tvb, 0, 0, n->chain);
        proto_item_set_generated(it);
    }
    col_add_fstr(pinfo->cinfo, COL_INFO, "NAT acknowledgement level %u %s \xe2\x86\x92 %s, %u port%s",
                 tvb_get_uint8(tvb, 7) & 0xf, mops_addr_format(orig, a), mops_addr_format(trans, b), n_ports,
                 n_ports == 1 ? "" : "s");
}

static void anycast_tree(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo)
{
    char a[MOPS_ADDR_STRLEN], b[MOPS_ADDR_STRLEN];
    mops_addr_t any = tvb_get_ntoh64(tvb, 8) & MOPS_ADDR_MASK, uni = tvb_get_ntoh64(tvb, 16) & MOPS_ADDR_MASK;
    proto_tree_add_uint(t, mops_hf[MOPS_F_MOPS_ANYCAST_PROTO], tvb, 8, 2, (guint32)(tvb_get_ntoh64(tvb, 8) >> 50));
    mops_add_addr(t, MOPS_F_MOPS_ANYCAST_ANYCAST_ADDR, tvb, 8, 8, any);
    mops_add_addr(t, MOPS_F_MOPS_ANYCAST_UNICAST_ADDR, tvb, 16, 8, uni);
    proto_tree_add_item(t, mops_hf[MOPS_F_MOPS_ANYCAST_SPORT], tvb, 24, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(t, mops_hf[MOPS_F_MOPS_ANYCAST_DPORT], tvb, 26, 2, ENC_BIG_ENDIAN);
    col_add_fstr(pinfo->cinfo, COL_INFO, "Anycast server acknowledgement %s \xe2\x86\x92 unicast %s",
                 mops_addr_format(any, a), mops_addr_format(uni, b));
}

static void base_message(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo)
{
    guint16 type = tvb_get_ntohs(tvb, 4);
    guint8 code = tvb_get_uint8(tvb, 6);
    const char *name = mops_icmp_base_type_name(type), *cname = mops_icmp_base_code_name(type, code);
    col_add_fstr(pinfo->cinfo, COL_INFO, "%s%s%s", name ? name : "Unknown ICMPv5 type", cname && *cname ? ", " : "",
                 cname && *cname ? cname : "");
    if (!name)
        return;
    int off = 8;
    if (type >= MOPS_ICMP_ECHO_REQUEST) {
        proto_tree_add_item(t, mops_hf[MOPS_F_ICMPV5_ECHO_ID], tvb, 8, 4, ENC_BIG_ENDIAN);
        proto_tree_add_item(t, mops_hf[MOPS_F_ICMPV5_ECHO_SEQ], tvb, 12, 4, ENC_BIG_ENDIAN);
        proto_tree_add_uint(t, mops_hf[MOPS_F_ICMPV5_ECHO_DATA_LEN], tvb, 16, tvb_reported_length_remaining(tvb, 16),
                            (guint32)tvb_reported_length_remaining(tvb, 16));
        col_append_fstr(pinfo->cinfo, COL_INFO, " id=%u, seq=%u", tvb_get_ntohl(tvb, 8), tvb_get_ntohl(tvb, 12));
        return;
    }
    if (type == MOPS_ICMP_PACKET_TOO_BIG)
        proto_tree_add_item(t, mops_hf[MOPS_F_ICMPV5_MTU], tvb, 8, 4, ENC_BIG_ENDIAN), off = 12;
    else if (type == MOPS_ICMP_PARAM_PROBLEM)
        proto_tree_add_item(t, mops_hf[MOPS_F_ICMPV5_POINTER], tvb, 8, 4, ENC_BIG_ENDIAN), off = 12;
    else if (type == MOPS_ICMP_REDIRECT)
        mops_add_addr(t, MOPS_F_ICMPV5_REDIRECT_ROUTER, tvb, 8, 8, tvb_get_ntoh64(tvb, 8) & MOPS_ADDR_MASK), off = 16;
    /* The invoking packet, as IPFF in an error packet (its length is cut). */
    if (tvb_reported_length_remaining(tvb, off) < MOPS_IPFF_HDR_LEN)
        return;
    proto_item *ii = proto_tree_add_item(t, mops_hf[MOPS_F_ICMPV5_INVOKING], tvb, off, -1, ENC_NA);
    proto_tree *it = proto_item_add_subtree(ii, ett_invoking);
    gboolean save = pinfo->flags.in_error_pkt;
    address src, dst;
    copy_address_shallow(&src, &pinfo->src);
    copy_address_shallow(&dst, &pinfo->dst);
    pinfo->flags.in_error_pkt = TRUE;
    tvbuff_t *inner = tvb_new_subset_remaining(tvb, off);
    /* Wireshark's exception macros, which clang-format cannot lay out. */
    // clang-format off
    TRY {
        call_dissector(ipff_handle, inner, pinfo, it);
    }
    CATCH_BOUNDS_ERRORS {
        /* The excerpt is cut by design: what it holds was shown. */
    }
    ENDTRY;
    // clang-format on
    pinfo->flags.in_error_pkt = save;
    copy_address_shallow(&pinfo->src, &src);
    copy_address_shallow(&pinfo->dst, &dst);
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "ICMPv5");
}

static int dissect_icmpv5(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    const struct mops_ipff_info *ip = (const struct mops_ipff_info *)data;
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "ICMPv5");
    proto_item *ti = proto_tree_add_item(tree, proto_icmpv5, tvb, 0, -1, ENC_NA);
    proto_tree *t = proto_item_add_subtree(ti, ett_icmpv5);
    proto_tree_add_item(t, mops_hf[MOPS_F_ICMPV5_CRC], tvb, 0, 4, ENC_BIG_ENDIAN);
    guint16 type = tvb_get_ntohs(tvb, 4);
    const struct mops_packet *pkt = ip ? ip->pkt : NULL;
    if (pkt && (pkt->layers & MOPS_L_ICMP) && !pinfo->flags.in_error_pkt)
        mops_add_check(t, tvb, 0, 4, MOPS_F_ICMPV5_CRC_STATUS, MOPS_F_ICMPV5_CRC_EXPECTED, &pkt->icmp.crc_check);
    proto_tree_add_item(t, mops_hf[MOPS_F_ICMPV5_TYPE], tvb, 4, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(t, mops_hf[MOPS_F_ICMPV5_CODE], tvb, 6, 1, ENC_NA);
    bool is_mops = type == pref_types[0] || type == pref_types[1] || type == pref_types[2];
    bool is_lara = mops_lara_type(type);
    if (pkt && !pinfo->flags.in_error_pkt)
        mops_add_problems(pinfo, ti, pkt, pkt->l4_off,
                          is_mops   ? (guint32)pkt->l4_off + 8
                          : is_lara ? (guint32)pkt->l4_off + 4
                                    : G_MAXUINT32);
    if (is_lara && pkt && !pinfo->flags.in_error_pkt) {
        mops_dissect_lara(tvb, pinfo, tree, pkt);
        return (int)tvb_captured_length(tvb);
    }
    if (!is_mops || !pkt || pinfo->flags.in_error_pkt) {
        base_message(t, tvb, pinfo);
        return (int)tvb_captured_length(tvb);
    }
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "MOPS");
    proto_item *mi = proto_tree_add_item(tree, proto_mops, tvb, 0, -1, ENC_NA);
    proto_tree *mt = proto_item_add_subtree(mi, ett_mops);
    proto_tree_add_uint(mt, mops_hf[MOPS_F_MOPS_VERSION], tvb, 7, 1, tvb_get_uint8(tvb, 7) >> 4);
    mops_add_problems(pinfo, mi, pkt, pkt->l4_off + 8, G_MAXUINT32);
    struct frame_note *n = first_pass(pinfo, pkt);
    struct mops_tap_info *tap = wmem_new0(pinfo->pool, struct mops_tap_info);
    tap->type = type;
    tap->code = tvb_get_uint8(tvb, 6);
    tap->kind = pkt->icmp.kind;
    tap->track = n->track.kind;
    tap->latency_ms = (double)n->track.delta_ns / 1e6;
    tap->first_reply = n->track.kind == MOPS_TRACK_REPLY && n->track.replies == 1;
    tap->mismatch = n->track.kind == MOPS_TRACK_REPLY && n->track.mismatch[0];
    /* Each message a subtree of its own name (mops.migrate, mops.natack,
     * mops.anycast), so that a filter finds the message as it finds a field. */
    enum mops_field_id msg = type == pref_types[0]   ? MOPS_F_MOPS_MIGRATE
                             : type == pref_types[2] ? MOPS_F_MOPS_NATACK
                                                     : MOPS_F_MOPS_ANYCAST;
    proto_item *gi = proto_tree_add_item(mt, mops_hf[msg], tvb, 0, -1, ENC_NA);
    proto_tree *gt = proto_item_add_subtree(gi, mops_ett[msg]);
    if (type == pref_types[0]) {
        proto_item_append_text(mi, ", %s", migrate_label(tap->code));
        proto_item_append_text(gi, " %s", tap->code <= MOPS_MIGRATE_CODE_ATOMIC ? "request" : "reply");
        migrate_tree(gt, tvb, pinfo, pkt, n);
    } else if (type == pref_types[2]) {
        tap->level = tvb_get_uint8(tvb, 7) & 0xf;
        proto_item_append_text(mi, ", NAT acknowledgement");
        natack_tree(gt, tvb, pinfo, n);
    } else {
        proto_item_append_text(mi, ", Anycast server acknowledgement");
        anycast_tree(gt, tvb, pinfo);
    }
    tap_queue_packet(mops_tap, pinfo, tap);
    return (int)tvb_captured_length(tvb);
}

static void apply_prefs(void)
{
    mops_prefs.type_migrate = (guint16)pref_types[0];
    mops_prefs.type_anycast_ack = (guint16)pref_types[1];
    mops_prefs.type_nat_ack = (guint16)pref_types[2];
}

void mops_register_icmpv5(void)
{
    proto_icmpv5 = proto_register_protocol("Internet Control Message Protocol v5", "ICMPv5", "icmpv5");
    proto_mops = proto_register_protocol("Mobile Protocol Stack", "MOPS", "mops");
    icmpv5_handle = register_dissector("icmpv5", dissect_icmpv5, proto_icmpv5);
    module_t *m = prefs_register_protocol(proto_mops, apply_prefs);
    mops_register_findings(m);
    prefs_register_uint_preference(m, "type_migrate", "Migrate type", "ICMPv5 type of Migrate (MOPS §4.1)", 10,
                                   &pref_types[0]);
    prefs_register_uint_preference(m, "type_anycast_ack", "Anycast ack type",
                                   "ICMPv5 type of the Anycast Server Acknowledgement (MOPS §4.2)", 10, &pref_types[1]);
    prefs_register_uint_preference(m, "type_nat_ack", "NAT ack type",
                                   "ICMPv5 type of the NAT Acknowledgement (MOPS §4.3)", 10, &pref_types[2]);
    mops_tap = register_tap("mops");
    register_init_routine(init_state);
    register_cleanup_routine(cleanup_state);
}

void mops_handoff_icmpv5(void)
{
    ipff_handle = find_dissector("ipff");
    dissector_add_uint("ipff.proto", MOPS_PROTO_ICMPV5, icmpv5_handle);
    apply_prefs();
}
