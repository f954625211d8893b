/* What the validator judged of each node, and what it could not and why:
 * for the report's coverage and mopsdump's summary. A node's shadow
 * counts what it decided and what it left unknown (validate/server.c,
 * validate/mobile.c, validate/nat.c, validate/dnat.c). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static void add(char *buf, size_t n, size_t *at, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t n, size_t *at, const char *fmt, ...)
{
    if (*at >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *at, n - *at, fmt, ap);
    va_end(ap);
    if (k > 0)
        *at += (size_t)k;
}

static const char *plural(unsigned long n, const char *one, const char *many) { return n == 1 ? one : many; }

static void server_entry(const struct v_server *s, struct mops_coverage *c)
{
    char a[MOPS_ADDR_STRLEN], b[MOPS_ADDR_STRLEN];
    size_t at = 0;
    c->role = "server";
    c->addr = s->m.addr;
    c->judged = s->judged;
    c->not_judged = s->undecided;
    add(c->text, sizeof c->text, &at, "server %s", mops_addr_format(s->m.addr, a));
    if (s->m.anycast && s->m.anycast != s->m.addr)
        add(c->text, sizeof c->text, &at, " (anycast %s)", mops_addr_format(s->m.anycast, b));
    if (!s->arrivals) {
        add(c->text, sizeof c->text, &at, ": no Migrate reached it on its link");
        return;
    }
    add(c->text, sizeof c->text, &at, ": %lu %s judged", s->judged, plural(s->judged, "Migrate", "Migrates"));
    unsigned long other = s->arrivals - s->judged - s->undecided;
    if (other)
        add(c->text, sizeof c->text, &at, ", %lu %s discarded or cached as its model does", other,
            plural(other, "sending", "sendings"));
    if (s->undecided_session)
        add(c->text, sizeof c->text, &at, "; %lu not judged: a session they name is not in the capture",
            s->undecided_session);
    if (s->undecided_seq)
        add(c->text, sizeof c->text, &at, "; %lu not judged: RCV.NXT not shown before them", s->undecided_seq);
    if (s->undecided_udp)
        add(c->text, sizeof c->text, &at, "; %lu UDP %s not judged: no Unique ID known, give --topology",
            s->undecided_udp, plural(s->undecided_udp, "migration", "migrations"));
}

static void mobile_entry(const struct v_mobile *s, struct mops_coverage *c)
{
    char a[MOPS_ADDR_STRLEN], b[MOPS_ADDR_STRLEN];
    size_t at = 0;
    c->role = "mobile";
    c->addr = s->first_addr;
    c->judged = s->judged;
    c->not_judged = s->unjudged;
    add(c->text, sizeof c->text, &at, "mobile %s", mops_addr_format(s->first_addr, a));
    if (s->from_addr)
        add(c->text, sizeof c->text, &at, " (moved from %s)", mops_addr_format(s->from_addr, b));
    if (!s->judged && !s->unjudged) {
        add(c->text, sizeof c->text, &at, ": no move seen");
        return;
    }
    if (s->judged)
        add(c->text, sizeof c->text, &at, ": %lu %s after a move judged, resends by its model's timer", s->judged,
            plural(s->judged, "Migrate", "Migrates"));
    if (s->unjudged)
        add(c->text, sizeof c->text, &at,
            "%s%lu %s not judged: where it was before is not in the capture (resends judged)", s->judged ? "; " : ": ",
            s->unjudged, plural(s->unjudged, "Migrate", "Migrates"));
}

static void nat_entry(const struct mops_validator *v, const struct v_nat *n, struct mops_coverage *c)
{
    char a[MOPS_ADDR_STRLEN], b[MOPS_ADDR_STRLEN];
    size_t at = 0;
    c->role = "nat";
    c->addr = n->m.outside;
    c->judged = n->judged;
    c->not_judged = n->inputs > n->judged ? n->inputs - n->judged : 0;
    add(c->text, sizeof c->text, &at, "NAT %s", mops_addr_format(n->m.outside, a));
    if (n->m.inside_addr)
        add(c->text, sizeof c->text, &at, " (inside %s)", mops_addr_format(n->m.inside_addr, b));
    if (!v_nat_both_sides(v, n)) {
        add(c->text, sizeof c->text, &at, ": its outside link is not in the capture, its translations not judged");
        return;
    }
    add(c->text, sizeof c->text, &at, ": %lu of its packets judged against its model", n->judged);
    if (!n->m.inside_addr)
        add(c->text, sizeof c->text, &at, "; its inside address not shown (it sent no NAT ack)");
    if (n->inputs > n->judged)
        add(c->text, sizeof c->text, &at, "; %lu packets it took in whose translation the capture does not show",
            n->inputs - n->judged);
}

static void dnat_entry(const struct v_dnat *d, struct mops_coverage *c)
{
    char a[MOPS_ADDR_STRLEN], b[MOPS_ADDR_STRLEN];
    size_t at = 0;
    c->role = "dnat";
    c->addr = d->m.vip;
    c->judged = d->judged;
    c->not_judged = 0;
    add(c->text, sizeof c->text, &at, "load balancer %s (server %s behind it): %lu client %s judged against its model",
        mops_addr_format(d->m.vip, a), mops_addr_format(d->m.backend, b), d->judged,
        plural(d->judged, "packet", "packets"));
    add(c->text, sizeof c->text, &at, "; the sessions it held before the capture taken as the capture shows them");
}

/* LARA (lara.c): judged only for what the capture shows running it (profile §9). */
static void lara_entry(const struct mops_validator *v, struct mops_coverage *c)
{
    size_t at = 0;
    unsigned long judged = 0;
    for (unsigned i = 0; i < v->n_laras; i++)
        judged += v->laras[i].judged;
    c->role = "lara";
    c->judged = judged;
    c->not_judged = v->lara_not_running + v->lara_not_ethernet + v->laras_unshadowed;
    if (!v->n_laras) {
        add(c->text, sizeof c->text, &at,
            "LARA not judged: no node in the capture runs it (no DAD, advertisement "
            "or logical MAC)");
        return;
    }
    add(c->text, sizeof c->text, &at,
        "LARA: %u %s running it on Ethernet, %lu of %s frames judged (tentative "
        "time, duplicates, logical MAC)",
        v->n_laras, plural(v->n_laras, "address", "addresses"), judged, plural(v->n_laras, "its", "their"));
    if (v->lara_forwarded)
        add(c->text, sizeof c->text, &at, "; %lu forwarded from another logical MAC (a router's) not judged",
            v->lara_forwarded);
    if (v->lara_not_running)
        add(c->text, sizeof c->text, &at, "; %lu %s from nodes not seen running it not judged", v->lara_not_running,
            plural(v->lara_not_running, "frame", "frames"));
    if (v->lara_not_ethernet)
        add(c->text, sizeof c->text, &at, "; %lu not on Ethernet not judged", v->lara_not_ethernet);
    if (v->laras_unshadowed)
        add(c->text, sizeof c->text, &at, "; %lu addresses beyond the %u shadowed not judged", v->laras_unshadowed,
            V_SHADOW_CAP);
}

