/* What the plugin's dissectors share: protocol and field ids registered from
 * lib's field and problem tables, the IPFF address type, the preferences. */
#ifndef MOPS_PLUGIN_H
#define MOPS_PLUGIN_H

#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>

#include "ws-compat.h"

#include "mops/core/addr.h"
#include "mops/core/fields.h"
#include "mops/core/packet.h"
#include "mops/core/problem.h"
#include "mops/core/settings.h"

struct mops_validator;

extern int proto_ipff, proto_icmpv5, proto_mops, proto_udpv5, proto_lara;
/* hf ids by field id (mops/fields.def); -1 for fields Wireshark registers itself. */
extern int mops_hf[MOPS_F_COUNT];
/* One subtree per group, plus these. */
extern gint mops_ett[MOPS_F_COUNT];
extern gint ett_ipff, ett_ext, ett_icmpv5, ett_mops, ett_invoking, ett_udpv5, ett_mc;
/* One expert info per problem id (mops/problem.h). */
extern expert_field mops_ei[MOPS_P_COUNT];
extern int mops_at_ipff; /* the IPFF address type */
extern struct mops_settings mops_prefs;
extern mops_ws_bool mops_verify_checksums;
extern int mops_tap;

void mops_register_fields(void);
/* The IPFF address as an 8-octet address of type AT_IPFF. */
void mops_set_address(packet_info *pinfo, address *a, mops_addr_t v);
/* Adds an IPFF address field as its dotted text. */
proto_item *mops_add_addr(proto_tree *tree, enum mops_field_id id, tvbuff_t *tvb, int off, int len, mops_addr_t v);
/* A checksum's verdict (lib's check) as the generated status field, and the
 * expected value when bad; nothing when the checksums are not verified. */
void mops_add_check(proto_tree *tree, tvbuff_t *tvb, int off, int len, enum mops_field_id status,
                    enum mops_field_id expected, const struct mops_check *c);
/* An expert info's filter name for a rule id: prefix + "mig_seq_accepted"
 * (kept for Wireshark's lifetime), and Wireshark's severity for ours. */
char *mops_expert_name(const char *prefix, const char *rule);
int mops_expert_severity(enum mops_severity s);
/* Expert infos for lib's problems whose frame offsets fall in [from, to). */
void mops_add_problems(packet_info *pinfo, proto_item *item, const struct mops_packet *pkt, guint32 from, guint32 to);

/* What IPFF tells the protocols above it (the data pointer of the ipff.proto table). */
struct mops_ipff_info {
    mops_addr_t src, dst;
    guint8 htl;
    const struct mops_packet *pkt; /* lib's decode of the whole IPFF packet */
    int ipff_offset;               /* where the IPFF header is in pkt's frame */
    int l4_offset;                 /* where this protocol starts in pkt's frame */
};

/* What the "ipff" tap carries, for the conversation and endpoint tables. */
struct mops_ipff_tap {
    address src, dst;
};
extern int ipff_tap;
void mops_register_conversations(void);

int dissect_ipff(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);
/* The capture file's session tracker (packet-ipff.c), or NULL. */
struct mops_session_tracker *mops_plugin_sessions(void);
void mops_register_ipff(void);
void mops_handoff_ipff(void);
void mops_register_icmpv5(void);
void mops_handoff_icmpv5(void);
void mops_register_udpv5(void);
void mops_handoff_udpv5(void);
void mops_register_stats(void);
/* LARA (packet-lara.c): whether an ICMPv5 type is one of its messages, the
 * message's tree, and what an Ethernet frame's MACs are the LARA MACs of. */
void mops_register_lara(void);
void mops_handoff_lara(void);
extern gint ett_lara;
gboolean mops_lara_type(guint16 type);
void mops_dissect_lara(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const struct mops_packet *pkt);
void mops_lara_link_tree(tvbuff_t *tvb, proto_tree *tree, const struct mops_packet *pkt);
/* A top-level IPFF packet as lib decodes it (packet-ipff.c): its octets
 * and, straight on Ethernet or in a Linux cooked capture, the frame's MACs
 * (LARA's rules, profile §9). */
struct mops_ws_frame {
    const guint8 *ipff;
    guint caplen, reported;
    gboolean on_ethernet, has_dst;
    guint8 mac_dst[6], mac_src[6];
};
void mops_ws_decode(const struct mops_settings *s, const struct mops_ws_frame *f, struct mops_packet *pkt);
/* The validator's findings (mops-findings.c): its preference on the MOPS
 * module; each top-level IPFF frame, decoded, fed and shown. */
void mops_register_findings(module_t *mops_module);
void mops_findings_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const struct mops_ws_frame *f,
                         const struct mops_packet *pkt);
/* The validator on a thread of its own (findings-thread.c), for a first
 * pass whose frames show no findings (no tree: tshark without -V or
 * fields). Frames are copied and judged there in batches; the caller
 * touches the validator again only after mops_findings_thread_drain. The
 * validator's callback is then called on that thread. NULL without memory
 * or thread. */
struct mops_findings_thread;
struct mops_findings_thread *mops_findings_thread_new(struct mops_validator *v, const struct mops_settings *s);
void mops_findings_thread_feed(struct mops_findings_thread *t, guint32 num, guint32 ifid, guint64 ts_ns,
                               const struct mops_ws_frame *f);
/* Returns once every frame fed has been judged. */
void mops_findings_thread_drain(struct mops_findings_thread *t);
/* Stops the thread (what was not judged yet is dropped) and frees it. */
void mops_findings_thread_free(struct mops_findings_thread *t);

/* The tap's record of a MOPS message, for the statistics tree. */
struct mops_tap_info {
    guint16 type;
    guint8 code, level;
    int kind;             /* enum mops_icmp_kind */
    int track;            /* enum mops_track_kind */
    gboolean first_reply; /* the first reply to its request */
    gboolean mismatch;    /* a reply that does not fit its request */
    double latency_ms;    /* replies */
};

#endif
