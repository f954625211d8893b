/* mopstop's rows as text (see view.h). */
#include "view.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "mops/core/proto.h"
#include "mops/core/timers.h"

const char *mt_pane_title(enum mt_pane p)
{
    static const char *const t[] = {"Migrations", "NAT chains", "Sessions", "Violations"};
    return p < MT_PANE_COUNT ? t[p] : "?";
}

/* The Migrations pane's columns. Where the terminal is narrower than all
 * of them, the least needed go first (drop 1, 2, ...), so that STATE and
 * LATENCY stay on screen, as htop keeps its important columns. */
static const struct {
    const char *name;
    int width, drop;
} mig_cols[] = {{"TIME", 13, 0}, {"MOBILE", 16, 0}, {"PREVIOUS", 21, 3}, {"MIGRATED", 21, 4}, {"SERVER", 16, 0},
                {"PORTS", 5, 1}, {"CODE", 7, 2},    {"STATE", 14, 0},    {"LATENCY", 9, 0}};
enum { MIG_COLS = sizeof mig_cols / sizeof mig_cols[0] };

/* The columns shown at this width (0: all), as a bit mask. */
static unsigned mig_mask(unsigned width)
{
    unsigned mask = (1u << MIG_COLS) - 1, total = 0;
    for (int i = 0; i < MIG_COLS; i++)
        total += (unsigned)mig_cols[i].width + 1;
    for (int d = 1; width && total > width; d++) {
        int found = 0;
        for (int i = 0; i < MIG_COLS; i++)
            if (mig_cols[i].drop == d) {
                mask &= ~(1u << i);
                total -= (unsigned)mig_cols[i].width + 1;
                found = 1;
            }
        if (!found)
            break;
    }
    return mask;
}

/* The cells laid out in the columns of mask, the last one unpadded. */
static void mig_layout(char *line, const char *const cells[MIG_COLS], unsigned mask)
{
    size_t at = 0;
    int last = -1;
    for (int i = 0; i < MIG_COLS; i++)
        if (mask & (1u << i))
            last = i;
    line[0] = 0;
    for (int i = 0; i < MIG_COLS && at < MT_LINE; i++) {
        if (!(mask & (1u << i)))
            continue;
        if (i == last)
            at += (size_t)snprintf(line + at, MT_LINE - at, "%s", cells[i]);
        else
            at += (size_t)snprintf(line + at, MT_LINE - at, "%-*s ", mig_cols[i].width, cells[i]);
    }
}

const char *mt_pane_heading(enum mt_pane p, unsigned width)
{
    static char mig[MT_LINE];
    switch (p) {
        case MT_PANE_MIGRATIONS: {
            const char *names[MIG_COLS];
            for (int i = 0; i < MIG_COLS; i++)
                names[i] = mig_cols[i].name;
            mig_layout(mig, names, mig_mask(width));
            return mig;
        }
        case MT_PANE_CHAINS: return "MOBILE                 LEVELS  CHAIN";
        case MT_PANE_SESSIONS: return "CLIENT (NOW)           SERVER                 MOVES  BYTES      SINCE MOVE  AGE";
        case MT_PANE_VIOLATIONS: return "FRAME    SEVERITY  RULE                    MESSAGE";
        default: return "";
    }
}

const char *mt_sort_name(enum mt_sort s)
{
    static const char *const n[] = {"time", "state", "latency"};
    return s < MT_SORT_COUNT ? n[s] : "?";
}

static char *tuple(char *buf, size_t n, mops_addr_t a, uint16_t port)
{
    char t[MOPS_ADDR_STRLEN];
    snprintf(buf, n, "%s:%u", mops_addr_format(a, t), port);
    return buf;
}

static char *rel_time(char *buf, size_t n, const struct mt_state *s, uint64_t ts)
{
    uint64_t d = ts >= s->first_ts_ns ? ts - s->first_ts_ns : 0;
    snprintf(buf, n, "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%03" PRIu64, d / MOPS_NS_PER_SEC / 3600,
             d / MOPS_NS_PER_SEC / 60 % 60, d / MOPS_NS_PER_SEC % 60, d % MOPS_NS_PER_SEC / 1000000);
    return buf;
}

