/* The validator: replays decoded packets, in capture order, against what
 * correct MOPS nodes would have done (profile §7, MOPS §4-§7) and reports
 * where the capture differs. One pass; state bounded by fixed capacities.
 * Rule ids, severities and citations: docs/validator-rules.md. */
#ifndef MOPS_VALIDATE_H
#define MOPS_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "mops/track/migrate.h"
#include "mops/core/packet.h"
#include "mops/core/settings.h"
#include "mops/core/problem.h"

/* Packet-level rules are the decoder's problem ids (0 .. MOPS_P_COUNT - 1,
 * MIG-REPLY-MISMATCH and MIG-REPLY-ORPHAN among them); protocol-level rules
 * follow. */
enum mops_rule_id {
    MOPS_R_MIG_SEQ_ACCEPTED = MOPS_P_COUNT,
    MOPS_R_MIG_SEQ_REJECTED,
    MOPS_R_MIG_ATOMIC_PARTIAL,
    MOPS_R_MIG_RETX_EARLY,
    MOPS_R_MIG_RETX_EXCESS,
    MOPS_R_MIG_NO_REPLY,
    MOPS_R_MIG_FLAP_ANSWERED,
    MOPS_R_MIG_FIELD_LIMIT,
    MOPS_R_MIG_NOT_MOBILE,
    MOPS_R_MIG_STALE_TUPLE,
    MOPS_R_MIG_PREV_UNTRANSLATED,
    MOPS_R_NAT_LEVEL,
    MOPS_R_NAT_REWRITE,
    MOPS_R_NAT_ISN,
    MOPS_R_NAT_ACK_MISSING,
    MOPS_R_RSRC_MISMATCH,
    MOPS_R_DNAT_REMAP,
    MOPS_R_ANYCAST_UNSOLICITED,
    MOPS_R_MC_HANDSHAKE,
    MOPS_R_LARA_DUPLICATE,
    MOPS_R_LARA_TENTATIVE,
    MOPS_R_LARA_DUPLICATE_USE,
    MOPS_R_LARA_WRONG_MAC,
    MOPS_R_COUNT
};

struct mops_rule_info {
    const char *id; /* "MIG-SEQ-ACCEPTED" */
    enum mops_severity severity;
    const char *spec; /* "MOPS §4.1" */
    const char *summary;
};

const struct mops_rule_info *mops_rule_info(int rule);
/* The rule with this id, or -1. */
int mops_rule_parse(const char *id);

struct mops_violation {
    int rule;
    uint64_t frame; /* 1-based, as Wireshark numbers frames */
    uint64_t ts_ns;
    char message[240];
    char expected[160]; /* protocol rules: what a correct node does */
    char actual[160];   /* and what the capture shows */
    char flow[120];     /* the session or transaction: "tcp 525.8.78.3.9:1027 <-> 8.8.8.8.8:80" */
    /* The node at fault, as its shadow judged it: "server", "mobile", "nat"
     * (node: its outside address), "dnat", "client" (a TCP client's handshake), or "packet" (a packet-level rule:
     * node is its source); node 0 when the capture cannot say which. */
    const char *role;
    mops_addr_t node;
};

/* What --topology says where inference from the traffic is not enough. */
#define MOPS_TOPO_MAX 64
struct mops_topology_server {
    mops_addr_t addr;
    bool exact; /* sequence check: exactly RCV.NXT, not the window */
    unsigned n_ids;
    struct {
        uint16_t proto, port;
        uint64_t id;
    } ids[MOPS_TOPO_MAX]; /* ports that demand a Unique ID */
};
struct mops_topology {
    unsigned n_servers, n_links;
    struct mops_topology_server servers[MOPS_TOPO_MAX];
    struct {
        mops_addr_t addr;
        uint32_t ifid;
    } links[MOPS_TOPO_MAX]; /* a node's link, by capture interface */
};
/* Reads a topology file (docs/validator-rules.md); on failure, err says
 * where and why. */
int mops_topology_load(const char *path, struct mops_topology *t, char *err, size_t errlen);
int mops_topology_load_text(const char *text, size_t len, struct mops_topology *t, char *err, size_t errlen);

struct mops_validate_opts {
    const struct mops_topology *topology; /* may be NULL */
    const struct mops_settings *settings; /* the numbers the capture uses; NULL: the profile's */
    bool enabled[MOPS_R_COUNT];           /* rules to report (all by default) */
    unsigned max_per_flow;                /* findings kept per rule and flow; 0 = all */
    unsigned capacity;                    /* entries per state table; 0: the defaults (65,536 sessions...) */
    /* The capture has one interface and can get no other (a pcap file, a
     * live interface): no packet shows on two links, and first sightings
     * need not be looked up. */
    bool one_link;
    /* Tables taken as they are first used, not claimed at the start (so
     * that a long capture and a short one peak alike): for a process whose
     * memory grows with its capture anyway, the Wireshark plugin. The
     * bound is the same. */
    bool lazy;
};
void mops_validate_opts_default(struct mops_validate_opts *o);

typedef void (*mops_violation_cb)(void *ctx, const struct mops_violation *v);

struct mops_validator;
/* cb (may be NULL) sees each kept finding as it is made. */
struct mops_validator *mops_validator_new(const struct mops_validate_opts *o, mops_violation_cb cb, void *ctx);
void mops_validator_free(struct mops_validator *v);
/* One decoded frame, seen on capture interface ifid. */
void mops_validator_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts_ns,
                           const struct mops_packet *pkt);
