/* Defaults of profile §1, §4, §5, §6 and their validation. */
#include "mops/core/settings.h"

#include <stdlib.h>

#include "mops/core/proto.h"

const struct mops_settings mops_settings_default = {
    .ethertype = MOPS_DEFAULT_ETHERTYPE,
    .udp_port = MOPS_DEFAULT_UDP_PORT,
    .type_migrate = MOPS_DEFAULT_TYPE_MIGRATE,
    .type_anycast_ack = MOPS_DEFAULT_TYPE_ANYCAST_ACK,
    .type_nat_ack = MOPS_DEFAULT_TYPE_NAT_ACK,
    .mobile_capable_kind = MOPS_DEFAULT_MOBILE_CAPABLE_KIND,
    .recv_src_option = MOPS_DEFAULT_RECV_SRC_OPTION,
};

int mops_settings_parse_types(struct mops_settings *s, const char *text, const char **why)
{
    unsigned long v[3];
    const char *p = text;
    for (int i = 0; i < 3; i++) {
        char *end;
        if (*p < '0' || *p > '9') {
            *why = "expected three ICMPv5 type numbers, e.g. 100,101,102";
            return -1;
        }
        v[i] = strtoul(p, &end, 10);
        if (v[i] > 0xffff) {
            *why = "an ICMPv5 type is a 16-bit number";
            return -1;
        }
        p = end;
        if (i < 2) {
            if (*p != ',') {
                *why = "expected three ICMPv5 type numbers, e.g. 100,101,102";
                return -1;
            }
            p++;
        }
    }
    if (*p) {
        *why = "expected three ICMPv5 type numbers, e.g. 100,101,102";
        return -1;
    }
    struct mops_settings t = *s;
    t.type_migrate = (uint16_t)v[0];
    t.type_anycast_ack = (uint16_t)v[1];
    t.type_nat_ack = (uint16_t)v[2];
    const char *bad = mops_settings_check(&t);
    if (bad) {
        *why = bad;
        return -1;
    }
    *s = t;
    return 0;
}

const char *mops_settings_check(const struct mops_settings *s)
{
    uint16_t t[3] = {s->type_migrate, s->type_anycast_ack, s->type_nat_ack};
    for (int i = 0; i < 3; i++) {
        if (mops_icmp_base_type_known(t[i]))
            return "a MOPS ICMPv5 type may not reuse a base ICMPv5 type (1-5, 128-130)";
        for (int j = i + 1; j < 3; j++)
            if (t[i] == t[j])
                return "the three MOPS ICMPv5 types must differ";
    }
    if (s->mobile_capable_kind <= 1)
        return "TCP option kinds 0 and 1 are End of List and No-Operation";
    if (s->recv_src_option <= 1)
        return "option types 0 and 1 are Pad1 and PadN";
    return NULL;
}
