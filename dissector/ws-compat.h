/* What differs between the Wireshark versions the plugin is built against
 * (4.0, 4.4 and 4.6 are tested: tests/compat/run), in one place and by
 * Wireshark's own version macros. 4.2 took C99 bool for callbacks and
 * preferences and added the tvb_get_uint8 family; 4.4 deprecated
 * tvb_get_guint8; 4.6 renamed pntoh64/phton64 and dissector_try_uint_new.
 * plugin_describe (plugin.c) came with 4.2. */
#ifndef MOPS_WS_COMPAT_H
#define MOPS_WS_COMPAT_H

#include <stdbool.h>
#include <stdint.h>

#include <epan/conversation.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/packet.h>
#include <wiretap/wtap.h> /* wtap_rec is opaque to packet.h from 4.4 */
#include <ws_version.h>

#define MOPS_WS_AT_LEAST(major, minor)                                                                                 \
    (WIRESHARK_VERSION_MAJOR > (major) || (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

#if MOPS_WS_AT_LEAST(4, 2)
typedef bool mops_ws_bool; /* callbacks' and preferences' booleans */
#else
typedef gboolean mops_ws_bool;
#define tvb_get_uint8 tvb_get_guint8
#endif

#if !MOPS_WS_AT_LEAST(4, 6)
#define pntohu64 pntoh64
#define phtonu64 phton64
#define phtonu32 phton32
#define dissector_try_uint_with_data dissector_try_uint_new
#endif

/* The capture interface a frame came from; 0 when the file names none. */
static inline uint32_t mops_ws_interface(const packet_info *pinfo)
{
    const wtap_rec *r = pinfo->rec;
    if (!r || r->rec_type != REC_TYPE_PACKET || !(r->presence_flags & WTAP_HAS_INTERFACE_ID))
        return 0;
    return r->rec_header.packet_header.interface_id;
}

/* From 4.6, Wireshark's TCP gives a conversation it takes as new the
 * default MSS of its network layer, known for IPv4 and IPv6 only: on any
 * other address type it fails an assertion (packet-tcp.c, DISSECTOR_ASSERT_
 * NOT_REACHED) and the segment's analysis stops there. So the conversation
 * it is about to use is found, or made where it would make one, here
 * first, with IPFF's default MSS in both flows (an MSS option in the
 * handshake still overrides it). It makes one for a segment of a tuple it
 * has not seen, and, as 4.6 reads, for a SYN or SYN-ACK whose flow has
 * its base sequence number and another, or whose conversation ended (FIN or
 * RST): a port reused. Before 4.6: a plain call. */
#if MOPS_WS_AT_LEAST(4, 6)
#define MOPS_WS_TCP_BASE_SEQ_SET 0x01 /* tcp_flow_t.static_flags, as packet-tcp.c defines it */
#define MOPS_WS_TCP_ENDED 0x30        /* conversation_completeness: FIN 0x10, RST 0x20 */
#endif

static inline void mops_ws_call_tcp(dissector_handle_t tcp, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                    int16_t mss)
{
#if MOPS_WS_AT_LEAST(4, 6)
    if (!PINFO_FD_VISITED(pinfo) && tvb_captured_length(tvb) >= 14) {
        pinfo->ptype = PT_TCP;
        pinfo->srcport = tvb_get_ntohs(tvb, 0);
        pinfo->destport = tvb_get_ntohs(tvb, 2);
        uint32_t seq = tvb_get_ntohl(tvb, 4);
        uint8_t syn_ack = tvb_get_uint8(tvb, 13) & 0x12;
        conversation_t *conv = find_conversation_strat(pinfo, CONVERSATION_TCP, 0, false);
        struct tcp_analysis *tcpd = conv ? get_tcp_conversation_data(conv, pinfo) : NULL;
        bool reused = tcpd && (syn_ack == 0x02 || syn_ack == 0x12) &&
                      (tcpd->fwd->static_flags & MOPS_WS_TCP_BASE_SEQ_SET) &&
                      (tcpd->fwd->base_seq != seq || (tcpd->conversation_completeness & MOPS_WS_TCP_ENDED));
        if (!conv || reused) {
            conv = conversation_new_strat(pinfo, CONVERSATION_TCP, 0);
            tcpd = get_tcp_conversation_data(conv, pinfo);
        }
        if (tcpd && tcpd->flow1.mss == -1)
            tcpd->flow1.mss = mss;
        if (tcpd && tcpd->flow2.mss == -1)
            tcpd->flow2.mss = mss;
    }
#else
    (void)mss;
#endif
    call_dissector(tcp, tvb, pinfo, tree);
}

#endif
