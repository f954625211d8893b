/* The validator's JSON report (docs/validator-report.schema.json). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mops/core/timers.h"

#include "internal.h"

static json_t *iso_time(uint64_t ns)
{
    time_t s = (time_t)(ns / MOPS_NS_PER_SEC);
    struct tm tm;
    char buf[40];
    gmtime_r(&s, &tm);
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, sizeof buf - n, ".%06uZ", (unsigned)(ns % MOPS_NS_PER_SEC / 1000));
    return json_string(buf);
}

static json_t *addr_port(mops_addr_t a, uint16_t port)
{
    char buf[40];
    return json_string(v_tuple(buf, sizeof buf, a, port));
}

json_t *mops_violation_json(const struct mops_violation *x)
{
    const struct mops_rule_info *r = mops_rule_info(x->rule);
    json_t *o = json_object();
    json_object_set_new(o, "rule", json_string(r->id));
    json_object_set_new(o, "severity", json_string(mops_severity_name(r->severity)));
    json_object_set_new(o, "frame", json_integer((json_int_t)x->frame));
    json_object_set_new(o, "time", iso_time(x->ts_ns));
    json_object_set_new(o, "spec", json_string(r->spec));
    json_object_set_new(o, "message", json_string(x->message));
    if (x->expected[0])
        json_object_set_new(o, "expected", json_string(x->expected));
    if (x->actual[0])
        json_object_set_new(o, "actual", json_string(x->actual));
    if (x->flow[0])
        json_object_set_new(o, "flow", json_string(x->flow));
    if (x->role)
        json_object_set_new(o, "role", json_string(x->role));
    char buf[MOPS_ADDR_STRLEN];
    if (x->node)
        json_object_set_new(o, "node", json_string(mops_addr_format(x->node, buf)));
    return o;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static json_t *summary(const struct mops_validator *v)
{
    json_t *s = json_object(), *rules = json_object(), *sev = json_object(), *mig = json_object();
    struct mops_validator_summary sum;
    mops_validator_summarize(v, &sum);
    for (int i = 0; i < MOPS_R_COUNT; i++)
        if (sum.count[i])
            json_object_set_new(rules, mops_rule_info(i)->id, json_integer((json_int_t)sum.count[i]));
    for (int i = MOPS_SEV_NOTE; i <= MOPS_SEV_ERROR; i++)
        json_object_set_new(sev, mops_severity_name((enum mops_severity)i), json_integer((json_int_t)sum.by_sev[i]));
    /* Totals over every migration; latencies over the records kept (the
     * last n_records). */
    size_t kept = v_ring_used(v->n_mig, v->n_records);
    uint64_t *lat = kept ? malloc(kept * sizeof *lat) : NULL;
    size_t n_lat = 0;
    for (size_t i = 0; i < kept && lat; i++)
        if (v->mig[i].reply_code >= 0)
            lat[n_lat++] = v->mig[i].latency_ns;
    json_object_set_new(mig, "requested", json_integer((json_int_t)sum.requested));
    json_object_set_new(mig, "succeeded", json_integer((json_int_t)sum.succeeded));
    json_object_set_new(mig, "failed", json_integer((json_int_t)sum.failed));
    json_object_set_new(mig, "unanswered", json_integer((json_int_t)sum.unanswered));
    json_t *l = json_object();
    if (n_lat) {
        qsort(lat, n_lat, sizeof *lat, cmp_u64);
        json_object_set_new(l, "min_ms", json_real((double)lat[0] / 1e6));
        json_object_set_new(l, "median_ms", json_real((double)lat[n_lat / 2] / 1e6));
        json_object_set_new(l, "max_ms", json_real((double)lat[n_lat - 1] / 1e6));
    }
    free(lat);
    json_object_set_new(mig, "latency", l);
    json_object_set_new(s, "rules", rules);
    json_object_set_new(s, "severities", sev);
    json_object_set_new(s, "suppressed", json_integer((json_int_t)sum.suppressed));
    json_object_set_new(s, "migrations", mig);
    return s;
}

