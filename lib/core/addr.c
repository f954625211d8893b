/* IPFF address text forms, validity and classes (ADDR §2, profile §2). */
#include "mops/core/addr.h"

#include <stdio.h>
#include <string.h>

mops_addr_t mops_addr_make(unsigned f1, unsigned f2, unsigned f3, unsigned f4, unsigned f5)
{
    return ((mops_addr_t)(f1 & 0x3ff) << 40) | ((mops_addr_t)(f2 & 0x3ff) << 30) | ((mops_addr_t)(f3 & 0x3ff) << 20) |
           ((mops_addr_t)(f4 & 0x3ff) << 10) | (mops_addr_t)(f5 & 0x3ff);
}

int mops_addr_invalid_field(mops_addr_t a)
{
    for (int i = 0; i < 5; i++)
        if (mops_addr_field(a, i) > MOPS_ADDR_FIELD_MAX)
            return i;
    return -1;
}

/* Written by hand, not snprintf: every printed packet formats two
 * addresses (tests/bench). */
char *mops_addr_format(mops_addr_t a, char buf[MOPS_ADDR_STRLEN])
{
    char *p = buf;
    for (int i = 0; i < 5; i++) {
        unsigned f = mops_addr_field(a, i); /* 10 bits: at most 1023 */
        if (i)
            *p++ = '.';
        if (f >= 1000)
            *p++ = (char)('0' + f / 1000);
        if (f >= 100)
            *p++ = (char)('0' + f / 100 % 10);
        if (f >= 10)
            *p++ = (char)('0' + f / 10 % 10);
        *p++ = (char)('0' + f % 10);
    }
    *p = 0;
    return buf;
}

char *mops_prefix_format(const struct mops_prefix *p, char buf[MOPS_PREFIX_STRLEN])
{
    char a[MOPS_ADDR_STRLEN];
    snprintf(buf, MOPS_PREFIX_STRLEN, "%s/%u", mops_addr_format(p->addr, a), p->len);
    return buf;
}

/* Parses the address part of s up to end (exclusive). */
static int parse_span(const char *s, const char *end, unsigned flags, mops_addr_t *out, const char **why)
{
    size_t n = (size_t)(end - s);
    /* ADDR §2.2: ".." shortening exists only for the unspecified and loopback addresses. */
    if (n >= 2 && s[0] == '.' && s[1] == '.') {
        if (n == 3 && (s[2] == '0' || s[2] == '1')) {
            *out = (mops_addr_t)(s[2] - '0');
            return 0;
        }
        *why = "the '..' shorthand exists only for ..0 and ..1";
        return -1;
    }
    unsigned f[5];
    int nf = 0;
    const char *p = s;
    while (nf < 5) {
        unsigned v = 0;
        int digits = 0;
        while (p < end && *p >= '0' && *p <= '9') {
            v = v * 10 + (unsigned)(*p - '0');
            if (++digits > 4) {
                *why = "address field has too many digits";
                return -1;
            }
            p++;
        }
        if (digits == 0) {
            *why = p < end ? "address field is not a decimal number" : "address has fewer than five fields";
            return -1;
        }
        if (v > 1023) {
            *why = "address field above 1023 does not fit in 10 bits";
            return -1;
        }
        if (v > MOPS_ADDR_FIELD_MAX && !(flags & MOPS_ADDR_ALLOW_INVALID)) {
            *why = "address field above 999 is invalid (ADDR §2)";
            return -1;
        }
        f[nf++] = v;
        if (nf < 5) {
            if (p >= end || *p != '.') {
                *why = p >= end ? "address has fewer than five fields" : "expected '.' between address fields";
                return -1;
            }
            p++;
        }
    }
    if (p != end) {
        *why = *p == '.' ? "address has more than five fields" : "unexpected characters after the address";
        return -1;
    }
    *out = mops_addr_make(f[0], f[1], f[2], f[3], f[4]);
    return 0;
}

