/* The validator's core: each frame is decoded once by the caller; here it is
 * tied to its first sighting (the same packet on the next link is one event),
 * the node links are learned, packet-level problems become findings, and the
 * parts judge sessions, transactions and NATs. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mops/decode/decode.h"
#include "mops/core/claim.h"
#include "mops/core/recycle.h"
#include "mops/core/timers.h"
#include "internal.h"

const char *v_tuple(char *buf, size_t n, mops_addr_t a, uint16_t port)
{
    char s[MOPS_ADDR_STRLEN];
    snprintf(buf, n, "%s:%u", mops_addr_format(a, s), port);
    return buf;
}

uint32_t v_link_of(const struct mops_validator *v, mops_addr_t a)
{
    const struct mops_topology *t = v->o.topology;
    for (unsigned i = 0; t && i < t->n_links; i++)
        if (t->links[i].addr == a)
            return t->links[i].ifid;
    const struct vc_ent *w = vc_find(&v->where, a);
    return w ? w->value : UINT32_MAX;
}

struct v_flow {
    struct vt_hdr h;
    struct {
        uint64_t hash;
        int rule, pad;
    } k;
    unsigned n;
};

void v_emit(struct mops_validator *v, int rule, uint64_t frame, uint64_t ts, const char *flow, const char *expected,
            const char *actual, const char *fmt, ...)
{
    if (!v->o.enabled[rule])
        return;
    v->count[rule]++;
    v->by_sev[mops_rule_info(rule)->severity]++;
    if (v->o.max_per_flow) {
        struct {
            uint64_t hash;
            int rule, pad;
        } k = {0, rule, 0};
        k.hash = 1469598103934665603u;
        for (const char *p = flow ? flow : ""; *p; p++)
            k.hash = (k.hash ^ (unsigned char)*p) * 1099511628211u;
        bool created;
        struct v_flow *f = vt_get(&v->flows, &k, &created);
        if (++f->n > v->o.max_per_flow) {
            v->suppressed++;
            return;
        }
    }
    struct mops_violation x = {.rule = rule, .frame = frame, .ts_ns = ts};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x.message, sizeof x.message, fmt, ap);
    va_end(ap);
    snprintf(x.expected, sizeof x.expected, "%s", expected ? expected : "");
    snprintf(x.actual, sizeof x.actual, "%s", actual ? actual : "");
    snprintf(x.flow, sizeof x.flow, "%s", flow ? flow : "");
    x.role = v->judge.role ? v->judge.role : "packet";
    x.node = v->judge.node;
    if (v->n_found == v->n_records_found) {
        v->findings_dropped++; /* the report lists so many; the counts, --events and the text have all */
    } else {
        if (v->n_found == v->cap_found) {
            size_t cap = v->cap_found ? v->cap_found * 2 : 64;
            struct mops_violation *p = realloc(v->found, cap * sizeof *p);
            if (!p) {
                v->suppressed++;
                return;
            }
            v->found = p;
            v->cap_found = cap;
        }
        v->found[v->n_found++] = x;
    }
    if (v->cb)
        v->cb(v->ctx, &x);
}

static size_t small_capacity(const struct mops_validate_opts *o) { return o && o->capacity ? o->capacity : 16384; }

struct mops_validator *mops_validator_new(const struct mops_validate_opts *o, mops_violation_cb cb, void *ctx)
{
    struct mops_validator *v = mops_recycled_calloc(sizeof *v);
    if (!v)
        return NULL;
    if (o)
        v->o = *o;
    else
        mops_validate_opts_default(&v->o);
    v->st = v->o.settings ? *v->o.settings : mops_settings_default;
    v->cb = cb;
    v->ctx = ctx;
    v->tracker = mops_migrate_tracker_new(small_capacity(o));
    uint32_t big = v->o.capacity ? v->o.capacity : 65536, small = v->o.capacity ? v->o.capacity : 16384;
    v->n_records = v_ring_size(v->o.capacity, V_MIGRATIONS);
    v->n_records_found = v_table_size(v->o.capacity, V_FINDINGS);
    bool ok = v->tracker && vc_init(&v->sightings, big, !v->o.lazy) && vc_init(&v->where, small, !v->o.lazy) &&
              v_sessions_init(v, big) &&
              vt_init(&v->txns, sizeof(struct v_txn), sizeof(((struct v_txn *)0)->k), small, !v->o.lazy) &&
              vt_init(&v->levels, sizeof(struct v_level), sizeof(((struct v_level *)0)->k), small, !v->o.lazy) &&
              vt_init(&v->nat_addrs, sizeof(struct v_nat_addr), sizeof(mops_addr_t), small, !v->o.lazy) &&
              vt_init(&v->flows, sizeof(struct v_flow), sizeof(((struct v_flow *)0)->k), big, !v->o.lazy) &&
              (v->mig = mops_claim_as(0, v->n_records * sizeof *v->mig, !v->o.lazy)) != NULL && v_servers_init(v) &&
              v_mobiles_init(v) && v_nats_init(v) &&
              (v->dnat_seen = mops_claim_as(0, V_DNAT_SEEN * sizeof *v->dnat_seen, !v->o.lazy)) != NULL;
    if (!ok) {
        mops_validator_free(v);
        return NULL;
    }
    return v;
}