void mt_view_header(const struct mt_state *s, char lines[3][MT_LINE], unsigned width)
{
    char el[32];
    double p2, i2, b2, p10, i10, b10, p40, i40, b40;
    mt_state_rate(s, 2, &p2, &i2, &b2);
    mt_state_rate(s, 10, &p10, &i10, &b10);
    mt_state_rate(s, 40, &p40, &i40, &b40);
    char head[48], tail[96];
    snprintf(head, sizeof head, "mopstop %s  ", MOPS_VERSION_STRING);
    snprintf(tail, sizeof tail, "  elapsed %s%s", rel_time(el, sizeof el, s, s->now_ns),
             s->ended ? "  [end of capture]" : "");
    /* The state stays visible at any width: a long source is cut from the
     * left ("...captures/x.pcapng"), as htop elides, keeping its file name. */
    const char *src = s->source, *dots = "";
    size_t fixed = strlen(head) + strlen(tail), len = strlen(src);
    if (width && fixed + len > width) {
        size_t room = width > fixed + 3 ? width - fixed - 3 : 0;
        src += len - room;
        dots = "...";
    }
    snprintf(lines[0], MT_LINE, "%s%s%s%s", head, dots, src, tail);
    snprintf(lines[1], MT_LINE,
             "packets %" PRIu64 " (IPFF %" PRIu64 "), %" PRIu64 " bytes, drops %" PRIu64
             "  |  2s %.1f/%.1f pps %.0f B/s  10s %.1f/%.1f pps %.0f B/s  40s %.1f/%.1f pps %.0f B/s",
             s->packets, s->ipff, s->bytes, s->drops, p2, i2, b2, p10, i10, b10, p40, i40, b40);
    snprintf(lines[2], MT_LINE, "migrations: %lu succeeded, %lu failed, %lu pending, %lu unanswered  |  violations %lu",
             s->outcome[MT_SUCCEEDED], s->outcome[MT_FAILED], s->outcome[MT_PENDING], s->outcome[MT_UNANSWERED],
             s->violations_total);
}

static bool match(const char *filter, const char *line) { return !filter || !*filter || strstr(line, filter); }

struct sortable {
    uint64_t ts;
    int state;
    uint64_t latency;
    unsigned idx;
};
static enum mt_sort sort_by;

static int cmp(const void *a, const void *b)
{
    const struct sortable *x = a, *y = b;
    if (sort_by == MT_SORT_STATE && x->state != y->state)
        return x->state - y->state;
    if (sort_by == MT_SORT_LATENCY && x->latency != y->latency)
        return x->latency < y->latency ? 1 : -1;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return (int)x->idx - (int)y->idx;
}

static void migration_line(const struct mt_state *s, const struct mt_migration *m, char *line, unsigned mask)
{
    char t[32], mob[MOPS_ADDR_STRLEN], p[48], g[48], sv[MOPS_ADDR_STRLEN], st[32], lat[32], ports[16];
    if (m->state == MT_PENDING)
        snprintf(st, sizeof st, "pending %.1fs", (double)(s->now_ns - m->ts_ns) / 1e9);
    else
        snprintf(st, sizeof st, "%s", mt_mig_state_name(m->state));
    if (m->retx)
        snprintf(st + strlen(st), sizeof st - strlen(st), " r%u", m->retx);
    if (m->state == MT_SUCCEEDED || m->state == MT_FAILED)
        snprintf(lat, sizeof lat, "%.1f ms", (double)m->latency_ns / 1e6);
    else
        snprintf(lat, sizeof lat, "-");
    snprintf(ports, sizeof ports, "%u", m->n_ports);
    const char *cells[MIG_COLS] = {rel_time(t, sizeof t, s, m->ts_ns),
                                   mops_addr_format(m->mobile, mob),
                                   tuple(p, sizeof p, m->prev, m->prev_sport),
                                   tuple(g, sizeof g, m->mig, m->mig_sport),
                                   mops_addr_format(m->server, sv),
                                   ports,
                                   m->code == MOPS_MIGRATE_CODE_ATOMIC ? "atomic" : "normal",
                                   st,
                                   lat};
    mig_layout(line, cells, mask);
}

