/* The simulator's engine: an event heap on a virtual clock, routing,
 * delivery to the models, timers, and the capture (one pcapng interface per
 * link, each frame as Ethernet, written when it is sent). */
#include "mops/sim/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mops/core/lara_mac.h"
#include "mops/decode/decode.h"

enum { EV_DELIVER, EV_ACTION, EV_TIMER };

struct mops_sim_event {
    uint64_t at, seq;
    int type, node, iface;
    uint8_t *data;
    uint32_t len;
    uint8_t mac_dst[6], mac_src[6]; /* the frame's, with LARA */
    struct mops_sim_action action;
};

void mops_sim_init(struct mops_sim *s, const struct mops_settings *st, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->st = st ? *st : mops_settings_default;
    s->rng = seed;
    s->caps = mops_model_caps_default;
    for (unsigned i = 0; i < 64; i++)
        s->sock_of_label[i] = -1;
    s->pkt = calloc(1, sizeof *s->pkt);
    s->drop_pkt = calloc(1, sizeof *s->drop_pkt);
    if (!s->pkt || !s->drop_pkt) {
        fprintf(stderr, "mops-sim: out of memory\n");
        abort();
    }
}

void mops_sim_free(struct mops_sim *s)
{
    for (unsigned i = 0; i < s->n_heap; i++)
        free(s->heap[i].data);
    free(s->heap);
    for (unsigned i = 0; i < s->n_nodes; i++) {
        struct mops_sim_node *n = &s->nodes[i];
        if (n->m.mobile) { /* a model never initialised is all zero: its free does nothing */
            switch (n->role) {
                case MOPS_SIM_MOBILE: mops_mobile_free(n->m.mobile); break;
                case MOPS_SIM_SERVER: mops_server_free(n->m.server); break;
                case MOPS_SIM_NAT: mops_nat_free(n->m.nat); break;
                case MOPS_SIM_DNAT: mops_dnat_free(n->m.dnat); break;
                case MOPS_SIM_ROUTER: break;
            }
        }
        free(n->m.mobile); /* the union's one allocation */
    }
    if (s->capture)
        mops_dump_close(s->capture);
    mops_outbox_free(&s->out);
    free(s->pkt);
    free(s->drop_pkt);
    memset(s, 0, sizeof *s);
}

