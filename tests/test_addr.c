/* IPFF addresses: text forms, validity, classes, prefixes (ADDR §2, profile §2). */
#include "mops/core/addr.h"

#include "check.h"

#define A(f1, f2, f3, f4, f5) mops_addr_make(f1, f2, f3, f4, f5)

static void parses(const char *s, mops_addr_t want)
{
    mops_addr_t a = ~(mops_addr_t)0;
    const char *why = NULL;
    int rc = mops_addr_parse(s, 0, &a, &why);
    CHECK_EQ(rc, 0);
    if (rc)
        fprintf(stderr, "  parse(\"%s\"): %s\n", s, why);
    CHECK_EQ(a, want);
}

static void rejects(const char *s, unsigned flags, const char *want_why)
{
    mops_addr_t a;
    const char *why = NULL;
    CHECK_EQ(mops_addr_parse(s, flags, &a, &why), -1);
    CHECK_STR(why, want_why);
}

static void test_parse_format(void)
{
    char buf[MOPS_ADDR_STRLEN];
    parses("525.8.78.3.9", UINT64_C(577252276309001));
    parses("10.2.0.0.1", A(10, 2, 0, 0, 1));
    parses("999.999.999.999.999", A(999, 999, 999, 999, 999));
    parses("0.0.0.0.0", 0);
    parses("..0", 0);
    parses("..1", 1);
    parses("010.002.0.0.1", A(10, 2, 0, 0, 1)); /* decimal, never octal */
    CHECK_STR(mops_addr_format(0, buf), "0.0.0.0.0");
    CHECK_STR(mops_addr_format(1, buf), "0.0.0.0.1");
    CHECK_STR(mops_addr_format(A(775, 2, 23, 6, 6), buf), "775.2.23.6.6");
    CHECK_STR(mops_addr_format(A(1023, 1000, 0, 999, 1003), buf), "1023.1000.0.999.1003");
    CHECK_STR(mops_addr_format(MOPS_ADDR_MASK, buf), "1023.1023.1023.1023.1023");

    rejects("", 0, "empty address");
    rejects("1.2.3.4", 0, "address has fewer than five fields");
    rejects("1.2.3.4.5.6", 0, "address has more than five fields");
    rejects("1.2.3.4.1000", 0, "address field above 999 is invalid (ADDR §2)");
    rejects("1.2.3.4.1024", MOPS_ADDR_ALLOW_INVALID, "address field above 1023 does not fit in 10 bits");
    rejects("1.2.3.4.12345", 0, "address field has too many digits");
    rejects("1.2..3.4", 0, "address field is not a decimal number");
    rejects("1.2.3.4.5 ", 0, "unexpected characters after the address");
    rejects("1.2.x.4.5", 0, "address field is not a decimal number");
    rejects("..2", 0, "the '..' shorthand exists only for ..0 and ..1");
    rejects("..", 0, "the '..' shorthand exists only for ..0 and ..1");
    rejects("-1.2.3.4.5", 0, "address field is not a decimal number");

    mops_addr_t a;
    CHECK_EQ(mops_addr_parse("1003.0.0.0.1", MOPS_ADDR_ALLOW_INVALID, &a, NULL), 0);
    CHECK_EQ(a, A(1003, 0, 0, 0, 1));
}

static void test_validity(void)
{
    CHECK(mops_addr_valid(A(999, 999, 999, 999, 999)));
    CHECK_EQ(mops_addr_invalid_field(A(999, 999, 999, 999, 999)), -1);
    CHECK_EQ(mops_addr_invalid_field(A(1000, 0, 0, 0, 0)), 0);
    CHECK_EQ(mops_addr_invalid_field(A(1, 2, 3, 4, 1023)), 4);
    CHECK_EQ(mops_addr_invalid_field(A(1, 1003, 3, 1010, 5)), 1);
    CHECK(!mops_addr_valid(A(0, 0, 1000, 0, 0)));
    static const unsigned fields[5] = {1, 20, 300, 1000, 1023};
    for (unsigned i = 0; i < 5; i++)
        CHECK_EQ(mops_addr_field(A(1, 20, 300, 1000, 1023), (int)i), fields[i]);
}

static void classifies(const char *s, enum mops_addr_class want)
{
    mops_addr_t a;
    CHECK_EQ(mops_addr_parse(s, 0, &a, NULL), 0);
    CHECK_STR(mops_addr_class_name(mops_addr_classify(a)), mops_addr_class_name(want));
}

