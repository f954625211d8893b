/* One migration's sequence diagram, from its story (lib/validate/story.c):
 * a lifeline per node the capture shows on the migration's path, inside
 * out (the mobile node, each NAT by the source it gave the Migrate, the
 * destination NAT or load balancer if the Migrate's destination changed,
 * the server), and an arrow per step: the Migrate hop by hop (MOPS §4.1),
 * resends, NAT acks with their levels (MOPS §4.3, Appendix B), the reply
 * and its restoration back to the mobile node. A node's lane is found by
 * address, so the drawing is the same whether the capture has one link or
 * one interface per link (copies of a packet on two links of one hop, past
 * a router, are two arrows on that hop). A finding on a step's frame marks
 * its arrow in the severity's colour and glyph, expected and actual under
 * it. */
#include <stdlib.h>
#include <string.h>

#include "mops/validate/validate.h"

#include "internal.h"

#define MAX_LANES 24
#define MAX_STEPS 32
#define LANE_W 220
#define LEFT 78   /* the time column */
#define TOP 70    /* the lifelines' heads */
#define ROW 34    /* a step */
#define LINE 15   /* a line of a finding's note */
#define BREAK 20  /* a pause in the story */
#define MIN_W 960 /* wide enough for a finding's note on two lanes */

struct lane {
    char addr[24];
    const char *role;
    char inside[24]; /* a NAT's inside address: its NAT acks' source */
};

struct step {
    const json_t *j;
    const char *kind;
    long long frame;
    double ms;
    int from, to;
};

/* "a.b.c.d.e:port" -> "a.b.c.d.e" */
static void addr_of(char *out, size_t n, const char *tuple)
{
    snprintf(out, n, "%s", tuple ? tuple : "");
    char *c = strchr(out, ':');
    if (c)
        *c = 0;
}

static int lane_of(const struct lane *l, int n, const char *addr)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(l[i].addr, addr))
            return i;
    return -1;
}

static int add_lane(struct lane *l, int *n, const char *addr, const char *role)
{
    int i = lane_of(l, *n, addr);
    if (i >= 0 || *n == MAX_LANES)
        return i;
    snprintf(l[*n].addr, sizeof l[*n].addr, "%s", addr);
    l[*n].role = role;
    l[*n].inside[0] = 0;
    return (*n)++;
}

static bool is(const struct step *s, const char *kind) { return !strcmp(s->kind, kind); }

const json_t *r_story_step(const json_t *migration, const char *kind, bool last)
{
    const json_t *found = NULL, *s;
    size_t i;
    json_array_foreach (json_object_get(migration, "story"), i, s) {
        struct step x = {.kind = r_str(s, "kind", "")};
        if (is(&x, kind)) {
            found = s;
            if (!last)
                break;
        }
    }
    return found;
}

/* The lanes and each step's arrow. The hops are the Migrate's sources in
 * the order the story shows them; the server is its first destination, a
 * later destination a server behind a destination NAT. */
static int layout(const json_t *story, struct lane *l, int *n_lanes, struct step *st)
{
    int n = 0, hops = 0;
    size_t i;
    const json_t *s;
    char a[24];
    const char *server = NULL, *backend = NULL;
    json_array_foreach (story, i, s) {
        if (n == MAX_STEPS)
            break;
        st[n] = (struct step){s, r_str(s, "kind", "?"), r_int(s, "frame", 0), r_num(s, "ms", 0), -1, -1};
        if (is(&st[n], "migrate") || is(&st[n], "resend")) {
            addr_of(a, sizeof a, r_str(s, "migrated", ""));
            if (add_lane(l, &hops, a, hops ? "NAT" : "mobile node") < 0)
                return 0;
            const char *dst = r_str(s, "dst", "");
            if (!server)
                server = dst;
            else if (strcmp(dst, server))
                backend = dst;
        }
        n++;
    }
    if (!hops || !server)
        return 0;
    *n_lanes = hops;
    int sv = add_lane(l, n_lanes, server, backend ? "destination NAT" : "server");
    int be = backend ? add_lane(l, n_lanes, backend, "server") : -1;
    for (int k = 0; k < n; k++) {
        struct step *x = &st[k];
        const char *src = r_str(x->j, "src", ""), *dst = r_str(x->j, "dst", "");
        if (is(x, "migrate") || is(x, "resend")) {
            addr_of(a, sizeof a, r_str(x->j, "migrated", ""));
            int h = lane_of(l, hops, a);
            /* Past the last NAT: to the server, or through the destination
             * NAT to the server behind it. */
            x->from = h;
            x->to = h + 1 < hops ? h + 1 : sv;
            if (be >= 0 && !strcmp(dst, l[be].addr)) {
                x->from = sv;
                x->to = be;
            }
        } else if (is(x, "reply")) {
            addr_of(a, sizeof a, r_str(x->j, "migrated", ""));
            int h = lane_of(l, hops, a);
            x->to = h >= 0 ? h : lane_of(l, hops, dst);
            x->from = x->to >= 0 && x->to + 1 < hops ? x->to + 1 : sv;
            if (be >= 0 && !strcmp(src, l[be].addr)) { /* not yet through the destination NAT */
                x->from = be;
                x->to = sv;
            }
        } else { /* a NAT ack: from the NAT just outside its receiver */
            x->to = lane_of(l, hops, dst);
            x->from = x->to >= 0 && x->to + 1 < hops ? x->to + 1 : -1;
            if (x->from >= 0 && !l[x->from].inside[0])
                snprintf(l[x->from].inside, sizeof l[x->from].inside, "%s", src);
        }
    }
    return n;
}