/* --- the event heap, ordered by time then by the order of scheduling --- */
static bool before(const struct mops_sim_event *a, const struct mops_sim_event *b)
{
    return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static void push(struct mops_sim *s, struct mops_sim_event e)
{
    if (s->n_heap == s->cap_heap) {
        unsigned cap = s->cap_heap ? s->cap_heap * 2 : 64;
        struct mops_sim_event *h = realloc(s->heap, cap * sizeof *h);
        if (!h) {
            fprintf(stderr, "mops-sim: out of memory\n");
            abort();
        }
        s->heap = h;
        s->cap_heap = cap;
    }
    e.seq = s->seq++;
    unsigned i = s->n_heap++;
    while (i && before(&e, &s->heap[(i - 1) / 2])) {
        s->heap[i] = s->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    s->heap[i] = e;
}

static struct mops_sim_event pop(struct mops_sim *s)
{
    struct mops_sim_event top = s->heap[0], last = s->heap[--s->n_heap];
    unsigned i = 0;
    for (;;) {
        unsigned c = 2 * i + 1;
        if (c >= s->n_heap)
            break;
        if (c + 1 < s->n_heap && before(&s->heap[c + 1], &s->heap[c]))
            c++;
        if (!before(&s->heap[c], &last))
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (s->n_heap)
        s->heap[i] = last;
    return top;
}

/* --- topology --- */
int mops_sim_add_link(struct mops_sim *s, const char *name, uint64_t delay_ns)
{
    if (s->n_links == MOPS_SIM_LINKS)
        return -1;
    struct mops_sim_link *l = &s->links[s->n_links];
    snprintf(l->name, sizeof l->name, "%s", name);
    l->delay_ns = delay_ns;
    return (int)s->n_links++;
}

int mops_sim_add_drop(struct mops_sim *s, int link, const struct mops_sim_drop *d)
{
    struct mops_sim_link *l = &s->links[link];
    if (l->n_drops == MOPS_SIM_DROPS)
        return -1;
    l->drops[l->n_drops++] = *d;
    return 0;
}

int mops_sim_add_node(struct mops_sim *s, const char *name, enum mops_sim_role role)
{
    if (s->n_nodes == MOPS_SIM_NODES)
        return -1;
    struct mops_sim_node *n = &s->nodes[s->n_nodes];
    memset(n, 0, sizeof *n);
    snprintf(n->name, sizeof n->name, "%s", name);
    n->role = role;
    n->timer_at = UINT64_MAX;
    size_t size = role == MOPS_SIM_MOBILE   ? sizeof(struct mops_mobile)
                  : role == MOPS_SIM_SERVER ? sizeof(struct mops_server)
                  : role == MOPS_SIM_NAT    ? sizeof(struct mops_nat)
                  : role == MOPS_SIM_DNAT   ? sizeof(struct mops_dnat)
                                            : 1;
    n->m.mobile = calloc(1, size);
    if (!n->m.mobile)
        return -1;
    return (int)s->n_nodes++;
}

int mops_sim_add_iface(struct mops_sim *s, int node, int link, mops_addr_t addr, unsigned plen)
{
    struct mops_sim_node *n = &s->nodes[node];
    if (n->n_ifs == MOPS_SIM_IFACES)
        return -1;
    struct mops_sim_iface *i = &n->ifs[n->n_ifs];
    i->link = link;
    i->addr = addr;
    i->plen = plen;
    /* A locally administered MAC naming the node and the interface. */
    uint8_t mac[6] = {0x02, 0x00, 0x5e, 0x00, (uint8_t)node, (uint8_t)n->n_ifs};
    memcpy(i->mac, mac, 6);
    return (int)n->n_ifs++;
}

int mops_sim_add_route(struct mops_sim *s, int node, const struct mops_prefix *dst, mops_addr_t via)
{
    struct mops_sim_node *n = &s->nodes[node];
    if (n->n_routes == MOPS_SIM_ROUTES)
        return -1;
    n->routes[n->n_routes++] = (struct mops_sim_route){*dst, via};
    return 0;
}

int mops_sim_find_node(const struct mops_sim *s, const char *name)
{
    for (unsigned i = 0; i < s->n_nodes; i++)
        if (strcmp(s->nodes[i].name, name) == 0)
            return (int)i;
    return -1;
}

int mops_sim_find_link(const struct mops_sim *s, const char *name)
{
    for (unsigned i = 0; i < s->n_links; i++)
        if (strcmp(s->links[i].name, name) == 0)
            return (int)i;
    return -1;
}

void mops_sim_use_lara(struct mops_sim *s)
{
    s->lara = true;
    for (unsigned k = 0; k < s->n_nodes; k++) {
        struct mops_sim_node *n = &s->nodes[k];
        for (unsigned i = 0; i < n->n_ifs; i++) {
            /* A Session ID per node (LARA §3: per host, not per interface). */
            uint32_t session = UINT32_C(0x5eed0000) | (k + 1);
            mops_lara_init(&n->ifs[i].lara, &s->st, n->ifs[i].mac, session, 0);
            mops_lara_hold(&n->ifs[i].lara, 0, n->ifs[i].addr);
            if (n->role == MOPS_SIM_MOBILE && i == 0)
                mops_mobile_use_lara(n->m.mobile, n->ifs[0].mac, session);
        }
    }
}

int mops_sim_capture(struct mops_sim *s, const char *path)
{
    struct mops_cap_iface ifs[MOPS_SIM_LINKS];
    for (unsigned i = 0; i < s->n_links; i++) {
        memset(&ifs[i], 0, sizeof ifs[i]);
        ifs[i].linktype = 1; /* Ethernet */
        ifs[i].snaplen = 262144;
        snprintf(ifs[i].name, sizeof ifs[i].name, "%s", s->links[i].name);
    }
    char err[MOPS_CAP_ERRLEN];
    if (mops_dump_open(path, MOPS_DUMP_PCAPNG, ifs, s->n_links, &s->capture, err) < 0) {
        snprintf(s->err, sizeof s->err, "%.250s", err);
        return -1;
    }
    return 0;
}

int mops_sim_close_capture(struct mops_sim *s)
{
    int rc = mops_dump_close(s->capture);
    s->capture = NULL;
    return rc;
}

void mops_sim_schedule(struct mops_sim *s, uint64_t at, const struct mops_sim_action *a)
{
    struct mops_sim_event e = {.at = at, .type = EV_ACTION, .node = a->node, .action = *a};
    push(s, e);
}

/* --- sending --- */

/* The route to dst: the longest prefix among the connected networks and the
 * static routes. Returns the interface, and the next hop in *hop. */
static int route(const struct mops_sim_node *n, mops_addr_t dst, mops_addr_t *hop)
{
    int best = -1, best_len = -1;
    for (unsigned i = 0; i < n->n_ifs; i++) {
        const struct mops_sim_iface *f = &n->ifs[i];
        struct mops_prefix p = {f->addr & mops_prefix_mask(f->plen), f->plen};
        if (f->link >= 0 && mops_prefix_match(&p, dst) && (int)f->plen > best_len) {
            best = (int)i;
            best_len = (int)f->plen;
            *hop = dst;
        }
    }
    for (unsigned r = 0; r < n->n_routes; r++) {
        const struct mops_sim_route *rt = &n->routes[r];
        if (!mops_prefix_match(&rt->dst, dst) || (int)rt->dst.len <= best_len)
            continue;
        for (unsigned i = 0; i < n->n_ifs; i++) {
            const struct mops_sim_iface *f = &n->ifs[i];
            struct mops_prefix p = {f->addr & mops_prefix_mask(f->plen), f->plen};
            if (f->link >= 0 && mops_prefix_match(&p, rt->via)) {
                best = (int)i;
                best_len = (int)rt->dst.len;
                *hop = rt->via;
            }
        }
    }
    return best;
}

static enum mops_sim_match kind_of(const struct mops_packet *p)
{
    if ((p->layers & MOPS_L_MOPS) && p->icmp.kind == MOPS_ICMP_KIND_MIGRATE)
        return p->icmp.code >= MOPS_MIGRATE_CODE_SUCCESS ? MOPS_SIM_MIGRATE_REPLY : MOPS_SIM_MIGRATE_REQUEST;
    if ((p->layers & MOPS_L_MOPS) && p->icmp.kind == MOPS_ICMP_KIND_NAT_ACK)
        return MOPS_SIM_NAT_ACK;
    if ((p->layers & MOPS_L_TCP) && p->tcp.payload_len)
        return MOPS_SIM_TCP_DATA;
    return MOPS_SIM_ANY;
}

static bool dropped(struct mops_sim_link *l, const uint8_t *data, uint32_t len, const struct mops_settings *st,
                    struct mops_packet *p)
{
    if (!l->n_drops)
        return false;
    mops_decode_frame(st, MOPS_LINKTYPE_USER0, data, len, len, p);
    enum mops_sim_match k = kind_of(p);
    for (unsigned i = 0; i < l->n_drops; i++) {
        struct mops_sim_drop *d = &l->drops[i];
        if (d->match != MOPS_SIM_ANY && d->match != k)
            continue;
        if (d->skip) {
            d->skip--;
            continue;
        }
        if (d->count) {
            d->count--;
            return true;
        }
    }
    return false;
}

static bool is_lara(const struct mops_sim *s, const uint8_t *data, uint32_t len)
{
    if (len < MOPS_IPFF_HDR_LEN + MOPS_ICMP_HDR_LEN || ((data[8] << 8 | data[9]) >> 2) != MOPS_PROTO_ICMPV5)
        return false;
    uint16_t t = (uint16_t)(data[24] << 8 | data[25]);
    return t == s->st.type_dad_request || t == s->st.type_dad_reply || t == s->st.type_lara_advert;
}

/* With LARA (profile §9): the frame's MACs. A node sends from its
 * interface's logical MAC (DAD from its physical one, LARA §3) to the next
 * hop's logical MAC, unless its model chose the destination. */
static void lara_macs(const struct mops_sim *s, const struct mops_sim_node *n, const struct mops_sim_iface *from,
                      const uint8_t *data, uint32_t len, mops_addr_t hop, const uint8_t *l2_dst, uint8_t dst[6],
                      uint8_t src[6])
{
    bool dad = is_lara(s, data, len) && (uint16_t)(data[24] << 8 | data[25]) != s->st.type_lara_advert;
    if (l2_dst)
        memcpy(dst, l2_dst, 6);
    else
        mops_lara_dst_mac(hop, dst);
    if (dad || n->wrong_mac)
        memcpy(src, from->mac, 6);
    else
        mops_lara_mac(from->addr, src);
}

/* Does a frame to dst reach interface f (LARA: by MAC, so two holders of
 * one address both get it)? */
static bool lara_receives(const struct mops_sim_iface *f, const uint8_t dst[6])
{
    uint8_t logical[6];
    mops_lara_dst_mac(f->addr, logical);
    return mops_mac_kind(dst) == MOPS_MAC_BROADCAST || memcmp(dst, logical, 6) == 0 || memcmp(dst, f->mac, 6) == 0;
}

static void push_delivery(struct mops_sim *s, const struct mops_sim_link *l, int to_node, int to_if,
                          const uint8_t *data, uint32_t len, const uint8_t *frame)
{
    struct mops_sim_event e = {
        .at = s->now + l->delay_ns, .type = EV_DELIVER, .node = to_node, .iface = to_if, .len = len};
    memcpy(e.mac_dst, frame, 6);
    memcpy(e.mac_src, frame + 6, 6);
    e.data = malloc(len);
    if (!e.data)
        abort();
    memcpy(e.data, data, len);
    push(s, e);
}

static void transmit(struct mops_sim *s, int node, const uint8_t *data, uint32_t len, const uint8_t *l2_dst)
{
    struct mops_sim_node *n = &s->nodes[node];
    if (len < MOPS_IPFF_HDR_LEN)
        return;
    mops_addr_t dst =
        (((uint64_t)data[8] << 56 | (uint64_t)data[9] << 48 | (uint64_t)data[10] << 40 | (uint64_t)data[11] << 32 |
          (uint64_t)data[12] << 24 | (uint64_t)data[13] << 16 | (uint64_t)data[14] << 8 | data[15]) &
         MOPS_ADDR_MASK);
    mops_addr_t hop = 0;
    int ifi = route(n, dst, &hop);
    if (ifi < 0) {
        s->frames_unroutable++;
        return;
    }
    const struct mops_sim_iface *from = &n->ifs[ifi];
    uint8_t frame[14 + 65536 + 20];
    /* The receiver: the node on that link whose address is the next hop. */
    int to_node = -1, to_if = -1;
    if (s->lara) {
        lara_macs(s, n, from, data, len, hop, l2_dst, frame, frame + 6);
    } else {
        for (unsigned k = 0; k < s->n_nodes && to_node < 0; k++)
            for (unsigned i = 0; i < s->nodes[k].n_ifs; i++)
                if (s->nodes[k].ifs[i].link == from->link && s->nodes[k].ifs[i].addr == hop) {
                    to_node = (int)k;
                    to_if = (int)i;
                    break;
                }
        if (to_node == node) {
            /* The next hop is the sender itself (a gateway naming its own
             * address): a loop with no link to bound it. */
            s->frames_unroutable++;
            return;
        }
        memcpy(frame, to_node >= 0 ? s->nodes[to_node].ifs[to_if].mac : mops_mac_broadcast, 6);
        memcpy(frame + 6, from->mac, 6);
    }
    frame[12] = (uint8_t)(s->st.ethertype >> 8);
    frame[13] = (uint8_t)s->st.ethertype;
    memcpy(frame + 14, data, len);
    s->frames_sent++;
    /* Random loss is a drop in the sender's queue, before the wire, as on
     * real links: the capture never shows it. Drop rules lose a frame on
     * the wire, after the tap, where a capture shows what never arrived. */
    struct mops_sim_link *l = &s->links[from->link];
    bool lost = l->loss_ppm && mops_rng_next(&s->rng) % 1000000u < l->loss_ppm;
    if (lost && l->loss_spare) {
        mops_decode_frame(&s->st, MOPS_LINKTYPE_USER0, data, len, len, s->drop_pkt);
        lost = !(l->loss_spare & 1u << kind_of(s->drop_pkt));
    }
    if (s->capture && !lost && !l->uncaptured) {
        struct mops_frame f = {.ts_ns = MOPS_SIM_T0 + s->now,
                               .caplen = len + 14,
                               .wirelen = len + 14,
                               .linktype = 1,
                               .ifid = (uint32_t)from->link,
                               .data = frame};
        mops_dump_write(s->capture, &f);
    }
    if ((!s->lara && to_node < 0) || lost || dropped(l, data, len, &s->st, s->drop_pkt)) {
        s->frames_dropped++;
        return;
    }
    if (!s->lara) {
        push_delivery(s, l, to_node, to_if, data, len, frame);
        return;
    }
    /* LARA: every interface on the link the destination MAC names. */
    bool any = false;
    for (unsigned k = 0; k < s->n_nodes; k++)
        for (unsigned i = 0; i < s->nodes[k].n_ifs; i++) {
            const struct mops_sim_iface *f = &s->nodes[k].ifs[i];
            if (f->link != from->link || ((int)k == node && f == from) || !lara_receives(f, frame))
                continue;
            /* One copy per node: its anycast or VIP interface shares the link. */
            bool dup = false;
            for (unsigned j = 0; j < i && !dup; j++)
                dup = s->nodes[k].ifs[j].link == from->link && lara_receives(&s->nodes[k].ifs[j], frame);
            if (dup)
                continue;
            push_delivery(s, l, (int)k, (int)i, data, len, frame);
            any = true;
        }
    if (!any)
        s->frames_dropped++;
}

static void flush_out(struct mops_sim *s, int node)
{
    for (unsigned i = 0; i < s->out.n; i++)
        transmit(s, node, s->out.v[i].data, s->out.v[i].len, s->out.v[i].has_l2_dst ? s->out.v[i].l2_dst : NULL);
    mops_outbox_clear(&s->out);
}

static void schedule_timer(struct mops_sim *s, int node)
{
    struct mops_sim_node *n = &s->nodes[node];
    if (n->role != MOPS_SIM_MOBILE && n->role != MOPS_SIM_SERVER)
        return;
    uint64_t t = n->role == MOPS_SIM_MOBILE ? mops_mobile_next_timer(n->m.mobile) : mops_server_next_timer(n->m.server);
    if (t != UINT64_MAX && t != n->timer_at) {
        n->timer_at = t;
        push(s, (struct mops_sim_event){.at = t < s->now ? s->now : t, .type = EV_TIMER, .node = node});
    }
}

static bool own_address(const struct mops_sim_node *n, mops_addr_t a)
{
    for (unsigned i = 0; i < n->n_ifs; i++)
        if (n->ifs[i].addr == a && n->ifs[i].link >= 0)
            return true;
    return false;
}

static void deliver(struct mops_sim *s, struct mops_sim_event *e)
{
    struct mops_sim_node *n = &s->nodes[e->node];
    if (n->ifs[e->iface].link < 0)
        return; /* detached on the way */
    if (s->lara)
        mops_decode_ipff_in_frame(&s->st, e->mac_dst, e->mac_src, e->data, e->len, e->len, s->pkt);
    else
        mops_decode_frame(&s->st, MOPS_LINKTYPE_USER0, e->data, e->len, e->len, s->pkt);
    s->frames_delivered++;
    mops_addr_t self = n->ifs[e->iface].addr;
    /* LARA's messages are the link's own (Hops to Live 1): never forwarded. */
    if (s->pkt->layers & MOPS_L_LARA) {
        if (n->role == MOPS_SIM_MOBILE && e->iface == 0)
            mops_mobile_input(n->m.mobile, s->now, s->pkt, &s->out);
        else
            mops_lara_input(&n->ifs[e->iface].lara, s->now, s->pkt, e->mac_src, &s->out);
        flush_out(s, e->node);
        schedule_timer(s, e->node);
        return;
    }
    switch (n->role) {
        case MOPS_SIM_MOBILE: mops_mobile_input(n->m.mobile, s->now, s->pkt, &s->out); break;
        case MOPS_SIM_SERVER: mops_server_input(n->m.server, s->now, s->pkt, &s->out); break;
        case MOPS_SIM_NAT:
            if (!mops_nat_input(n->m.nat, s->now, e->iface == n->nat_inside, s->pkt, &s->out) &&
                !own_address(n, s->pkt->ip.dst))
                mops_router_forward(&s->st, self, s->pkt, &s->out);
            break;
        case MOPS_SIM_DNAT:
            if (!mops_dnat_input(n->m.dnat, s->now, s->pkt, &s->out) && !own_address(n, s->pkt->ip.dst))
                mops_router_forward(&s->st, self, s->pkt, &s->out);
            break;
        case MOPS_SIM_ROUTER:
            if (!own_address(n, s->pkt->ip.dst))
                mops_router_forward(&s->st, self, s->pkt, &s->out);
            break;
    }
    flush_out(s, e->node);
    schedule_timer(s, e->node);
}

static void act(struct mops_sim *s, const struct mops_sim_action *a)
{
    struct mops_sim_node *n = &s->nodes[a->node];
    if (n->role != MOPS_SIM_MOBILE)
        return;
    struct mops_mobile *m = n->m.mobile;
    switch (a->kind) {
        case MOPS_SIM_CONNECT: {
            int k = mops_mobile_connect(m, s->now, a->proto, a->dst, a->dport, a->sport,
                                        a->has_unique_id ? &a->unique_id : NULL, !a->plain, &s->out);
            if (a->sock_label >= 0 && a->sock_label < 64)
                s->sock_of_label[a->sock_label] = k;
            break;
        }
        case MOPS_SIM_SEND:
            if (a->sock_label >= 0 && a->sock_label < 64)
                mops_mobile_send(m, s->sock_of_label[a->sock_label], a->bytes, &s->out);
            break;
        case MOPS_SIM_INJECT: mops_mobile_inject(m, a->dst, a->code, &a->migrate, &a->port, &s->out); break;
        case MOPS_SIM_SEGMENT: {
            if (n->ifs[0].link < 0)
                break;
            struct mops_sock k = {.state = MOPS_SOCK_OPEN,
                                  .proto = MOPS_PROTO_TCP,
                                  .laddr = n->ifs[0].addr,
                                  .raddr = a->dst,
                                  .lport = a->sport,
                                  .rport = a->dport,
                                  .snd_nxt = (uint32_t)a->port.seq,
                                  .rcv_wnd = 65535};
            mops_sock_send_tcp(&s->st, &k, MOPS_TCP_ACK | MOPS_TCP_PSH, a->bytes, false, NULL, &s->out);
            break;
        }
        case MOPS_SIM_ADVERTISE:
            if (n->ifs[0].link >= 0)
                mops_lara_advertise(&m->lara, &s->out);
            break;
        case MOPS_SIM_DETACH:
            n->ifs[0].link = -1;
            mops_mobile_detach(m);
            break;
        case MOPS_SIM_ATTACH: {
            n->ifs[0].link = a->link;
            n->ifs[0].addr = a->addr;
            n->ifs[0].plen = a->plen;
            n->n_routes = 0;
            struct mops_prefix all = {0, 0};
            mops_sim_add_route(s, a->node, &all, a->gw);
            mops_mobile_attach(m, s->now, a->addr, &s->out);
            break;
        }
    }
    flush_out(s, a->node);
    schedule_timer(s, a->node);
}

int mops_sim_run(struct mops_sim *s, uint64_t until)
{
    for (unsigned i = 0; i < s->n_nodes; i++)
        if (s->nodes[i].timer_at == UINT64_MAX)
            schedule_timer(s, (int)i);
    while (s->n_heap && s->heap[0].at <= until) {
        struct mops_sim_event e = pop(s);
        s->now = e.at;
        switch (e.type) {
            case EV_DELIVER: deliver(s, &e); break;
            case EV_ACTION: act(s, &e.action); break;
            case EV_TIMER: {
                struct mops_sim_node *n = &s->nodes[e.node];
                if (n->timer_at != e.at)
                    break; /* superseded */
                n->timer_at = UINT64_MAX;
                if (n->role == MOPS_SIM_MOBILE)
                    mops_mobile_tick(n->m.mobile, s->now, &s->out);
                else
                    mops_server_tick(n->m.server, s->now, &s->out);
                flush_out(s, e.node);
                schedule_timer(s, e.node);
                break;
            }
        }
        free(e.data);
    }
    if (s->now < until && until != UINT64_MAX)
        s->now = until;
    return 0;
}