void mops_validator_free(struct mops_validator *v)
{
    if (!v)
        return;
    mops_migrate_tracker_free(v->tracker);
    vc_free(&v->sightings);
    vc_free(&v->where);
    v_sessions_free(v);
    vt_free(&v->txns);
    vt_free(&v->levels);
    vt_free(&v->nat_addrs);
    vt_free(&v->flows);
    v_servers_free(v);
    v_mobiles_free(v);
    v_nats_free(v);
    v_dnats_free(v);
    free(v->dnat_seen);
    vt_free(&v->server_ix);
    free(v->found);
    free(v->mig);
    mops_recycled_free(v, sizeof *v);
}

/* Starts loading what a packet's lookups will touch, in stages: its first
 * sighting's and its source's cache sets and its session's bucket, then
 * (each once the one before is in) the session's entry, the session and
 * its socket in its server's shadow. load_sets returns the packet's
 * content key (0 when it has none; key if not 0). */
static uint64_t load_sets(const struct mops_validator *v, uint32_t ifid, const struct mops_packet *pkt, uint64_t key)
{
    if (pkt->status == MOPS_ST_NOT_IPFF || !(pkt->layers & MOPS_L_IPFF))
        return 0;
    if (!v->o.one_link && !key)
        key = mops_packet_content_key(pkt);
    if (!v->o.one_link)
        vc_prefetch(&v->sightings, key);
    vc_prefetch(&v->where, pkt->ip.src);
    v_session_prefetch(v, ifid, pkt, 0, 0);
    return key;
}

static uint32_t load_session(const struct mops_validator *v, uint32_t ifid, const struct mops_packet *pkt, int stage,
                             uint32_t slot)
{
    if (pkt->status == MOPS_ST_NOT_IPFF || !(pkt->layers & MOPS_L_IPFF))
        return MOPS_SESSIONS_NO_SLOT;
    return v_session_prefetch(v, ifid, pkt, stage, slot);
}

