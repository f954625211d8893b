/* The story of each migration the report keeps, for the HTML report's
 * sequence diagrams: the Migrate as each link showed it, hop by hop as the
 * NATs rewrote its source (MOPS §4.1), its resends, the NAT acks its new
 * mappings caused (MOPS §4.3, Appendix B) and its reply on the way back.
 * Steps are matched to their record by what no NAT rewrites: the previous
 * tuple (the outermost address the server knows), the server's port and
 * the protocol; a NAT ack by the tuple it names, one the Migrate carried
 * on some hop. Bounded: V_STORY_STEPS a record, the rest counted. */
#include <string.h>

#include "mops/core/timers.h"

#include "internal.h"

#define N_OPEN (sizeof((struct mops_validator *)0)->open_stories / sizeof(size_t))

static struct v_migration *record_of(struct mops_validator *v, size_t n)
{
    if (!n || v->n_mig - n >= v->n_records)
        return NULL; /* its slot was reused */
    return &v->mig[(n - 1) % v->n_records];
}

void v_story_open(struct mops_validator *v, struct v_migration *m, uint64_t ts)
{
    m->request_ts = m->story_ts = ts;
    v->open_stories[v->open_stories_i++ % N_OPEN] = v->n_mig;
}

/* What a step is matched by: the previous tuple, or one hop's tuple. */
struct match {
    mops_addr_t addr;
    uint16_t port, dport;
};

/* A Migrate or its reply: by the previous tuple, which no NAT rewrites. */
static bool same_prev(const struct v_migration *m, const struct match *k)
{
    return m->prev == k->addr && m->prev_sport == k->port && m->prev_dport == k->dport;
}

/* A NAT ack: by a tuple one of the record's Migrates carried on some hop. */
static bool carried(const struct v_migration *m, const struct match *k)
{
    for (unsigned i = 0; i < m->n_steps; i++) {
        const struct v_step *s = &m->steps[i];
        if (s->kind != V_STEP_NAT_ACK && s->kind != V_STEP_REPLY && s->a == k->addr && s->pa == k->port)
            return true;
    }
    return false;
}

/* The newest open record of this protocol, within a Migrate's life, that
 * is() accepts. */
static struct v_migration *newest(struct mops_validator *v, uint64_t ts, uint16_t proto,
                                  bool (*is)(const struct v_migration *, const struct match *), const struct match *k)
{
    struct v_migration *best = NULL;
    size_t best_n = 0;
    for (unsigned i = 0; i < N_OPEN; i++) {
        struct v_migration *m = record_of(v, v->open_stories[i]);
        if (m && v->open_stories[i] > best_n && m->proto == proto && ts - m->story_ts < MOPS_MIGRATE_LIFE_NS &&
            is(m, k)) {
            best = m;
            best_n = v->open_stories[i];
        }
    }
    return best;
}

static void add(struct v_migration *m, const struct v_step *s)
{
    if (m->n_steps == V_STORY_STEPS) {
        m->steps_dropped++;
        return;
    }
    m->steps[m->n_steps++] = *s;
    m->story_ts = s->ts;
}

void v_story_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts, const struct mops_packet *pkt,
                    const struct mops_track_result *tr)
{
    if (!(pkt->layers & MOPS_L_ICMP) || !v->n_mig)
        return;
    struct v_step s = {
        .frame = frame, .ts = ts, .src = pkt->ip.src, .dst = pkt->ip.dst, .ifid = ifid, .code = pkt->icmp.code};
    if (pkt->icmp.kind == MOPS_ICMP_KIND_MIGRATE) {
        const struct mops_migrate *g = &pkt->icmp.u.migrate;
        if (!g->n_decoded)
            return;
        const struct mops_migrate_port *p = &pkt->pool.migrate[0];
        struct match key = {g->prev_addr, p->prev_sport, p->prev_dport};
        struct v_migration *m = newest(v, ts, g->proto, same_prev, &key);
        if (!m)
            return;
        bool reply = pkt->icmp.code == MOPS_MIGRATE_CODE_SUCCESS || pkt->icmp.code == MOPS_MIGRATE_CODE_FAILED;
        s.kind = reply ? V_STEP_REPLY : tr->kind == MOPS_TRACK_RETRANSMISSION ? V_STEP_RESEND : V_STEP_MIGRATE;
        s.a = g->mig_addr;
        s.pa = p->mig_sport;
        s.b = g->prev_addr;
        s.pb = p->prev_sport;
        add(m, &s);
    } else if (pkt->icmp.kind == MOPS_ICMP_KIND_NAT_ACK) {
        const struct mops_nat_ack *k = &pkt->icmp.u.natack;
        if (!k->n_decoded)
            return;
        struct match hop = {k->orig_addr, pkt->pool.natack[0].orig_port, 0};
        struct v_migration *m = newest(v, ts, k->proto, carried, &hop);
        if (!m)
            return;
        s.kind = V_STEP_NAT_ACK;
        s.level = k->level;
        s.a = k->orig_addr;
        s.pa = pkt->pool.natack[0].orig_port;
        s.b = k->trans_addr;
        s.pb = pkt->pool.natack[0].trans_port;
        add(m, &s);
    }
}
