/* A mobile node's NAT chain drawn as the draft's Appendix B tables give
 * it: its own address and port, then what each level of NAT translated it
 * to, as the NAT acks taught it (MOPS §4.3), inside out. */
#include <string.h>

#include "internal.h"

#define BOX_W 180
#define GAP 46

static bool tuple_is(const json_t *chain, const char *tuple)
{
    char own[40];
    snprintf(own, sizeof own, "%s:%lld", r_str(chain, "mobile", ""), r_int(chain, "port", 0));
    return !strcmp(own, tuple);
}

const json_t *r_chain_of(const json_t *chains, const char *tuple)
{
    size_t i;
    const json_t *c;
    json_array_foreach (chains, i, c)
        if (tuple_is(c, tuple))
            return c;
    return NULL;
}

const json_t *r_chain_to(const json_t *chains, const char *tuple)
{
    size_t i;
    const json_t *c;
    json_array_foreach (chains, i, c) {
        const json_t *levels = json_object_get(c, "levels");
        size_t n = json_array_size(levels);
        if (n ? !strcmp(r_str(json_array_get(levels, n - 1), "trans", ""), tuple) : tuple_is(c, tuple))
            return c;
    }
    return NULL;
}

void r_chain(FILE *f, const json_t *chain, const char *title)
{
    const json_t *levels = json_object_get(chain, "levels");
    size_t n = json_array_size(levels);
    double w = 8 + (n + 1) * (BOX_W + GAP);
    char own[40];
    snprintf(own, sizeof own, "%s:%lld", r_str(chain, "mobile", "?"), r_int(chain, "port", 0));
    r_printf(f,
             "<figure class=\"chain\" data-mobile=\"%s\"><figcaption>%s <span class=\"hint\">(each box: the "
             "address and port the session has past that NAT, as its NAT ack said)</span></figcaption>\n",
             own, title);
    r_printf(f,
             "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"78\" viewBox=\"0 0 %.0f 78\" "
             "role=\"img\" aria-label=\"NAT chain of %s\">\n",
             w, w, own);
    for (size_t k = 0; k <= n; k++) {
        double x = 4 + k * (BOX_W + GAP);
        const json_t *lv = k ? json_array_get(levels, k - 1) : NULL;
        char head[48];
        if (lv)
            snprintf(head, sizeof head, "NAT level %lld (frame %lld)", r_int(lv, "level", 0), r_int(lv, "frame", 0));
        else
            snprintf(head, sizeof head, "mobile node");
        r_printf(f, "<g class=\"box%s\"><rect x=\"%.0f\" y=\"10\" width=\"%d\" height=\"52\" rx=\"5\"/>",
                 lv ? " nat" : " mobile", x, BOX_W);
        r_printf(f, "<text x=\"%.0f\" y=\"30\" class=\"role\">%s</text>", x + BOX_W / 2.0, head);
        r_printf(f, "<text x=\"%.0f\" y=\"50\" class=\"addr\">%s</text></g>\n", x + BOX_W / 2.0,
                 lv ? r_str(lv, "trans", "?") : own);
        if (k < n)
            r_printf(f,
                     "<line class=\"link\" x1=\"%.0f\" y1=\"36\" x2=\"%.0f\" y2=\"36\"/><path class=\"head\" "
                     "d=\"M%.0f,31 L%.0f,36 L%.0f,41 z\"/>\n",
                     x + BOX_W, x + BOX_W + GAP - 4, x + BOX_W + GAP - 10, x + BOX_W + GAP - 2, x + BOX_W + GAP - 10);
    }
    fputs("</svg></figure>\n", f);
}