static double x_of(int lane) { return LEFT + LANE_W / 2.0 + lane * LANE_W; }

static void label(const struct step *x, char *buf, size_t n)
{
    const json_t *j = x->j;
    if (is(x, "nat_ack"))
        snprintf(buf, n, "NAT ack level %lld: %s \u2192 %s", r_int(j, "level", 0), r_str(j, "orig", "?"),
                 r_str(j, "trans", "?"));
    else if (is(x, "reply"))
        snprintf(buf, n, "%s %s", r_int(j, "code", 0) == 2 ? "Migration Success" : "Migration Failed",
                 r_str(j, "migrated", "?"));
    else
        snprintf(buf, n, "%s %s", is(x, "resend") ? "Migrate (resent)" : "Migrate", r_str(j, "migrated", "?"));
}

/* Text that fits w pixels at about 6.3 a character, the rest in the tooltip. */
static void fitted(FILE *f, const char *s, double w)
{
    size_t max = (size_t)(w / 6.3);
    if (strlen(s) <= max) {
        r_esc(f, s);
        return;
    }
    char buf[512];
    snprintf(buf, sizeof buf, "%.*s\u2026", (int)(max > 1 ? max - 1 : 1), s);
    r_esc(f, buf);
}

/* Lines of at most width pixels, broken at spaces; their count. */
static int wrap(FILE *f, const char *s, double x, double y, double width)
{
    size_t max = (size_t)(width / 6.4), len = strlen(s);
    int lines = 0;
    while (len) {
        size_t take = len;
        if (take > max) {
            take = max;
            while (take > max / 2 && s[take] != ' ')
                take--;
            if (s[take] != ' ')
                take = max;
        }
        if (f) {
            char buf[512];
            snprintf(buf, sizeof buf, "%.*s", (int)(take < sizeof buf - 1 ? take : sizeof buf - 1), s);
            r_printf(f, "<text x=\"%.0f\" y=\"%.0f\">%s</text>", x, y + lines * LINE, buf);
        }
        lines++;
        s += take;
        len -= take;
        while (*s == ' ') {
            s++;
            len--;
        }
    }
    return lines;
}

/* A finding's note under its arrow: rule, node and why, expected, actual;
 * its height. f NULL: only measured. */
static double note(FILE *f, const json_t *v, double y, double w)
{
    const char *s = r_str(v, "severity", "note"), *rule = r_str(v, "rule", "?");
    int rid = mops_rule_parse(rule);
    const struct mops_rule_info *ri = rid >= 0 ? mops_rule_info(rid) : NULL;
    char l1[400], l2[400], l3[400];
    snprintf(l1, sizeof l1, "%s %s %s at %s %s: %s (%s)", r_glyph(s), s, rule, r_str(v, "role", "node"),
             r_str(v, "node", "?"), ri ? ri->summary : r_str(v, "message", ""), ri ? ri->spec : "");
    snprintf(l2, sizeof l2, "expected: %s", r_str(v, "expected", r_str(v, "message", "")));
    snprintf(l3, sizeof l3, "actual: %s", r_str(v, "actual", "see the finding"));
    double width = w - LEFT - 16;
    if (f) {
        r_printf(f, "<g class=\"note sev-%s\" data-rule=\"%s\" data-frame=\"%lld\"><title>%s</title>", s, rule,
                 r_int(v, "frame", 0), r_str(v, "message", ""));
        /* over the lifelines, readable */
        fprintf(f, "<rect x=\"%d\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" rx=\"3\"/>", LEFT - 6, y + 4, width + 8,
                note(NULL, v, y, w) - 6);
    }
    int n = wrap(f, l1, LEFT, y + 16, width);
    n += wrap(f, l2, LEFT + 12, y + 16 + n * LINE, width - 12);
    n += wrap(f, l3, LEFT + 12, y + 16 + n * LINE, width - 12);
    if (f)
        fputs("</g>\n", f);
    return n * LINE + 10;
}