static void validate_one(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                         const struct mops_packet *pkt, uint64_t key)
{
    v->packets++;
    if (v->packets == 1)
        v->first_ts = ts;
    v->last_ts = ts;
    mops_track_result_clear(&v->last.track);
    v->last.first = false;
    if (pkt->status == MOPS_ST_NOT_IPFF)
        return;
    bool first = true;
    struct mops_track_result *tr = &v->last.track;
    if (pkt->status == MOPS_ST_OK)
        mops_migrate_track(v->tracker, pkt, ifid, frame, ts, tr);
    if (pkt->layers & MOPS_L_IPFF) {
        /* Stamps in units of 2^16 ns (65.5 µs): 78 hours before they wrap. */
        uint32_t now = (uint32_t)(ts >> 16);
        bool created;
        struct vc_ent *s = v->o.one_link ? NULL : vc_get(&v->sightings, key, now, &created);
        if (s && !created && now - s->stamp < (uint32_t)(V_SIGHT_WINDOW_NS >> 16) && s->value != ifid)
            first = false;
        else {
            if (s) {
                s->value = ifid;
                s->stamp = now;
            }
            /* A node's link is where its packets are first seen; a copy
             * translated downstream keeps its source and is not its link. */
            struct vc_ent *w = vc_get(&v->where, pkt->ip.src, (uint32_t)v->packets, &created);
            if (created)
                w->value = ifid;
            w->stamp = (uint32_t)v->packets;
        }
    }
    v->last.first = first;
    if (pkt->layers & MOPS_L_IPFF) {
        v->src_link = v_link_of(v, pkt->ip.src);
        v->dst_link = v_link_of(v, pkt->ip.dst);
    }
    /* Packet-level rules, once per packet. The reply rules come from this
     * validator's own tracking below. */
    if (first && pkt->n_problems) {
        char flow[120] = "";
        if (pkt->layers & MOPS_L_IPFF) {
            char a[MOPS_ADDR_STRLEN], b[MOPS_ADDR_STRLEN];
            snprintf(flow, sizeof flow, "ipff %s > %s", mops_addr_format(pkt->ip.src, a),
                     mops_addr_format(pkt->ip.dst, b));
        }
        v_judge(v, "packet", (pkt->layers & MOPS_L_IPFF) ? pkt->ip.src : 0);
        for (unsigned i = 0; i < pkt->n_problems; i++) {
            int id = pkt->problems[i].id;
            if (id == MOPS_P_MIG_REPLY_MISMATCH || id == MOPS_P_MIG_REPLY_ORPHAN)
                continue;
            v_emit(v, id, frame, ts, flow, NULL, NULL, "%s", pkt->problems[i].text);
        }
    }
    if (pkt->status != MOPS_ST_OK)
        return;
    v_session_packet(v, frame, ifid, ts, pkt, first);
    v_nat_packet(v, frame, ifid, ts, pkt, tr, first);
    v_crossing_packet(v, frame, ifid, ts, pkt, first);
    v_dnat_packet(v, frame, ifid, ts, pkt, first);
    v_server_packet(v, frame, ifid, ts, pkt, tr, first);
    v_mobile_packet(v, frame, ifid, ts, pkt, tr, first);
    v_migrate_packet(v, frame, ifid, ts, pkt, tr, first);
    v_lara_packet(v, frame, ifid, ts, pkt);
    v_story_packet(v, frame, ifid, ts, pkt, tr);
}

void mops_validator_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts,
                           const struct mops_packet *pkt)
{
    /* Alone, a packet's loads overlap only each other; a batch's overlap
     * across packets (mops_validator_packets). */
    uint64_t key = load_sets(v, ifid, pkt, 0);
    load_session(v, ifid, pkt, 1, 0);
    validate_one(v, frame, ifid, ts, pkt, key);
}

void mops_validator_packets(struct mops_validator *v, const struct mops_validator_input *in, unsigned n)
{
    /* In groups: the first stage of all of a group's lookups, then the
     * second, then each packet is judged in order, so that their cache
     * misses overlap instead of following each other (tests/bench). */
    enum { GROUP = 16 };
    uint64_t keys[GROUP];
    uint32_t slots[GROUP] = {0};
    for (unsigned at = 0; at < n; at += GROUP) {
        unsigned m = n - at < GROUP ? n - at : GROUP;
        const struct mops_validator_input *g = in + at;
        for (unsigned i = 0; i < m; i++)
            keys[i] = load_sets(v, g[i].ifid, g[i].pkt, g[i].key);
        for (int stage = 1; stage <= 3; stage++)
            for (unsigned i = 0; i < m; i++)
                slots[i] = load_session(v, g[i].ifid, g[i].pkt, stage, slots[i]);
        for (unsigned i = 0; i < m; i++) {
            validate_one(v, g[i].frame, g[i].ifid, g[i].ts_ns, g[i].pkt, keys[i]);
            if (g[i].seen)
                *g[i].seen = v->last;
        }
    }
}

const struct mops_validator_seen *mops_validator_last(const struct mops_validator *v) { return &v->last; }

void mops_validator_finish(struct mops_validator *v, uint64_t end_ns)
{
    if (end_ns < v->last_ts)
        end_ns = v->last_ts;
    v_server_finish(v, end_ns);
    v_nat_finish(v, end_ns);
}

unsigned long mops_validator_errors(const struct mops_validator *v) { return v->by_sev[MOPS_SEV_ERROR]; }

void mops_validator_summarize(const struct mops_validator *v, struct mops_validator_summary *s)
{
    s->packets = v->packets;
    memcpy(s->by_sev, v->by_sev, sizeof s->by_sev);
    s->suppressed = v->suppressed;
    s->requested = (unsigned long)v->n_mig;
    s->succeeded = v->mig_ok;
    s->failed = v->mig_failed;
    s->unanswered = s->requested - s->succeeded - s->failed;
    s->count = v->count;
}
