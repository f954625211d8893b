/* IPFF addresses: 50 bits as five 10-bit fields (ADDR §2, profile §2). */
#ifndef MOPS_ADDR_H
#define MOPS_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An address right-aligned in a 64-bit word; the 14 high bits are zero. */
typedef uint64_t mops_addr_t;

#define MOPS_ADDR_BITS 50
#define MOPS_ADDR_MASK ((UINT64_C(1) << MOPS_ADDR_BITS) - 1)
#define MOPS_ADDR_FIELD_MAX 999     /* ADDR §2: 1000..1023 are invalid */
#define MOPS_ADDR_DEFAULT_PREFIX 40 /* ADDR §2.3 */
/* "1023.1023.1023.1023.1023" plus NUL, rounded up. */
#define MOPS_ADDR_STRLEN 32
#define MOPS_PREFIX_STRLEN (MOPS_ADDR_STRLEN + 4)

enum mops_addr_class {
    MOPS_ADDR_UNSPECIFIED,
    MOPS_ADDR_LOOPBACK,
    MOPS_ADDR_MULTICAST_LINK_LOCAL, /* 99.9.0.0.x/40 */
    MOPS_ADDR_MULTICAST_PRIVATE,    /* 99.9.0.1.x/40 */
    MOPS_ADDR_MULTICAST,            /* the rest of 99.9.0.0.0/20 */
    MOPS_ADDR_PRIVATE,              /* 10/10, 172.16/16, 192.168/20 */
    MOPS_ADDR_AUTO_IP,              /* 0.169.254.0.0/30 */
    MOPS_ADDR_GLOBAL,
};

struct mops_prefix {
    mops_addr_t addr; /* host bits cleared */
    unsigned len;     /* 0..50 */
};

/* Field i (0 = most significant .. 4) of an address. */
static inline unsigned mops_addr_field(mops_addr_t a, int i) { return (unsigned)((a >> (10 * (4 - i))) & 0x3ff); }

mops_addr_t mops_addr_make(unsigned f1, unsigned f2, unsigned f3, unsigned f4, unsigned f5);

/* Index (0..4) of the first field above 999, or -1 when all are valid. */
int mops_addr_invalid_field(mops_addr_t a);
static inline bool mops_addr_valid(mops_addr_t a) { return mops_addr_invalid_field(a) < 0; }

/* Always the full dotted form, invalid fields printed as they are. Returns buf. */
char *mops_addr_format(mops_addr_t a, char buf[MOPS_ADDR_STRLEN]);
char *mops_prefix_format(const struct mops_prefix *p, char buf[MOPS_PREFIX_STRLEN]);

/* Parse flags. */
#define MOPS_ADDR_ALLOW_INVALID 1u /* accept 1000..1023 (to name bad traffic) */

/* Parse "f1.f2.f3.f4.f5", "..0" or "..1". Returns 0, or -1 with *why set to
 * a static message. */
int mops_addr_parse(const char *s, unsigned flags, mops_addr_t *out, const char **why);
/* Parse "addr" or "addr/n" (n = 0..50, default 40). */
int mops_prefix_parse(const char *s, unsigned flags, struct mops_prefix *out, const char **why);

mops_addr_t mops_prefix_mask(unsigned len);
bool mops_prefix_match(const struct mops_prefix *p, mops_addr_t a);

enum mops_addr_class mops_addr_classify(mops_addr_t a);
/* "unspecified", "loopback", "multicast-link-local", ... */
const char *mops_addr_class_name(enum mops_addr_class c);

#endif