void r_sequence(FILE *f, const json_t *migration, const json_t *findings, int index)
{
    struct lane l[MAX_LANES];
    struct step st[MAX_STEPS];
    int n_lanes = 0;
    int n = layout(json_object_get(migration, "story"), l, &n_lanes, st);
    if (!n) {
        fputs("<p class=\"nodiagram\">No diagram: the capture shows none of this migration's packets beyond its "
              "record.</p>\n",
              f);
        return;
    }
    double w = LEFT + n_lanes * LANE_W + 10;
    if (w < MIN_W)
        w = MIN_W;
    /* Height: a row per step, a note per finding on it, a break per pause. */
    double h = TOP + 16;
    for (int k = 0; k < n; k++) {
        h += ROW;
        if (k && st[k].ms - st[k - 1].ms >= 100)
            h += BREAK;
        size_t i;
        const json_t *v;
        json_array_foreach (findings, i, v)
            if (r_int(v, "frame", 0) == st[k].frame)
                h += note(NULL, v, 0, w);
    }
    r_printf(f,
             "<svg class=\"seq\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 "
             "%.0f %.0f\" role=\"img\" aria-label=\"Sequence diagram of migration %d\">\n",
             w, h, w, h, index);
    r_printf(f,
             "<defs><marker id=\"ah%d\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"10\" "
             "markerHeight=\"10\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 "
             "L0,10 z\" "
             "fill=\"context-stroke\"/></marker></defs>\n",
             index);
    /* Lifelines. */
    for (int i = 0; i < n_lanes; i++) {
        double x = x_of(i);
        r_printf(f, "<g class=\"lifeline\" data-node=\"%s\" data-role=\"%s\">", l[i].addr, l[i].role);
        r_printf(f, "<rect x=\"%.0f\" y=\"6\" width=\"%d\" height=\"54\" rx=\"5\"/>", x - LANE_W / 2.0 + 8,
                 LANE_W - 16);
        r_printf(f, "<text x=\"%.0f\" y=\"22\" class=\"role\">%s</text>", x, l[i].role);
        if (l[i].inside[0])
            r_printf(f,
                     "<text x=\"%.0f\" y=\"38\" class=\"addr\">outside %s</text><text x=\"%.0f\" y=\"53\" "
                     "class=\"addr\">inside %s</text>",
                     x, l[i].addr, x, l[i].inside);
        else
            r_printf(f, "<text x=\"%.0f\" y=\"42\" class=\"addr\">%s</text>", x, l[i].addr);
        r_printf(f, "<line x1=\"%.0f\" y1=\"60\" x2=\"%.0f\" y2=\"%.0f\"/></g>\n", x, x, h - 4);
    }
    double y = TOP;
    for (int k = 0; k < n; k++) {
        struct step *x = &st[k];
        if (k && x->ms - st[k - 1].ms >= 100) {
            r_printf(f, "<text class=\"pause\" x=\"6\" y=\"%.0f\">\u22EF %.1f ms later</text>\n", y + 14,
                     x->ms - st[k - 1].ms);
            y += BREAK;
        }
        y += ROW;
        /* The worst finding on this frame colours the arrow. */
        const char *sev = NULL;
        size_t i;
        const json_t *v;
        json_array_foreach (findings, i, v) {
            if (r_int(v, "frame", 0) != x->frame)
                continue;
            const char *s = r_str(v, "severity", "note");
            if (!sev || !strcmp(s, "error") || (!strcmp(s, "warning") && strcmp(sev, "error")))
                sev = s;
        }
        char text[200];
        label(x, text, sizeof text);
        r_printf(f, "<g class=\"arrow %s%s%s\" data-frame=\"%lld\" data-kind=\"%s\">", x->kind,
                 sev ? " fault sev-" : "", sev ? sev : "", x->frame, x->kind);
        r_printf(f, "<title>frame %lld, +%.1f ms, interface %lld: %s (%s \u2192 %s)</title>", x->frame, x->ms,
                 r_int(x->j, "interface", 0), text, r_str(x->j, "src", "?"), r_str(x->j, "dst", "?"));
        r_printf(f, "<text class=\"time\" x=\"6\" y=\"%.0f\">+%.1f ms</text>", y - 4, x->ms);
        if (x->from >= 0 && x->to >= 0 && x->from != x->to) {
            double x1 = x_of(x->from), x2 = x_of(x->to);
            r_printf(f, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" marker-end=\"url(#ah%d)\"/>", x1, y,
                     x2 + (x2 > x1 ? -3 : 3), y, index);
            double lx = (x1 < x2 ? x1 : x2) + 6;
            r_printf(f, "<text class=\"label\" x=\"%.0f\" y=\"%.0f\">", lx, y - 5);
            if (sev)
                r_printf(f, "<tspan class=\"glyph\">%s</tspan> ", r_glyph(sev));
            fprintf(f, "<tspan class=\"frame\">#%lld</tspan> ", x->frame);
            fitted(f, text, (x2 > x1 ? x2 - x1 : x1 - x2) + LANE_W - 60);
            fputs("</text>", f);
        } else {
            /* A step the lanes cannot place: written, not drawn. */
            r_printf(f,
                     "<text class=\"label\" x=\"%d\" y=\"%.0f\"><tspan class=\"frame\">#%lld</tspan> %s (%s "
                     "\u2192 %s)</text>",
                     LEFT, y - 5, x->frame, text, r_str(x->j, "src", "?"), r_str(x->j, "dst", "?"));
        }
        fputs("</g>\n", f);
        json_array_foreach (findings, i, v)
            if (r_int(v, "frame", 0) == x->frame)
                y += note(f, v, y, w);
    }
    fputs("</svg>\n", f);
}
