/* mopstop's state (see state.h). Each packet counts once however many
 * links it was captured on: the validator says which sighting is the first. */
#include "state.h"

#include <string.h>

#include "mops/core/claim.h"
#include "mops/core/proto.h"
#include "mops/core/timers.h"

static void on_violation(void *ctx, const struct mops_violation *v)
{
    struct mt_state *s = ctx;
    s->violations_total++;
    struct mt_violation *x = &s->vio[s->vio_next++ % MT_VIOLATIONS];
    x->used = true;
    x->v = *v;
}

int mt_state_init(struct mt_state *s, const char *source, bool one_link)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->ended_cv, NULL);
    snprintf(s->source, sizeof s->source, "%s", source);
    struct mops_validate_opts o;
    mops_validate_opts_default(&o);
    o.one_link = one_link;
    s->validator = mops_validator_new(&o, on_violation, s);
    s->sessions = mops_sessions_new(MT_SESSIONS, MOPS_SESSIONS_MOBILE_SYN);
    return s->validator && s->sessions ? 0 : -1;
}

void mt_state_free(struct mt_state *s)
{
    mops_validator_free(s->validator);
    mops_sessions_free(s->sessions);
    pthread_cond_destroy(&s->ended_cv);
    pthread_mutex_destroy(&s->lock);
}

const char *mt_mig_state_name(enum mt_mig_state st)
{
    switch (st) {
        case MT_PENDING: return "pending";
        case MT_SUCCEEDED: return "succeeded";
        case MT_FAILED: return "failed";
        case MT_UNANSWERED: return "unanswered";
    }
    return "?";
}

static void count_rate(struct mt_state *s, uint64_t ts, uint32_t len, bool ipff)
{
    uint64_t sec = ts / MOPS_NS_PER_SEC;
    struct mt_rate_slot *r = &s->rate[sec % MT_RATE_SLOTS];
    if (r->sec != sec)
        *r = (struct mt_rate_slot){.sec = sec};
    r->packets++;
    r->bytes += len;
    r->ipff += ipff;
}

void mt_state_rate(const struct mt_state *s, unsigned seconds, double *pps, double *ipff_ps, double *bps)
{
    uint64_t now = s->now_ns / MOPS_NS_PER_SEC, p = 0, i = 0, b = 0;
    /* Whole seconds before the current one, as iftop's windows. */
    for (unsigned k = 1; k <= seconds && k <= now; k++) {
        const struct mt_rate_slot *r = &s->rate[(now - k) % MT_RATE_SLOTS];
        if (r->sec == now - k) {
            p += r->packets;
            i += r->ipff;
            b += r->bytes;
        }
    }
    *pps = (double)p / seconds;
    *ipff_ps = (double)i / seconds;
    *bps = (double)b / seconds;
}

/* A migration's request and replies share server, previous address and
 * protocol: scanned for in a small array of these, not in the records
 * (each Migrate looked through 1024 of them, tests/bench). */
static uint64_t mig_key(mops_addr_t server, mops_addr_t prev, uint16_t proto)
{
    return mops_mix64(mops_mix64(server, prev), proto) | 1; /* 0: a free record */
}

static struct mt_migration *find_migration(struct mt_state *s, const struct mops_packet *pkt)
{
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    bool reply = pkt->icmp.code == MOPS_MIGRATE_CODE_SUCCESS || pkt->icmp.code == MOPS_MIGRATE_CODE_FAILED;
    mops_addr_t server = reply ? pkt->ip.src : pkt->ip.dst;
    uint64_t seq0 = g->n_decoded ? pkt->pool.migrate[0].seq : 0;
    uint64_t key = mig_key(server, g->prev_addr, g->proto);
    struct mt_migration *best = NULL;
    for (unsigned i = 0; i < MT_MIGRATIONS; i++) {
        if (s->mig_key[i] != key)
            continue;
        struct mt_migration *m = &s->mig[i];
        if (!m->used || m->server != server || m->prev != g->prev_addr || m->proto != g->proto)
            continue;
        /* A failed reply lists a subset: any of its ports identifies the request. */
        bool match = !reply ? m->seq0 == seq0 : false;
        for (unsigned j = 0; reply && j < m->n_kept && !match; j++)
            for (unsigned k = 0; k < g->n_decoded && !match; k++)
                match = m->ports[j].seq == pkt->pool.migrate[k].seq &&
                        m->ports[j].prev_sport == pkt->pool.migrate[k].prev_sport;
        if (match && (!best || m->ts_ns > best->ts_ns))
            best = m;
    }
    return best;
}