const char *const mops_overflow_names[MOPS_OV_COUNT] = {
    [MOPS_OV_SESSIONS] = "sessions",         [MOPS_OV_TRANSACTIONS] = "transactions",
    [MOPS_OV_NAT_LEVELS] = "nat_levels",     [MOPS_OV_NAT_ADDRESSES] = "nat_addresses",
    [MOPS_OV_SYN_ACKS] = "syn_acks",         [MOPS_OV_ANYCAST_ACKS] = "anycast_acks",
    [MOPS_OV_TRANSLATIONS] = "translations", [MOPS_OV_FLOWS] = "flows",
    [MOPS_OV_FINDINGS] = "findings",
};

void mops_validator_overflow(const struct mops_validator *v, struct mops_validator_overflow *o)
{
    *o = (struct mops_validator_overflow){
        .n = {
            [MOPS_OV_SESSIONS] = mops_sessions_retired(v->sessions),
            [MOPS_OV_TRANSACTIONS] = v->txns.evicted + mops_migrate_tracker_evicted(v->tracker),
            [MOPS_OV_NAT_LEVELS] = v->levels.evicted,
            [MOPS_OV_NAT_ADDRESSES] = v->nat_addrs.evicted,
            [MOPS_OV_SYN_ACKS] = v->synacks.evicted,
            [MOPS_OV_ANYCAST_ACKS] = v->anycast_acks.evicted,
            [MOPS_OV_TRANSLATIONS] = v->mobile_natt_ix.evicted,
            [MOPS_OV_FLOWS] = v->flows.evicted,
            [MOPS_OV_FINDINGS] = v->findings_dropped,
        }};
    for (int i = 0; i < MOPS_OV_COUNT; i++)
        o->total += o->n[i];
}