/* The validator's NAT chains (the chains pane, its detail, the JSON). */
static struct mops_nat_chain chains[MT_MAX_ROWS];

static unsigned load_chains(const struct mt_state *s)
{
    return mops_validator_chains(s->validator, chains, MT_MAX_ROWS);
}

static const struct mops_nat_chain *find_chain(unsigned n, mops_addr_t mobile, uint16_t port)
{
    for (unsigned i = 0; i < n; i++)
        if (chains[i].mobile == mobile && chains[i].port == port)
            return &chains[i];
    return NULL;
}

static void chain_line(const struct mops_nat_chain *c, char *line)
{
    char a[48];
    int len = snprintf(line, MT_LINE, "%-22s %-7u %s", tuple(a, sizeof a, c->mobile, c->port), c->n,
                       tuple(a, sizeof a, c->mobile, c->port));
    for (unsigned i = 0; i < c->n && len > 0 && len < MT_LINE; i++)
        len += snprintf(line + len, MT_LINE - (size_t)len, " \xe2\x86\x92 %s",
                        tuple(a, sizeof a, c->levels[i].trans, c->levels[i].trans_port));
}

void mt_view_rows(const struct mt_state *s, enum mt_pane p, const char *filter, enum mt_sort sort, unsigned width,
                  struct mt_rows *out)
{
    static struct sortable items[MT_MAX_ROWS];
    unsigned n = 0;
    char line[MT_LINE];
    out->n = 0;
    sort_by = sort;
    switch (p) {
        case MT_PANE_MIGRATIONS:
            for (unsigned i = 0; i < MT_MIGRATIONS && n < MT_MAX_ROWS; i++)
                if (s->mig[i].used)
                    items[n++] = (struct sortable){s->mig[i].ts_ns, (int)s->mig[i].state, s->mig[i].latency_ns, i};
            break;
        case MT_PANE_CHAINS:
            for (unsigned i = 0, k = load_chains(s); i < k; i++)
                items[n++] = (struct sortable){chains[i].n ? chains[i].levels[0].ts_ns : 0, 0, 0, i};
            break;
        case MT_PANE_SESSIONS:
            for (unsigned i = 0; i < mops_sessions_slots(s->sessions) && n < MT_MAX_ROWS; i++) {
                const struct mops_session *x = mops_sessions_at(s->sessions, i);
                if (x)
                    items[n++] = (struct sortable){x->first_ts_ns, -(int)x->moves, x->bytes, i};
            }
            break;
        case MT_PANE_VIOLATIONS:
            for (unsigned i = 0; i < MT_VIOLATIONS && n < MT_MAX_ROWS; i++)
                if (s->vio[i].used)
                    items[n++] =
                        (struct sortable){s->vio[i].v.frame, -(int)mops_rule_info(s->vio[i].v.rule)->severity, 0, i};
            break;
        default: break;
    }
    qsort(items, n, sizeof items[0], cmp);
    for (unsigned k = 0; k < n; k++) {
        unsigned i = items[k].idx;
        char key[64];
        switch (p) {
            case MT_PANE_MIGRATIONS:
                /* The filter sees every column, the screen those that fit. */
                migration_line(s, &s->mig[i], line, mig_mask(0));
                if (!match(filter, line))
                    continue;
                if (mig_mask(width) != mig_mask(0))
                    migration_line(s, &s->mig[i], line, mig_mask(width));
                snprintf(key, sizeof key, "m%" PRIu64, s->mig[i].frame);
                break;
            case MT_PANE_CHAINS:
                chain_line(&chains[i], line);
                snprintf(key, sizeof key, "c%" PRIu64 ":%u", chains[i].mobile, chains[i].port);
                break;
            case MT_PANE_SESSIONS: {
                const struct mops_session *x = mops_sessions_at(s->sessions, i);
                char a[48], b[48];
                snprintf(line, MT_LINE, "%-22s %-22s %-6u %-10" PRIu64 " %-11" PRIu64 " %.1fs",
                         tuple(a, sizeof a, x->client, x->cport), tuple(b, sizeof b, x->server, x->sport), x->moves,
                         x->bytes, x->bytes - x->bytes_at_move, (double)(s->now_ns - x->first_ts_ns) / 1e9);
                snprintf(key, sizeof key, "s%" PRIu64, x->first_frame);
                break;
            }
            default: {
                const struct mops_violation *v = &s->vio[i].v;
                const struct mops_rule_info *r = mops_rule_info(v->rule);
                snprintf(line, MT_LINE, "%-8" PRIu64 " %-9s %-23s %s", v->frame, mops_severity_name(r->severity), r->id,
                         v->message);
                snprintf(key, sizeof key, "v%u", i);
                break;
            }
        }
        if (p != MT_PANE_MIGRATIONS && !match(filter, line))
            continue;
        memcpy(out->line[out->n], line, MT_LINE);
        snprintf(out->detail_key[out->n], sizeof out->detail_key[0], "%s", key);
        out->n++;
    }
}