static void test_classes(void)
{
    classifies("..0", MOPS_ADDR_UNSPECIFIED);
    classifies("..1", MOPS_ADDR_LOOPBACK);
    classifies("0.0.0.0.2", MOPS_ADDR_GLOBAL);
    classifies("99.9.0.0.1", MOPS_ADDR_MULTICAST_LINK_LOCAL); /* DHCP clients */
    classifies("99.9.0.0.999", MOPS_ADDR_MULTICAST_LINK_LOCAL);
    classifies("99.9.0.1.1", MOPS_ADDR_MULTICAST_PRIVATE); /* DHCP servers */
    classifies("99.9.0.2.1", MOPS_ADDR_MULTICAST);
    classifies("99.9.500.0.0", MOPS_ADDR_MULTICAST);
    classifies("99.10.0.0.0", MOPS_ADDR_GLOBAL);
    classifies("10.0.0.0.0", MOPS_ADDR_PRIVATE);
    classifies("10.999.999.999.999", MOPS_ADDR_PRIVATE);
    classifies("11.0.0.0.0", MOPS_ADDR_GLOBAL);
    classifies("172.16.0.0.0", MOPS_ADDR_PRIVATE);
    classifies("172.31.999.999.999", MOPS_ADDR_PRIVATE);
    classifies("172.15.999.999.999", MOPS_ADDR_GLOBAL);
    classifies("172.32.0.0.0", MOPS_ADDR_GLOBAL);
    classifies("192.168.0.0.0", MOPS_ADDR_PRIVATE);
    classifies("192.168.999.999.999", MOPS_ADDR_PRIVATE);
    classifies("192.169.0.0.0", MOPS_ADDR_GLOBAL);
    classifies("0.169.254.0.0", MOPS_ADDR_AUTO_IP);
    classifies("0.169.254.999.999", MOPS_ADDR_AUTO_IP);
    classifies("0.169.255.0.0", MOPS_ADDR_GLOBAL);
    classifies("8.8.8.8.8", MOPS_ADDR_GLOBAL);
    classifies("525.8.78.3.9", MOPS_ADDR_GLOBAL);
}

static void test_prefixes(void)
{
    struct mops_prefix p;
    char buf[MOPS_PREFIX_STRLEN];
    const char *why;
    CHECK_EQ(mops_prefix_parse("10.2.0.0.1", 0, &p, NULL), 0); /* ADDR §2.3: /40 by default */
    CHECK_EQ(p.len, 40);
    CHECK_STR(mops_prefix_format(&p, buf), "10.2.0.0.0/40");
    CHECK(mops_prefix_match(&p, mops_addr_make(10, 2, 0, 0, 999)));
    CHECK(!mops_prefix_match(&p, mops_addr_make(10, 2, 0, 1, 0)));
    CHECK_EQ(mops_prefix_parse("525.8.78.3.9/50", 0, &p, NULL), 0);
    CHECK(mops_prefix_match(&p, mops_addr_make(525, 8, 78, 3, 9)));
    CHECK(!mops_prefix_match(&p, mops_addr_make(525, 8, 78, 3, 8)));
    CHECK_EQ(mops_prefix_parse("1.2.3.4.5/0", 0, &p, NULL), 0);
    CHECK_EQ(p.addr, 0);
    CHECK(mops_prefix_match(&p, MOPS_ADDR_MASK));
    CHECK_EQ(mops_prefix_parse("172.16.0.0.0/16", 0, &p, NULL), 0);
    CHECK(mops_prefix_match(&p, mops_addr_make(172, 31, 5, 5, 5)));
    CHECK(!mops_prefix_match(&p, mops_addr_make(172, 32, 5, 5, 5)));
    CHECK_EQ(mops_prefix_parse("..1/50", 0, &p, NULL), 0);
    CHECK_EQ(p.addr, 1);
    CHECK_EQ(mops_prefix_mask(0), 0);
    CHECK_EQ(mops_prefix_mask(10), UINT64_C(0x3FF) << 40);
    CHECK_EQ(mops_prefix_mask(50), MOPS_ADDR_MASK);
    CHECK_EQ(mops_prefix_parse("1.2.3.4.5/51", 0, &p, &why), -1);
    CHECK_STR(why, "prefix length must be a number from 0 to 50");
    CHECK_EQ(mops_prefix_parse("1.2.3.4.5/", 0, &p, &why), -1);
    CHECK_STR(why, "missing prefix length after '/'");
    CHECK_EQ(mops_prefix_parse("1.2.3.4.5/4x", 0, &p, &why), -1);
    CHECK_STR(why, "prefix length must be a number from 0 to 50");
    CHECK_EQ(mops_prefix_parse("1.2.3.4/40", 0, &p, &why), -1);
    CHECK_STR(why, "address has fewer than five fields");
}

int main(void)
{
    test_parse_format();
    test_validity();
    test_classes();
    test_prefixes();
    return check_report("test_addr");
}
