/* libFuzzer: the IPFF address and prefix parsers. What parses must format
 * and parse back to itself. */
#include <stdlib.h>
#include <string.h>

#include "mops/core/addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = 0;
    for (unsigned flags = 0; flags <= MOPS_ADDR_ALLOW_INVALID; flags++) {
        mops_addr_t a, b;
        const char *why;
        if (mops_addr_parse(s, flags, &a, &why) == 0) {
            char buf[MOPS_ADDR_STRLEN];
            if (mops_addr_parse(mops_addr_format(a, buf), MOPS_ADDR_ALLOW_INVALID, &b, &why) != 0 || a != b)
                abort();
            (void)mops_addr_classify(a);
        } else if (!why) {
            abort();
        }
        struct mops_prefix p, q;
        if (mops_prefix_parse(s, flags, &p, &why) == 0) {
            char buf[MOPS_PREFIX_STRLEN];
            if (mops_prefix_parse(mops_prefix_format(&p, buf), MOPS_ADDR_ALLOW_INVALID, &q, &why) != 0 ||
                q.addr != p.addr || q.len != p.len)
                abort();
            (void)mops_prefix_match(&p, p.addr);
        }
    }
    free(s);
    return 0;
}