int mops_addr_parse(const char *s, unsigned flags, mops_addr_t *out, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    if (!s || !*s) {
        *why = "empty address";
        return -1;
    }
    return parse_span(s, s + strlen(s), flags, out, why);
}

mops_addr_t mops_prefix_mask(unsigned len)
{
    if (len == 0)
        return 0;
    if (len >= MOPS_ADDR_BITS)
        return MOPS_ADDR_MASK;
    return MOPS_ADDR_MASK & ~((UINT64_C(1) << (MOPS_ADDR_BITS - len)) - 1);
}

int mops_prefix_parse(const char *s, unsigned flags, struct mops_prefix *out, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    if (!s || !*s) {
        *why = "empty prefix";
        return -1;
    }
    const char *slash = strchr(s, '/');
    const char *end = slash ? slash : s + strlen(s);
    mops_addr_t a;
    if (parse_span(s, end, flags, &a, why) < 0)
        return -1;
    unsigned len = MOPS_ADDR_DEFAULT_PREFIX;
    if (slash) {
        const char *p = slash + 1;
        if (!*p) {
            *why = "missing prefix length after '/'";
            return -1;
        }
        len = 0;
        for (; *p; p++) {
            if (*p < '0' || *p > '9' || len > MOPS_ADDR_BITS) {
                *why = "prefix length must be a number from 0 to 50";
                return -1;
            }
            len = len * 10 + (unsigned)(*p - '0');
        }
        if (len > MOPS_ADDR_BITS) {
            *why = "prefix length must be a number from 0 to 50";
            return -1;
        }
    }
    out->len = len;
    out->addr = a & mops_prefix_mask(len);
    return 0;
}

bool mops_prefix_match(const struct mops_prefix *p, mops_addr_t a)
{
    return ((a & MOPS_ADDR_MASK) & mops_prefix_mask(p->len)) == p->addr;
}

/* Ranges of profile §2; the more specific ones first. */
static const struct {
    unsigned f[5];
    unsigned len;
    enum mops_addr_class cls;
} ranges[] = {
    {{99, 9, 0, 0, 0}, 40, MOPS_ADDR_MULTICAST_LINK_LOCAL},
    {{99, 9, 0, 1, 0}, 40, MOPS_ADDR_MULTICAST_PRIVATE},
    {{99, 9, 0, 0, 0}, 20, MOPS_ADDR_MULTICAST},
    {{10, 0, 0, 0, 0}, 10, MOPS_ADDR_PRIVATE},
    {{172, 16, 0, 0, 0}, 16, MOPS_ADDR_PRIVATE},
    {{192, 168, 0, 0, 0}, 20, MOPS_ADDR_PRIVATE},
    {{0, 169, 254, 0, 0}, 30, MOPS_ADDR_AUTO_IP},
};

enum mops_addr_class mops_addr_classify(mops_addr_t a)
{
    a &= MOPS_ADDR_MASK;
    if (a == 0)
        return MOPS_ADDR_UNSPECIFIED;
    if (a == 1)
        return MOPS_ADDR_LOOPBACK;
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        struct mops_prefix p = {
            mops_addr_make(ranges[i].f[0], ranges[i].f[1], ranges[i].f[2], ranges[i].f[3], ranges[i].f[4]),
            ranges[i].len};
        if (mops_prefix_match(&p, a))
            return ranges[i].cls;
    }
    return MOPS_ADDR_GLOBAL;
}

const char *mops_addr_class_name(enum mops_addr_class c)
{
    switch (c) {
        case MOPS_ADDR_UNSPECIFIED: return "unspecified";
        case MOPS_ADDR_LOOPBACK: return "loopback";
        case MOPS_ADDR_MULTICAST_LINK_LOCAL: return "multicast-link-local";
        case MOPS_ADDR_MULTICAST_PRIVATE: return "multicast-private";
        case MOPS_ADDR_MULTICAST: return "multicast";
        case MOPS_ADDR_PRIVATE: return "private";
        case MOPS_ADDR_AUTO_IP: return "auto-ip";
        case MOPS_ADDR_GLOBAL: return "global";
    }
    return "?";
}