/* The attach before a move (profile §9): DAD, the tentative second, the
 * first Migrate, with their times, as the validator's LARA model saw them. */
static unsigned lara_lines(const struct mt_state *s, const struct mt_migration *m, char out[][MT_LINE], unsigned max)
{
    struct mops_lara_view l;
    if (max < 3 || !mops_validator_lara(s->validator, m->mig, &l) || !l.dad_frame)
        return 0;
    char t[32], u[32];
    unsigned n = 0;
    double after = m->ts_ns >= l.dad_ts_ns ? (double)(m->ts_ns - l.dad_ts_ns) / 1e9 : -1;
    snprintf(out[n++], MT_LINE, "  attach: DAD request frame %" PRIu64 " at %s, tentative until %s", l.dad_frame,
             rel_time(t, sizeof t, s, l.dad_ts_ns), rel_time(u, sizeof u, s, l.usable_ns));
    if (l.duplicate)
        snprintf(out[n++], MT_LINE, "  duplicate: %02x:%02x:%02x:%02x:%02x:%02x holds the address (reply at %s)%s",
                 l.dup_mac[0], l.dup_mac[1], l.dup_mac[2], l.dup_mac[3], l.dup_mac[4], l.dup_mac[5],
                 rel_time(t, sizeof t, s, l.dup_ts_ns), l.cloned_mac ? ", a cloned MAC" : "");
    if (after >= 0 && n < max)
        snprintf(out[n++], MT_LINE, "  first Migrate %.3f s after the DAD request%s", after,
                 l.duplicate              ? ", from a duplicate (LARA-DUPLICATE-USE)"
                 : m->ts_ns < l.usable_ns ? ", while tentative (LARA-TENTATIVE)"
                                          : "");
    return n;
}

