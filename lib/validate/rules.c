/* The validator's rules: the decoder's problems (packet level) and the
 * protocol-level rules, with severity and the section each one cites. A
 * protocol rule's severity is the draft's word for it: a "must" broken is
 * an error, a "should" or a recommendation a warning, what it only
 * describes a note (docs/validator-rules.md quotes each sentence, and the
 * test rules-severity holds the two together). */
#include <string.h>
#include <strings.h>

#include "mops/validate/validate.h"

static const struct mops_rule_info protocol_rules[MOPS_R_COUNT - MOPS_P_COUNT] = {
#define R(x) [MOPS_R_##x - MOPS_P_COUNT]
    R(MIG_SEQ_ACCEPTED) = {"MIG-SEQ-ACCEPTED", MOPS_SEV_ERROR, "MOPS §4.1, profile §7",
                           "the server accepted a port whose sequence number or Unique ID it should have refused"},
    R(MIG_SEQ_REJECTED) = {"MIG-SEQ-REJECTED", MOPS_SEV_ERROR, "MOPS §4.1, profile §7",
                           "the server refused a port whose sequence number was in its window"},
    R(MIG_ATOMIC_PARTIAL) = {"MIG-ATOMIC-PARTIAL", MOPS_SEV_ERROR, "MOPS §4.1, profile §7",
                             "a failed atomic migrate did not roll every port back"},
    R(MIG_RETX_EARLY) = {"MIG-RETX-EARLY", MOPS_SEV_WARNING, "MOPS §4.1, profile §7",
                         "a Migrate resent less than 2 s after the previous sending"},
    R(MIG_RETX_EXCESS) = {"MIG-RETX-EXCESS", MOPS_SEV_WARNING, "MOPS §4.1, profile §7",
                          "a Migrate resent more than 3 times"},
    R(MIG_NO_REPLY) = {"MIG-NO-REPLY", MOPS_SEV_WARNING, "MOPS §4.1",
                       "a Migrate that reached the server's link was never answered"},
    R(MIG_FLAP_ANSWERED) = {"MIG-FLAP-ANSWERED", MOPS_SEV_WARNING, "MOPS §4.1, profile §7, E6",
                            "the server answered a Migrate naming a previous address and port it accepted less "
                            "than 5 s before"},
    R(MIG_FIELD_LIMIT) = {"MIG-FIELD-LIMIT", MOPS_SEV_ERROR, "IPFF addressing, MOPS §4.1",
                          "the server accepted a Migrate to an address with a field above 999"},
    R(MIG_NOT_MOBILE) = {"MIG-NOT-MOBILE", MOPS_SEV_ERROR, "MOPS §3.1",
                         "a Migrate for a session that never negotiated MOBILE_CAPABLE"},
    R(MIG_STALE_TUPLE) = {"MIG-STALE-TUPLE", MOPS_SEV_NOTE, "MOPS §4.1",
                          "the server sent data to the old tuple after a successful migration"},
    R(MIG_PREV_UNTRANSLATED) = {"MIG-PREV-UNTRANSLATED", MOPS_SEV_ERROR, "MOPS §4.3, Appendix B",
                                "a mobile node behind NATs named an address other than its outermost translation "
                                "as previous"},
    R(NAT_LEVEL) = {"NAT-LEVEL", MOPS_SEV_WARNING, "MOPS §4.3, profile §7, E2",
                    "a NAT acknowledgement's level does not follow the chain it continues"},
    R(NAT_REWRITE) = {"NAT-REWRITE", MOPS_SEV_ERROR, "MOPS §4.3, profile §7",
                      "a NAT changed the previous fields or the sequence of a Migrate, or translated it "
                      "differently from its own NAT acknowledgement"},
    R(NAT_ISN) = {"NAT-ISN", MOPS_SEV_ERROR, "MOPS §6, §7", "a NAT changed TCP sequence numbers"},
    R(NAT_ACK_MISSING) = {"NAT-ACK-MISSING", MOPS_SEV_ERROR, "MOPS §4.3, profile §7",
                          "a NAT translated a MOBILE_CAPABLE SYN or a Migrate without sending a NAT "
                          "acknowledgement"},
    R(RSRC_MISMATCH) = {"RSRC-MISMATCH", MOPS_SEV_ERROR, "MOPS §3.2, profile §4",
                        "the received-source option differs from the source the server saw"},
    R(DNAT_REMAP) = {"DNAT-REMAP", MOPS_SEV_ERROR, "MOPS §5.1",
                     "a destination NAT let in a client's packets on a tuple the server did not confirm a "
                     "migration to"},
    R(ANYCAST_UNSOLICITED) = {"ANYCAST-UNSOLICITED", MOPS_SEV_ERROR, "MOPS §4.2",
                              "an anycast acknowledgement for no MOBILE_CAPABLE SYN to that anycast address"},
    R(MC_HANDSHAKE) =
        {"MC-HANDSHAKE", MOPS_SEV_NOTE, "MOPS §3.1, E1",
         "a SYN-ACK or handshake ACK whose MOBILE_CAPABLE differs from its node's model (all three segments carry it)"},
    R(LARA_DUPLICATE) = {"LARA-DUPLICATE", MOPS_SEV_ERROR, "LARA §3, §5, profile §9",
                         "a DAD reply: another node holds the address tested (or a clone shares its MAC)"},
    R(LARA_TENTATIVE) = {"LARA-TENTATIVE", MOPS_SEV_ERROR, "LARA §5, profile §9",
                         "a node sent from an address still tentative (less than 1 s after its DAD request)"},
    R(LARA_DUPLICATE_USE) = {"LARA-DUPLICATE-USE", MOPS_SEV_ERROR, "LARA §5, profile §9",
                             "a node sent from an address a DAD reply found duplicate while it was tentative"},
    R(LARA_WRONG_MAC) = {"LARA-WRONG-MAC", MOPS_SEV_NOTE, "LARA §2, profile §9",
                         "a node running LARA sent a frame whose source is not its address's logical MAC"},
#undef R
};

/* Packet-level rules are the decoder's problems, from the same list. */
static const struct mops_rule_info packet_rules[MOPS_P_COUNT] = {
#define P(e, id, sev, kind, group, summary, cite) [MOPS_P_##e] = {id, MOPS_SEV_##sev, cite, summary},
#include "mops/core/problems.def"
#undef P
};

const struct mops_rule_info *mops_rule_info(int rule)
{
    if (rule < 0 || rule >= MOPS_R_COUNT)
        return NULL;
    if (rule >= MOPS_P_COUNT)
        return &protocol_rules[rule - MOPS_P_COUNT];
    return &packet_rules[rule];
}

int mops_rule_parse(const char *id)
{
    for (int i = 0; i < MOPS_R_COUNT; i++)
        if (strcasecmp(mops_rule_info(i)->id, id) == 0)
            return i;
    return -1;
}

void mops_validate_opts_default(struct mops_validate_opts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < MOPS_R_COUNT; i++)
        o->enabled[i] = true;
    o->max_per_flow = 10;
}