/* The migration's story (story.c), each step's time from the request. */
static json_t *story(const struct v_migration *m)
{
    static const char *const kinds[] = {"migrate", "resend", "reply", "nat_ack"};
    json_t *a = json_array();
    char buf[MOPS_ADDR_STRLEN];
    for (unsigned i = 0; i < m->n_steps; i++) {
        const struct v_step *s = &m->steps[i];
        json_t *o = json_object();
        json_object_set_new(o, "frame", json_integer((json_int_t)s->frame));
        json_object_set_new(o, "ms", json_real((double)(s->ts - m->request_ts) / 1e6));
        json_object_set_new(o, "interface", json_integer(s->ifid));
        json_object_set_new(o, "kind", json_string(kinds[s->kind]));
        json_object_set_new(o, "src", json_string(mops_addr_format(s->src, buf)));
        json_object_set_new(o, "dst", json_string(mops_addr_format(s->dst, buf)));
        if (s->kind == V_STEP_NAT_ACK) {
            json_object_set_new(o, "level", json_integer(s->level));
            json_object_set_new(o, "orig", addr_port(s->a, s->pa));
            json_object_set_new(o, "trans", addr_port(s->b, s->pb));
        } else {
            json_object_set_new(o, "code", json_integer(s->code));
            json_object_set_new(o, "migrated", addr_port(s->a, s->pa));
            json_object_set_new(o, "previous", addr_port(s->b, s->pb));
        }
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *migrations(const struct mops_validator *v)
{
    json_t *a = json_array();
    char buf[MOPS_ADDR_STRLEN];
    size_t kept = v_ring_used(v->n_mig, v->n_records);
    for (size_t k = 0; k < kept; k++) {
        /* Oldest first. */
        const struct v_migration *m = &v->mig[(v->n_mig - kept + k) % v->n_records];
        json_t *o = json_object();
        json_object_set_new(o, "request_frame", json_integer((json_int_t)m->request_frame));
        json_object_set_new(o, "reply_frame",
                            m->reply_code < 0 ? json_null() : json_integer((json_int_t)m->reply_frame));
        json_object_set_new(o, "code", m->reply_code < 0 ? json_null() : json_integer(m->reply_code));
        json_object_set_new(o, "proto", json_integer(m->proto));
        json_object_set_new(o, "previous", addr_port(m->prev, m->prev_sport));
        json_object_set_new(o, "migrated", addr_port(m->mig, m->mig_sport));
        json_object_set_new(o, "server_port", json_integer(m->prev_dport));
        json_object_set_new(o, "ports", json_integer(m->n_ports));
        json_object_set_new(o, "retransmissions", json_integer(m->retransmissions));
        json_object_set_new(o, "latency_ms", m->reply_code < 0 ? json_null() : json_real((double)m->latency_ns / 1e6));
        json_object_set_new(o, "outcome", json_string(m->outcome));
        json_object_set_new(o, "story", story(m));
        if (m->steps_dropped)
            json_object_set_new(o, "story_dropped", json_integer(m->steps_dropped));
        (void)buf;
        json_array_append_new(a, o);
    }
    return a;
}

/* Per mobile node and port, the chain it learned. */
static json_t *nat_chains(const struct mops_validator *v)
{
    /* At most one chain per learned level. */
    struct mops_nat_chain *chains = malloc(v->levels.cap * sizeof *chains);
    unsigned n = chains ? mops_validator_chains(v, chains, v->levels.cap) : 0;
    json_t *a = json_array();
    char buf[MOPS_ADDR_STRLEN];
    for (unsigned i = 0; i < n; i++) {
        const struct mops_nat_chain *c = &chains[i];
        json_t *o = json_object(), *levels = json_array();
        json_object_set_new(o, "mobile", json_string(mops_addr_format(c->mobile, buf)));
        json_object_set_new(o, "proto", json_integer(c->proto));
        json_object_set_new(o, "port", json_integer(c->port));
        for (unsigned k = 0; k < c->n; k++) {
            const struct mops_nat_level *l = &c->levels[k];
            json_t *e = json_object();
            json_object_set_new(e, "level", json_integer(l->level));
            json_object_set_new(e, "orig", addr_port(l->orig, l->orig_port));
            json_object_set_new(e, "trans", addr_port(l->trans, l->trans_port));
            json_object_set_new(e, "frame", json_integer((json_int_t)l->frame));
            json_array_append_new(levels, e);
        }
        json_object_set_new(o, "levels", levels);
        json_array_append_new(a, o);
    }
    free(chains);
    return a;
}

/* Per node, what was judged and what was not and why. */
static json_t *coverage(const struct mops_validator *v)
{
    unsigned max = 3 * V_SHADOW_CAP + V_DNAT_CAP + 2; /* every shadow, the overflow, the unshadowed */
    struct mops_coverage *c = malloc(max * sizeof *c);
    unsigned n = c ? mops_validator_coverage(v, c, max) : 0;
    json_t *a = json_array();
    char buf[MOPS_ADDR_STRLEN];
    for (unsigned i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "role", json_string(c[i].role));
        json_object_set_new(o, "node", c[i].addr ? json_string(mops_addr_format(c[i].addr, buf)) : json_null());
        json_object_set_new(o, "judged", json_integer((json_int_t)c[i].judged));
        json_object_set_new(o, "not_judged", json_integer((json_int_t)c[i].not_judged));
        json_object_set_new(o, "text", json_string(c[i].text));
        json_array_append_new(a, o);
    }
    free(c);
    return a;
}

json_t *mops_validator_report(const struct mops_validator *v, const char *input, const char *tool_version)
{
    json_t *r = json_object();
    json_object_set_new(r, "tool", json_string("mopsdump"));
    json_object_set_new(r, "version", json_string(tool_version));
    json_object_set_new(r, "input", json_string(input));
    json_object_set_new(r, "packets", json_integer((json_int_t)v->packets));
    json_object_set_new(r, "duration", json_real(v->packets ? (double)(v->last_ts - v->first_ts) / 1e9 : 0.0));
    json_object_set_new(r, "summary", summary(v));
    json_t *a = json_array();
    for (size_t i = 0; i < v->n_found; i++)
        json_array_append_new(a, mops_violation_json(&v->found[i]));
    json_object_set_new(r, "violations", a);
    json_object_set_new(r, "migrations", migrations(v));
    json_object_set_new(r, "nat_chains", nat_chains(v));
    json_object_set_new(r, "coverage", coverage(v));
    struct mops_validator_overflow ov;
    mops_validator_overflow(v, &ov);
    json_t *o = json_object();
    for (int i = 0; i < MOPS_OV_COUNT; i++)
        json_object_set_new(o, mops_overflow_names[i], json_integer((json_int_t)ov.n[i]));
    json_object_set_new(r, "state_overflow", o);
    return r;
}