unsigned mt_view_detail(const struct mt_state *s, enum mt_pane p, const char *key, char out[][MT_LINE], unsigned max)
{
    unsigned n = 0;
    char a[48], b[48], t[32];
    if (p == MT_PANE_MIGRATIONS && key[0] == 'm') {
        uint64_t frame = strtoull(key + 1, NULL, 10);
        for (unsigned i = 0; i < MT_MIGRATIONS; i++) {
            const struct mt_migration *m = &s->mig[i];
            if (!m->used || m->frame != frame)
                continue;
            snprintf(out[n++], MT_LINE, "Migrate%s, frame %" PRIu64 " at %s, %s", m->code == 1 ? " (atomic)" : "",
                     m->frame, rel_time(t, sizeof t, s, m->ts_ns), m->proto == MOPS_PROTO_TCP ? "tcp" : "udpv5");
            snprintf(out[n++], MT_LINE, "  previous %s  migrated to %s  server %s", mops_addr_format(m->prev, a),
                     mops_addr_format(m->mig, b), mops_addr_format(m->server, t));
            snprintf(out[n++], MT_LINE, "  state %s, %u resends%s", mt_mig_state_name(m->state), m->retx,
                     m->reply_frame ? "" : ", no reply yet");
            n += lara_lines(s, m, out + n, max - n);
            if (m->reply_frame)
                snprintf(out[n++], MT_LINE, "  reply frame %" PRIu64 ", %.1f ms after the last sending", m->reply_frame,
                         (double)m->latency_ns / 1e6);
            snprintf(out[n++], MT_LINE, "  %u port%s:", m->n_ports, m->n_ports == 1 ? "" : "s");
            for (unsigned j = 0; j < m->n_kept && n < max; j++)
                snprintf(out[n++], MT_LINE, "    port %u: %u > %u, dport %u > %u, %s %" PRIu64, j + 1,
                         m->ports[j].prev_sport, m->ports[j].mig_sport, m->ports[j].prev_dport, m->ports[j].mig_dport,
                         m->proto == MOPS_PROTO_TCP ? "seq" : "unique id", m->ports[j].seq);
            break;
        }
    } else if (p == MT_PANE_CHAINS && key[0] == 'c') {
        char *end;
        mops_addr_t recv = strtoull(key + 1, &end, 10);
        uint16_t port = (uint16_t)strtoul(end + 1, NULL, 10);
        const struct mops_nat_chain *c = find_chain(load_chains(s), recv, port);
        unsigned k = c ? c->n : 0;
        snprintf(out[n++], MT_LINE, "NAT chain of %s, %u level%s", tuple(a, sizeof a, recv, port), k,
                 k == 1 ? "" : "s");
        for (unsigned i = 0; i < k && n < max; i++) {
            const struct mops_nat_level *l = &c->levels[i];
            snprintf(out[n++], MT_LINE, "  level %u: %s -> %s  (NAT ack frame %" PRIu64 " at %s)", l->level,
                     tuple(a, sizeof a, l->orig, l->orig_port), tuple(b, sizeof b, l->trans, l->trans_port), l->frame,
                     rel_time(t, sizeof t, s, l->ts_ns));
        }
    } else if (p == MT_PANE_VIOLATIONS && key[0] == 'v') {
        const struct mops_violation *v = &s->vio[atoi(key + 1) % MT_VIOLATIONS].v;
        const struct mops_rule_info *r = mops_rule_info(v->rule);
        snprintf(out[n++], MT_LINE, "%s (%s), frame %" PRIu64 ", %s", r->id, mops_severity_name(r->severity), v->frame,
                 r->spec);
        snprintf(out[n++], MT_LINE, "  %s", v->message);
        if (v->expected[0])
            snprintf(out[n++], MT_LINE, "  expected: %s", v->expected);
        if (v->actual[0])
            snprintf(out[n++], MT_LINE, "  actual:   %s", v->actual);
        if (v->flow[0])
            snprintf(out[n++], MT_LINE, "  flow:     %s", v->flow);
    }
    return n;
}

void mt_view_text(const struct mt_state *s, FILE *f)
{
    char h[3][MT_LINE];
    static struct mt_rows rows;
    mt_view_header(s, h, 0);
    fprintf(f, "%s\n%s\n%s\n", h[0], h[1], h[2]);
    for (int p = 0; p < MT_PANE_COUNT; p++) {
        mt_view_rows(s, (enum mt_pane)p, "", MT_SORT_TIME, 0, &rows);
        fprintf(f, "\n%s (%u)\n%s\n", mt_pane_title((enum mt_pane)p), rows.n, mt_pane_heading((enum mt_pane)p, 0));
        for (unsigned i = 0; i < rows.n; i++)
            fprintf(f, "%s\n", rows.line[i]);
    }
    fflush(f);
}

