/* LARA judged through its model (profile §9): each address the capture
 * shows running LARA on a link (its DAD request, its advertisement, or
 * frames from its logical MAC) gets an instance of lib's LARA model, fed what
 * the link shows; the model says when the address was tentative or found a
 * duplicate and which MAC its frames carry, and the node's frames are held
 * to that. Every other node is "not judged" for LARA (coverage.c). */
#include <stdio.h>
#include <string.h>

#include "mops/core/lara_mac.h"
#include "internal.h"

static struct v_lara *find(struct mops_validator *v, uint32_t ifid, mops_addr_t a)
{
    for (unsigned i = 0; i < v->n_laras; i++)
        if (v->laras[i].ifid == ifid && v->laras[i].m.addr == a)
            return &v->laras[i];
    return NULL;
}

static struct v_lara *add(struct mops_validator *v, uint32_t ifid, mops_addr_t a, const uint8_t mac[6],
                          uint32_t session_id)
{
    if (v->n_laras == V_SHADOW_CAP) {
        v->laras_unshadowed++;
        return NULL;
    }
    struct v_lara *e = &v->laras[v->n_laras++];
    memset(e, 0, sizeof *e);
    e->ifid = ifid;
    mops_lara_init(&e->m, &v->st, mac, session_id, 0);
    e->m.addr = a;
    return e;
}

