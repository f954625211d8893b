/* The table of decode problems: id, severity, kind, what it means, its source. */
#include "mops/core/problem.h"

static const struct mops_problem_info table[MOPS_P_COUNT] = {
    [MOPS_P_LINK_TRUNCATED] = {"LINK-TRUNCATED", MOPS_SEV_ERROR, MOPS_PK_TRUNCATED, "malformed",
                               "carrier header cut short", "profile §1"},
    [MOPS_P_LINK_MALFORMED] = {"LINK-MALFORMED", MOPS_SEV_ERROR, MOPS_PK_MALFORMED, "malformed",
                               "carrier header inconsistent", "profile §1"},
    [MOPS_P_IPFF_TRUNCATED] = {"IPFF-TRUNCATED", MOPS_SEV_ERROR, MOPS_PK_TRUNCATED, "malformed",
                               "packet truncated by the capture", "IPFF §3"},
    [MOPS_P_IPFF_VERSION] = {"IPFF-VERSION", MOPS_SEV_ERROR, MOPS_PK_MALFORMED, "malformed",
                             "IPFF version is not 5", "IPFF §3"},
    [MOPS_P_IPFF_RESERVED] = {"IPFF-RESERVED", MOPS_SEV_WARNING, MOPS_PK_VALUE, "protocol",
                              "reserved bits set", "IPFF §3"},
    [MOPS_P_IPFF_ADDR_FIELD] = {"IPFF-ADDR-FIELD", MOPS_SEV_ERROR, MOPS_PK_VALUE, "protocol",
                                "address field above 999", "ADDR §3, MOPS §4.1"},
    [MOPS_P_IPFF_LENGTH] = {"IPFF-LENGTH", MOPS_SEV_ERROR, MOPS_PK_MALFORMED, "malformed",
                            "Payload Length disagrees with the frame", "IPFF §3"},
    [MOPS_P_IPFF_EXT_MALFORMED] = {"IPFF-EXT-MALFORMED", MOPS_SEV_ERROR, MOPS_PK_MALFORMED, "malformed",
                                   "extension header malformed", "IPFF §4, profile §4"},
    [MOPS_P_IPFF_EXT_ORDER] = {"IPFF-EXT-ORDER", MOPS_SEV_ERROR, MOPS_PK_MALFORMED, "malformed",
                               "Hop-by-Hop header not directly after the IPFF header", "IPFF §4"},
    [MOPS_P_IPFF_EXT_LIMIT] = {"IPFF-EXT-LIMIT", MOPS_SEV_ERROR, MOPS_PK_MALFORMED, "malformed",
                               "more than 64 extension headers", "profile §4"},
    [MOPS_P_IPFF_OPTION_UNKNOWN] = {"IPFF-OPTION-UNKNOWN", MOPS_SEV_NOTE, MOPS_PK_VALUE, "undecoded",
                                    "unknown option whose type says discard", "IPFF §4.2"},
    [MOPS_P_IPFF_PROTO_UNKNOWN] = {"IPFF-PROTO-UNKNOWN", MOPS_SEV_NOTE, MOPS_PK_VALUE, "undecoded",
                                   "protocol not decoded", "IPFF §4"},
    [MOPS_P_ICMP5_CRC] = {"ICMP5-CRC", MOPS_SEV_ERROR, MOPS_PK_VALUE, "checksum",
                          "ICMPv5 CRC-32 mismatch", "profile §5"},
    [MOPS_P_ICMP5_TYPE_UNKNOWN] = {"ICMP5-TYPE-UNKNOWN", MOPS_SEV_NOTE, MOPS_PK_VALUE, "undecoded",
                                   "unknown ICMPv5 type", "profile §5"},
    [MOPS_P_ICMP5_CODE_UNKNOWN] = {"ICMP5-CODE-UNKNOWN", MOPS_SEV_WARNING, MOPS_PK_VALUE, "undecoded",
                                   "unknown code for this ICMPv5 type", "profile §5"},
    [MOPS_P_ICMP5_LENGTH] = {"ICMP5-LENGTH", MOPS_SEV_ERROR, MOPS_PK_MALFORMED, "malformed",
                             "ICMPv5 message length wrong for its type", "profile §5"},
    [MOPS_P_MOPS_VERSION] = {"MOPS-VERSION", MOPS_SEV_ERROR, MOPS_PK_VALUE, "protocol",
                             "MOPS message version is not 1", "MOPS §4"},
    [MOPS_P_MOPS_LENGTH] = {"MOPS-LENGTH", MOPS_SEV_ERROR, MOPS_PK_MALFORMED, "malformed",
                            "Number of Ports disagrees with the message length", "MOPS §4.1, §4.3"},
    [MOPS_P_MOPS_NATACK_HTL] = {"MOPS-NATACK-HTL", MOPS_SEV_WARNING, MOPS_PK_VALUE, "protocol",
                                "NAT acknowledgement not sent with Hops to Live 1", "MOPS §4.3"},
    [MOPS_P_TCP_CHECKSUM] = {"TCP-CHECKSUM", MOPS_SEV_ERROR, MOPS_PK_VALUE, "checksum",
                             "TCP checksum mismatch", "profile §6"},
    [MOPS_P_TCP_MALFORMED] = {"TCP-MALFORMED", MOPS_SEV_ERROR, MOPS_PK_MALFORMED, "malformed",
                              "TCP header malformed", "RFC 9293 §3.1"},
    [MOPS_P_TCP_OPTION] = {"TCP-OPTION", MOPS_SEV_WARNING, MOPS_PK_MALFORMED, "malformed",
                           "TCP option with a wrong length", "RFC 9293 §3.1, MOPS §3.1"},
    [MOPS_P_UDP5_CHECKSUM] = {"UDP5-CHECKSUM", MOPS_SEV_ERROR, MOPS_PK_VALUE, "checksum",
                              "UDPv5 checksum mismatch", "profile §6"},
    [MOPS_P_UDP5_ZERO_CHECKSUM] = {"UDP5-ZERO-CHECKSUM", MOPS_SEV_ERROR, MOPS_PK_VALUE, "checksum",
                                   "UDPv5 checksum is zero (it is mandatory)", "profile §6"},
    [MOPS_P_MIG_REPLY_MISMATCH] = {"MIG-REPLY-MISMATCH", MOPS_SEV_WARNING, MOPS_PK_VALUE, "sequence",
                                    "Migrate reply does not match its request", "profile §7"},
    [MOPS_P_MIG_REPLY_ORPHAN] = {"MIG-REPLY-ORPHAN", MOPS_SEV_NOTE, MOPS_PK_VALUE, "sequence",
                                  "Migrate reply to a request not in the capture", "MOPS §4.1"},
};

const struct mops_problem_info *mops_problem_info(enum mops_problem_id id)
{
    if ((unsigned)id >= MOPS_P_COUNT)
        return 0;
    return &table[id];
}

const char *mops_severity_name(enum mops_severity s)
{
    switch (s) {
    case MOPS_SEV_NOTE: return "note";
    case MOPS_SEV_WARNING: return "warning";
    case MOPS_SEV_ERROR: return "error";
    }
    return "?";
}