void mt_view_json(const struct mt_state *s, FILE *f)
{
    char buf[64], t[MOPS_ADDR_STRLEN];
    json_t *o = json_object(), *mig = json_array(), *jchains = json_array(), *ses = json_array(), *vio = json_array();
    json_object_set_new(o, "source", json_string(s->source));
    json_object_set_new(o, "packets", json_integer((json_int_t)s->packets));
    json_object_set_new(o, "ipff", json_integer((json_int_t)s->ipff));
    json_object_set_new(o, "bytes", json_integer((json_int_t)s->bytes));
    json_object_set_new(o, "drops", json_integer((json_int_t)s->drops));
    json_object_set_new(o, "ended", json_boolean(s->ended));
    static struct mt_rows rows;
    mt_view_rows(s, MT_PANE_MIGRATIONS, "", MT_SORT_TIME, 0, &rows);
    for (unsigned k = 0; k < rows.n; k++) {
        uint64_t frame = strtoull(rows.detail_key[k] + 1, NULL, 10);
        for (unsigned i = 0; i < MT_MIGRATIONS; i++) {
            const struct mt_migration *m = &s->mig[i];
            if (!m->used || m->frame != frame)
                continue;
            json_t *e = json_object();
            json_object_set_new(e, "frame", json_integer((json_int_t)m->frame));
            json_object_set_new(e, "mobile", json_string(mops_addr_format(m->mobile, t)));
            json_object_set_new(e, "previous", json_string(tuple(buf, sizeof buf, m->prev, m->prev_sport)));
            json_object_set_new(e, "migrated", json_string(tuple(buf, sizeof buf, m->mig, m->mig_sport)));
            json_object_set_new(e, "server", json_string(mops_addr_format(m->server, t)));
            json_object_set_new(e, "ports", json_integer(m->n_ports));
            json_object_set_new(e, "atomic", json_boolean(m->code == MOPS_MIGRATE_CODE_ATOMIC));
            json_object_set_new(e, "state", json_string(mt_mig_state_name(m->state)));
            json_object_set_new(e, "retransmissions", json_integer(m->retx));
            json_object_set_new(e, "latency_ms", m->reply_frame ? json_real((double)m->latency_ns / 1e6) : json_null());
            json_array_append_new(mig, e);
        }
    }
    for (unsigned i = 0, n = load_chains(s); i < n; i++) {
        const struct mops_nat_chain *c = &chains[i];
        json_t *e = json_object(), *hops = json_array();
        json_object_set_new(e, "mobile", json_string(tuple(buf, sizeof buf, c->mobile, c->port)));
        json_array_append_new(hops, json_string(buf));
        for (unsigned k = 0; k < c->n; k++)
            json_array_append_new(hops,
                                  json_string(tuple(buf, sizeof buf, c->levels[k].trans, c->levels[k].trans_port)));
        json_object_set_new(e, "chain", hops);
        json_array_append_new(jchains, e);
    }
    for (unsigned i = 0; i < mops_sessions_slots(s->sessions); i++) {
        const struct mops_session *x = mops_sessions_at(s->sessions, i);
        if (!x)
            continue;
        json_t *e = json_object();
        json_object_set_new(e, "client", json_string(tuple(buf, sizeof buf, x->client, x->cport)));
        json_object_set_new(e, "server", json_string(tuple(buf, sizeof buf, x->server, x->sport)));
        json_object_set_new(e, "moves", json_integer(x->moves));
        json_object_set_new(e, "bytes", json_integer((json_int_t)x->bytes));
        json_object_set_new(e, "bytes_since_move", json_integer((json_int_t)(x->bytes - x->bytes_at_move)));
        json_array_append_new(ses, e);
    }
    for (unsigned k = 0; k < MT_VIOLATIONS; k++) {
        const struct mt_violation *v = &s->vio[(s->vio_next + k) % MT_VIOLATIONS];
        if (v->used)
            json_array_append_new(vio, mops_violation_json(&v->v));
    }
    json_object_set_new(o, "migrations", mig);
    json_object_set_new(o, "nat_chains", jchains);
    json_object_set_new(o, "sessions", ses);
    json_object_set_new(o, "violations", vio);
    json_dumpf(o, f, JSON_COMPACT);
    fputc('\n', f);
    fflush(f);
    json_decref(o);
}