static void mac_text(const uint8_t m[6], char buf[18])
{
    snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void duplicate_found(struct mops_validator *v, struct v_lara *e, uint64_t frame, uint64_t ts)
{
    char a[MOPS_ADDR_STRLEN], mine[18], theirs[18], flow[64], expected[80], actual[80];
    mops_addr_format(e->m.addr, a);
    mac_text(e->m.mac, mine);
    mac_text(e->m.dup.mac, theirs);
    snprintf(flow, sizeof flow, "lara %s", a);
    snprintf(expected, sizeof expected, "no DAD reply: %s held by %s alone", a, mine);
    snprintf(actual, sizeof actual, "%s (session 0x%08x) replied", theirs, e->m.dup.session_id);
    v_judge(v, "lara", e->m.addr);
    v_emit(v, MOPS_R_LARA_DUPLICATE, frame, ts, flow, expected, actual,
           "%s is a duplicate: %s (session 0x%08x) asked, %s (session 0x%08x) holds it%s%s", a, mine, e->m.session_id,
           theirs, e->m.dup.session_id, e->m.dup.cloned_mac ? "; the same physical MAC: a clone" : "",
           e->m.dup.while_tentative ? "; found while tentative, the address is unusable" : "");
}

/* A frame from an address the link shows running LARA: sent when the model
 * says it may be, from the MAC it says. */
static void judge_frame(struct mops_validator *v, struct v_lara *e, uint64_t frame, uint64_t ts,
                        const struct mops_packet *pkt, const uint8_t *src_mac)
{
    char a[MOPS_ADDR_STRLEN], flow[64];
    mops_addr_format(e->m.addr, a);
    snprintf(flow, sizeof flow, "lara %s", a);
    v_judge(v, "lara", e->m.addr);
    e->judged++;
    mops_lara_tick(&e->m, ts);
    if (!mops_lara_may_send(&e->m)) {
        bool dup = e->m.state == MOPS_LARA_DUPLICATE;
        double after = (double)(ts - e->m.started) / 1e9;
        v_emit(v, dup ? MOPS_R_LARA_DUPLICATE_USE : MOPS_R_LARA_TENTATIVE, frame, ts, flow,
               dup ? "nothing sent from an address found duplicate while tentative"
                   : "nothing but DAD until 1 s after the DAD request",
               pkt->icmp.kind == MOPS_ICMP_KIND_MIGRATE ? "a Migrate" : "a packet",
               dup ? "%s sent from %s %.3f s after its DAD request, though a DAD reply said another node holds it"
                   : "%s sent from %s %.3f s after its DAD request, while the address was tentative (1 s)",
               pkt->icmp.kind == MOPS_ICMP_KIND_MIGRATE ? "a Migrate" : "a packet", a, after);
    }
    uint8_t want[6];
    mops_lara_frame_src(&e->m, want);
    if (memcmp(src_mac, want, 6) != 0) {
        char w[18], got[18];
        mac_text(want, w);
        mac_text(src_mac, got);
        v_emit(v, MOPS_R_LARA_WRONG_MAC, frame, ts, flow, w, got,
               "a frame from %s with source MAC %s, not its logical MAC %s", a, got, w);
    }
}

void v_lara_packet(struct mops_validator *v, uint64_t frame, uint32_t ifid, uint64_t ts, const struct mops_packet *pkt)
{
    const uint8_t *src_mac = mops_packet_src_mac(pkt);
    if (!src_mac) {
        v->lara_not_ethernet++;
        return;
    }
    const struct mops_icmp *m = &pkt->icmp;
    bool lara = (pkt->layers & MOPS_L_LARA) != 0;
    /* Most captures: no LARA at all, nothing to look up (tests/bench). */
    if (!v->n_laras && !lara && src_mac[0] != MOPS_LARA_MAC_PREFIX) {
        v->lara_not_running++;
        return;
    }
    mops_addr_t a = pkt->ip.src;
    struct v_lara *e = find(v, ifid, a);
    if (lara && m->kind == MOPS_ICMP_KIND_DAD_REQUEST) {
        /* A new address, or its link up again: the model starts over. */
        if (!e && !(e = add(v, ifid, a, m->u.dad.mac, m->u.dad.session_id)))
            return;
        if (e->m.state != MOPS_LARA_PREFERRED || memcmp(e->m.mac, m->u.dad.mac, 6) != 0 ||
            e->m.session_id != m->u.dad.session_id) {
            mops_lara_init(&e->m, &v->st, m->u.dad.mac, m->u.dad.session_id, 0);
            mops_lara_start(&e->m, ts, a, &v->shadow_out);
            e->reported = false;
            e->dad_frame = frame;
        }
        mops_outbox_clear(&v->shadow_out);
        return;
    }
    if (lara && m->kind == MOPS_ICMP_KIND_DAD_REPLY) {
        if (e) {
            mops_lara_input(&e->m, ts, pkt, src_mac, &v->shadow_out);
            mops_outbox_clear(&v->shadow_out);
            if (e->m.dup.found && !e->reported) {
                e->reported = true;
                duplicate_found(v, e, frame, ts);
            }
        }
        return;
    }
    if (!e && (lara || mops_lara_mac_of(src_mac, a))) {
        /* An advertisement, or a frame from its logical MAC: it runs LARA,
         * its address held since before the capture. */
        if (!(e = add(v, ifid, a, src_mac, 0)))
            return;
        mops_lara_hold(&e->m, ts, a);
    }
    if (lara)
        return;
    if (!e) {
        /* From another address's logical MAC: a router forwarding it, whose
         * own frames these are; else a node not seen running LARA. */
        if (mops_mac_kind(src_mac) == MOPS_MAC_LOGICAL)
            v->lara_forwarded++;
        else
            v->lara_not_running++;
        return;
    }
    judge_frame(v, e, frame, ts, pkt, src_mac);
}

bool mops_validator_lara(const struct mops_validator *v, mops_addr_t addr, struct mops_lara_view *out)
{
    for (unsigned i = v->n_laras; i-- > 0;) { /* the latest first */
        const struct v_lara *e = &v->laras[i];
        if (e->m.addr != addr)
            continue;
        *out = (struct mops_lara_view){.ifid = e->ifid,
                                       .dad_frame = e->dad_frame,
                                       .dad_ts_ns = e->dad_frame ? e->m.started : 0,
                                       .usable_ns = e->dad_frame ? e->m.started + MOPS_LARA_TENTATIVE_NS : 0,
                                       .duplicate = e->m.dup.found,
                                       .cloned_mac = e->m.dup.cloned_mac,
                                       .dup_ts_ns = e->m.dup.at};
        memcpy(out->dup_mac, e->m.dup.mac, 6);
        return true;
    }
    return false;
}