static void migrate(struct mt_state *s, uint64_t frame, uint32_t ifid, uint64_t ts, const struct mops_packet *pkt,
                    const struct mops_track_result *tr, bool first)
{
    const struct mops_migrate *g = &pkt->icmp.u.migrate;
    if (tr->kind == MOPS_TRACK_REQUEST) {
        struct mt_migration *seen = find_migration(s, pkt);
        if (!first || (seen && ts - seen->ts_ns < MOPS_NS_PER_SEC / 10))
            return; /* a NAT's rewrite, or the next link's copy: the same transaction */
        unsigned at = s->mig_next++ % MT_MIGRATIONS;
        struct mt_migration *m = &s->mig[at];
        s->mig_key[at] = mig_key(pkt->ip.dst, g->prev_addr, g->proto);
        memset(m, 0, sizeof *m);
        m->used = true;
        m->frame = frame;
        m->ts_ns = m->last_ts_ns = ts;
        m->ifid = ifid;
        m->mobile = pkt->ip.src;
        m->prev = g->prev_addr;
        m->mig = g->mig_addr;
        m->server = pkt->ip.dst;
        m->proto = g->proto;
        m->n_ports = g->n_ports;
        m->code = pkt->icmp.code;
        m->n_kept = (uint8_t)(g->n_decoded < MT_KEPT_PORTS ? g->n_decoded : MT_KEPT_PORTS);
        memcpy(m->ports, pkt->pool.migrate, m->n_kept * sizeof m->ports[0]);
        if (m->n_kept) {
            m->prev_sport = m->ports[0].prev_sport;
            m->mig_sport = m->ports[0].mig_sport;
            m->seq0 = m->ports[0].seq;
        }
        m->state = MT_PENDING;
        s->outcome[MT_PENDING]++;
        return;
    }
    struct mt_migration *m = find_migration(s, pkt);
    if (!m)
        return;
    if (tr->kind == MOPS_TRACK_RETRANSMISSION && ifid == m->ifid) {
        m->retx = tr->sendings - 1;
        m->last_ts_ns = ts;
        if (m->state == MT_UNANSWERED) {
            s->outcome[MT_UNANSWERED]--;
            s->outcome[MT_PENDING]++;
            m->state = MT_PENDING;
        }
    } else if (tr->kind == MOPS_TRACK_REPLY && (m->state == MT_PENDING || m->state == MT_UNANSWERED) &&
               ifid == m->ifid) {
        /* The reply as the mobile node receives it. */
        s->outcome[m->state]--;
        m->state = pkt->icmp.code == MOPS_MIGRATE_CODE_SUCCESS ? MT_SUCCEEDED : MT_FAILED;
        s->outcome[m->state]++;
        m->reply_frame = frame;
        m->latency_ns = ts - m->last_ts_ns;
        if (m->state == MT_SUCCEEDED) {
            /* The move the mobile node makes: to the tuple it asked for. */
            struct mops_migrate g = {.proto = m->proto, .prev_addr = m->prev, .mig_addr = m->mobile};
            mops_sessions_migrated(s->sessions, &g, m->ports, m->n_kept, m->server, ifid, frame, ts, true);
        }
    }
}

/* What the validator said of one packet, in mopstop's own panes. */
static void judged(struct mt_state *s, uint64_t frame, uint32_t ifid, uint64_t ts_ns, const struct mops_packet *pkt,
                   const struct mops_validator_seen *seen)
{
    if (!(pkt->layers & MOPS_L_IPFF) || pkt->status != MOPS_ST_OK)
        return;
    if ((pkt->layers & MOPS_L_MOPS) && pkt->icmp.kind == MOPS_ICMP_KIND_MIGRATE)
        migrate(s, frame, ifid, ts_ns, pkt, &seen->track, seen->first);
    if (seen->first && (pkt->layers & MOPS_L_TCP)) {
        struct mops_session_seen ss;
        mops_sessions_packet(s->sessions, pkt, ifid, frame, ts_ns, &ss);
    }
}

void mt_state_frames(struct mt_state *s, uint64_t frame, const struct mops_frame *f, const struct mops_packet *pkts,
                     const uint64_t *keys, unsigned n)
{
    static struct mops_validator_input in[MT_STATE_BATCH];
    static struct mops_validator_seen seen[MT_STATE_BATCH];
    for (unsigned i = 0; i < n; i++)
        in[i] = (struct mops_validator_input){frame + i, f[i].ts_ns, f[i].ifid, &pkts[i], keys ? keys[i] : 0, &seen[i]};
    /* As a batch: the validator loads its lookups together (tests/bench;
     * loading the sessions pane's too made it slower). The packets are
     * counted after it, once it has brought them to this core (they were
     * decoded on the reading thread's). */
    mops_validator_packets(s->validator, in, n);
    for (unsigned i = 0; i < n; i++) {
        if (!s->packets)
            s->first_ts_ns = f[i].ts_ns;
        s->packets++;
        s->bytes += f[i].wirelen;
        if (f[i].ts_ns > s->now_ns)
            s->now_ns = f[i].ts_ns;
        bool ipff = pkts[i].layers & MOPS_L_IPFF;
        s->ipff += ipff;
        count_rate(s, f[i].ts_ns, f[i].wirelen, ipff);
        judged(s, frame + i, f[i].ifid, f[i].ts_ns, &pkts[i], &seen[i]);
    }
}

void mt_state_tick(struct mt_state *s, uint64_t now_ns)
{
    if (now_ns > s->now_ns)
        s->now_ns = now_ns;
    for (unsigned i = 0; i < MT_MIGRATIONS; i++) {
        struct mt_migration *m = &s->mig[i];
        if (m->used && m->state == MT_PENDING && s->now_ns - m->last_ts_ns > MOPS_MIGRATE_LIFE_NS) {
            s->outcome[MT_PENDING]--;
            s->outcome[MT_UNANSWERED]++;
            m->state = MT_UNANSWERED;
        }
    }
}

void mt_state_finish(struct mt_state *s)
{
    /* No reply will come now: what had its answer due (2 s after the first
     * sending, MOPS §4.1) is unanswered. */
    for (unsigned i = 0; i < MT_MIGRATIONS; i++) {
        struct mt_migration *m = &s->mig[i];
        if (m->used && m->state == MT_PENDING && s->now_ns - m->ts_ns >= MOPS_MIGRATE_RETX_NS) {
            s->outcome[MT_PENDING]--;
            s->outcome[MT_UNANSWERED]++;
            m->state = MT_UNANSWERED;
        }
    }
    mops_validator_finish(s->validator, s->now_ns);
    s->ended = true;
    pthread_cond_broadcast(&s->ended_cv);
}