unsigned mops_validator_coverage(const struct mops_validator *v, struct mops_coverage *out, unsigned max)
{
    unsigned n = 0;
    /* First: a front end that shows a few entries shows this one. */
    struct mops_validator_overflow ov;
    mops_validator_overflow(v, &ov);
    if (n < max && ov.total) {
        struct mops_coverage *c = &out[n++];
        memset(c, 0, sizeof *c);
        c->role = "validator";
        c->not_judged = (unsigned long)ov.total;
        snprintf(c->text, sizeof c->text,
                 "state overflow: %llu sessions, %llu Migrate transactions, %llu NAT levels, %llu SYN-ACKs and %llu "
                 "other entries retired early to stay within the tables, what they would have judged not judged; "
                 "%llu findings beyond the report's list",
                 (unsigned long long)ov.n[MOPS_OV_SESSIONS], (unsigned long long)ov.n[MOPS_OV_TRANSACTIONS],
                 (unsigned long long)ov.n[MOPS_OV_NAT_LEVELS], (unsigned long long)ov.n[MOPS_OV_SYN_ACKS],
                 (unsigned long long)(ov.n[MOPS_OV_NAT_ADDRESSES] + ov.n[MOPS_OV_ANYCAST_ACKS] +
                                      ov.n[MOPS_OV_TRANSLATIONS] + ov.n[MOPS_OV_FLOWS]),
                 (unsigned long long)ov.n[MOPS_OV_FINDINGS]);
    }
    for (unsigned i = 0; i < v->n_servers && n < max; i++)
        server_entry(v->servers[i], &out[n++]);
    for (unsigned i = 0; i < v->n_nats && n < max; i++)
        nat_entry(v, v->nats[i], &out[n++]);
    for (unsigned i = 0; i < v->n_dnats && n < max; i++)
        dnat_entry(v->dnats[i], &out[n++]);
    for (unsigned i = 0; i < v->n_mobiles && n < max; i++)
        mobile_entry(v->mobiles[i], &out[n++]);
    if (n < max && v->packets) {
        memset(&out[n], 0, sizeof out[n]);
        lara_entry(v, &out[n++]);
    }
    if (n < max && (v->servers_unshadowed || v->mobiles_unshadowed || v->nats_unshadowed)) {
        struct mops_coverage *c = &out[n++];
        memset(c, 0, sizeof *c);
        c->role = "validator";
        c->not_judged = v->servers_unshadowed + v->mobiles_unshadowed + v->nats_unshadowed;
        snprintf(c->text, sizeof c->text,
                 "not judged: %lu packets of servers, %lu of mobile nodes and %lu of NATs beyond the %u shadowed "
                 "per role",
                 v->servers_unshadowed, v->mobiles_unshadowed, v->nats_unshadowed, V_SHADOW_CAP);
    }
    return n;
}
