/* What the decoder found wrong with a frame. The ids are the packet-level
 * rule ids of the validator (docs/validator-rules.md) and name the Wireshark
 * plugin's expert infos, so every front end speaks of a problem alike. */
#ifndef MOPS_PROBLEM_H
#define MOPS_PROBLEM_H

#include <stdint.h>

enum mops_problem_id {
    MOPS_P_LINK_TRUNCATED, /* carrier header cut short */
    MOPS_P_LINK_MALFORMED, /* carrier header inconsistent (IPv4 IHL, UDP length) */
    MOPS_P_IPFF_TRUNCATED, /* the capture ends before the packet does */
    MOPS_P_IPFF_VERSION,
    MOPS_P_IPFF_RESERVED,
    MOPS_P_IPFF_ADDR_FIELD,
    MOPS_P_IPFF_LENGTH, /* Payload Length vs. what the frame carries */
    MOPS_P_IPFF_EXT_MALFORMED,
    MOPS_P_IPFF_EXT_ORDER,
    MOPS_P_IPFF_EXT_LIMIT,
    MOPS_P_IPFF_OPTION_UNKNOWN,
    MOPS_P_IPFF_PROTO_UNKNOWN,
    MOPS_P_ICMP5_CRC,
    MOPS_P_ICMP5_TYPE_UNKNOWN,
    MOPS_P_ICMP5_CODE_UNKNOWN,
    MOPS_P_ICMP5_LENGTH,
    MOPS_P_MOPS_VERSION,
    MOPS_P_MOPS_LENGTH,
    MOPS_P_MOPS_NATACK_HTL,
    MOPS_P_LARA_HTL,  /* DAD not sent with Hops to Live 1 */
    MOPS_P_LARA_ADDR, /* Source != Destination, advertisement not to 0.0.0.0.0 */
    MOPS_P_LARA_MAC,  /* Source MAC vs the frame, the frame's destination MAC */
    MOPS_P_TCP_CHECKSUM,
    MOPS_P_TCP_MALFORMED,
    MOPS_P_TCP_OPTION,
    MOPS_P_UDP5_CHECKSUM,
    MOPS_P_UDP5_ZERO_CHECKSUM,
    /* Found by matching replies to requests (mops/migrate_track.h), not by the decoder. */
    MOPS_P_MIG_REPLY_MISMATCH,
    MOPS_P_MIG_REPLY_ORPHAN,
    MOPS_P_COUNT
};

enum mops_severity { MOPS_SEV_NOTE, MOPS_SEV_WARNING, MOPS_SEV_ERROR };

/* How a problem bears on the decode: it cut the decode short (truncated),
 * the bytes contradict the format (malformed), or they are well-formed but
 * carry a wrong value (checksum, address field, version). */
enum mops_problem_kind { MOPS_PK_TRUNCATED, MOPS_PK_MALFORMED, MOPS_PK_VALUE };

struct mops_problem_info {
    const char *id; /* "ICMP5-CRC" */
    enum mops_severity severity;
    enum mops_problem_kind kind;
    const char *group;   /* as Wireshark's expert groups: checksum, malformed, protocol, sequence, undecoded */
    const char *summary; /* one line, for docs and expert info titles */
    const char *cite;    /* "MOPS §4.3", "profile §5" */
};

const struct mops_problem_info *mops_problem_info(enum mops_problem_id id);
const char *mops_severity_name(enum mops_severity s);

#define MOPS_PROBLEM_TEXT 120

struct mops_problem {
    enum mops_problem_id id;
    uint32_t offset;              /* frame offset where it was found */
    char text[MOPS_PROBLEM_TEXT]; /* the specifics: "truncated at offset 54 in migrate port 2" */
};

#endif