/* Frames in capture order, validated as by one mops_validator_packet call
 * each; mops_validator_last() then tells of the last. A batch lets their
 * lookups load together (several times faster on a large capture). */
struct mops_validator_input {
    uint64_t frame, ts_ns;
    uint32_t ifid;
    const struct mops_packet *pkt;
    /* The packet's mops_packet_content_key if the caller has it, else 0
     * (then made here when needed: a real 0 is made again, as 0). */
    uint64_t key;
    /* If not NULL, given what mops_validator_last() tells of this packet. */
    struct mops_validator_seen *seen;
};
void mops_validator_packets(struct mops_validator *v, const struct mops_validator_input *in, unsigned n);
/* The capture ended at end_ns: what was due and never came is judged. */
void mops_validator_finish(struct mops_validator *v, uint64_t end_ns);
/* Findings of error severity so far (for the exit code). */
unsigned long mops_validator_errors(const struct mops_validator *v);

/* The report's summary as numbers, without building the report. */
struct mops_validator_summary {
    uint64_t packets;
    unsigned long by_sev[3]; /* by enum mops_severity */
    unsigned long suppressed;
    unsigned long requested, succeeded, failed, unanswered;
    const unsigned long *count; /* per rule, MOPS_R_COUNT of them */
};
void mops_validator_summarize(const struct mops_validator *v, struct mops_validator_summary *s);
/* The report (docs/validator-report.schema.json); the caller owns it. */
json_t *mops_validator_report(const struct mops_validator *v, const char *input, const char *tool_version);
/* What the validator made of the last packet it was given, for front ends
 * that run it and would otherwise track the same packets again: lib's
 * request/reply tracking (kind NONE unless the packet decoded cleanly) and
 * whether this was the packet's first sighting (the same packet on the next
 * link of its path is not). */
struct mops_validator_seen {
    struct mops_track_result track;
    bool first;
};
const struct mops_validator_seen *mops_validator_last(const struct mops_validator *v);

/* A NAT chain as a mobile node learned it from NAT acks, level by level
 * (MOPS §4.3, Appendix B). */
#define MOPS_CHAIN_MAX 16
struct mops_nat_level {
    uint8_t level;
    mops_addr_t orig, trans;
    uint16_t orig_port, trans_port;
    uint64_t frame, ts_ns; /* the NAT ack that taught it */
};
struct mops_nat_chain {
    mops_addr_t mobile;
    uint16_t port, proto;
    unsigned n;
    struct mops_nat_level levels[MOPS_CHAIN_MAX];
};
/* The chains learned so far, one per mobile node and port (NATs, which
 * learn levels for their own outside addresses, are left out), up to max;
 * the count. */
unsigned mops_validator_chains(const struct mops_validator *v, struct mops_nat_chain *out, unsigned max);

/* What was judged of each node the capture shows, and what was not and
 * why (a node's state the capture does not show is not guessed). */
/* What the validator saw of an address's LARA (profile §9): its last DAD
 * request (frame, time), until when the address was tentative, and a
 * duplicate a reply found. False when the capture shows it not running LARA. */
struct mops_lara_view {
    uint32_t ifid;
    uint64_t dad_frame, dad_ts_ns, usable_ns; /* dad_frame 0: held from before the capture */
    bool duplicate, cloned_mac;
    uint64_t dup_ts_ns;
    uint8_t dup_mac[6];
};
bool mops_validator_lara(const struct mops_validator *v, mops_addr_t addr, struct mops_lara_view *out);

struct mops_coverage {
    const char *role; /* "server", "mobile", "nat", "validator" */
    mops_addr_t addr; /* 0 for the validator's own limits */
    unsigned long judged, not_judged;
    char text[320]; /* "server 8.8.8.8.8: 2 Migrates judged; 1 not: ..." */
};
/* What the validator's bounded tables retired early to stay within their
 * capacity (a capture that holds more than they do: a flood of sessions,
 * Migrates to many tuples, NAT acks of many levels, findings on many
 * flows): what those entries would have let it judge was not judged. The
 * report's state_overflow, by the same names. */
enum mops_overflow {
    MOPS_OV_SESSIONS,     /* TCP/UDPv5 sessions (their sequence state) */
    MOPS_OV_TRANSACTIONS, /* Migrate transactions awaiting or matching replies */
    MOPS_OV_NAT_LEVELS,   /* NAT ack levels learned per mobile node and port */
    MOPS_OV_NAT_ADDRESSES,
    MOPS_OV_SYN_ACKS, /* SYN-ACKs a server's shadow sent, awaiting the server's */
    MOPS_OV_ANYCAST_ACKS,
    MOPS_OV_TRANSLATIONS, /* NAT translations mobile nodes' shadows learned */
    MOPS_OV_FLOWS,        /* flows whose findings were being counted (--max-per-flow) */
    MOPS_OV_FINDINGS,     /* findings beyond the report's list (counted, shown, not listed) */
    MOPS_OV_COUNT
};
/* The report's state_overflow keys, by enum mops_overflow. */
extern const char *const mops_overflow_names[MOPS_OV_COUNT];
struct mops_validator_overflow {
    uint64_t n[MOPS_OV_COUNT];
    uint64_t total; /* their sum */
};
void mops_validator_overflow(const struct mops_validator *v, struct mops_validator_overflow *o);
/* Up to max entries; the count. */
unsigned mops_validator_coverage(const struct mops_validator *v, struct mops_coverage *out, unsigned max);

/* A violation as one JSON object (the report's and --events' form). */
json_t *mops_violation_json(const struct mops_violation *x);

#endif
