/* Defaults of profile §1, §4, §5, §6, §9 and their validation. */
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
    .type_dad_request = MOPS_DEFAULT_TYPE_DAD_REQUEST,
    .type_dad_reply = MOPS_DEFAULT_TYPE_DAD_REPLY,
    .type_lara_advert = MOPS_DEFAULT_TYPE_LARA_ADVERT,
};

/* Three 16-bit type numbers "a,b,c" into v; form is the message for text
 * that is not of that form. */
static int parse_three(const char *text, const char *form, unsigned long v[3], const char **why)
{
    const char *p = text;
    for (int i = 0; i < 3; i++) {
        char *end;
        if (*p < '0' || *p > '9')
            goto bad;
        v[i] = strtoul(p, &end, 10);
        if (v[i] > 0xffff) {
            *why = "an ICMPv5 type is a 16-bit number";
            return -1;
        }
        p = end;
        if (i < 2) {
            if (*p != ',')
                goto bad;
            p++;
        }
    }
    if (!*p)
        return 0;
bad:
    *why = form;
    return -1;
}

static int apply(struct mops_settings *s, const struct mops_settings *t, const char **why)
{
    const char *bad = mops_settings_check(t);
    if (bad) {
        *why = bad;
        return -1;
    }
    *s = *t;
    return 0;
}

int mops_settings_parse_types(struct mops_settings *s, const char *text, const char **why)
{
    unsigned long v[3];
    if (parse_three(text, "expected three ICMPv5 type numbers, e.g. 100,101,102", v, why) < 0)
        return -1;
    struct mops_settings t = *s;
    t.type_migrate = (uint16_t)v[0];
    t.type_anycast_ack = (uint16_t)v[1];
    t.type_nat_ack = (uint16_t)v[2];
    return apply(s, &t, why);
}

int mops_settings_parse_lara_types(struct mops_settings *s, const char *text, const char **why)
{
    unsigned long v[3];
    if (parse_three(text, "expected three ICMPv5 type numbers, e.g. 16,17,18", v, why) < 0)
        return -1;
    struct mops_settings t = *s;
    t.type_dad_request = (uint16_t)v[0];
    t.type_dad_reply = (uint16_t)v[1];
    t.type_lara_advert = (uint16_t)v[2];
    return apply(s, &t, why);
}

const char *mops_settings_check(const struct mops_settings *s)
{
    uint16_t t[6] = {s->type_migrate,     s->type_anycast_ack, s->type_nat_ack,
                     s->type_dad_request, s->type_dad_reply,   s->type_lara_advert};
    for (int i = 0; i < 6; i++) {
        if (mops_icmp_base_type_known(t[i]))
            return i < 3 ? "a MOPS ICMPv5 type may not reuse a base ICMPv5 type (1-5, 128-130)"
                         : "a LARA ICMPv5 type may not reuse a base ICMPv5 type (1-5, 128-130)";
        for (int j = i + 1; j < 6; j++)
            if (t[i] == t[j])
                return j < 3 ? "the three MOPS ICMPv5 types must differ"
                             : "the MOPS and LARA ICMPv5 types (six in all) must differ";
    }
    if (s->mobile_capable_kind <= 1)
        return "TCP option kinds 0 and 1 are End of List and No-Operation";
    if (s->recv_src_option <= 1)
        return "option types 0 and 1 are Pad1 and PadN";
    return NULL;
}
