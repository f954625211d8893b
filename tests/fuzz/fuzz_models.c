/* libFuzzer: the reference models on a timeline the input writes. A mobile
 * node behind a NAT, a server (also anycast) and a destination NAT in front
 * of it exchange packets through a small router here; the input is a list
 * of operations: open a socket, send, move, let time pass (timers, resends),
 * lose packets, deliver raw bytes to a node, replay a packet the models
 * sent with one field changed and its checksums made right again (so that
 * hostile values get past the CRC and reach the protocol's logic), or
 * inject a Migrate as an off-path attacker would. The validator's replay
 * runs these models on what captures hold; here they meet it directly.
 *
 * Beyond "no crash": what a model that was told no misbehaviour sends
 * decodes as IPFF with no error-level problem that the packet it was
 * answering or forwarding did not have; the server does not answer an
 * invalid address but with a Migrate's refusal. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mops/build/build.h"
#include "mops/decode/decode.h"
#include "mops/model/dnat.h"
#include "mops/model/mobile.h"
#include "mops/model/nat.h"
#include "mops/model/router.h"
#include "mops/model/server.h"

enum { N_MOBILE, N_NAT, N_SERVER, N_DNAT, N_NODES };

#define DELIVERIES 512 /* per input: a loop between models ends here */
#define HISTORY 16     /* packets sent, for replays */
#define QUEUE 64       /* packets on the wire */

struct net {
    struct mops_mobile mn;
    struct mops_nat nat;
    struct mops_server srv;
    struct mops_dnat dnat;
    uint32_t bad[N_NODES];
    mops_addr_t mn_addr, nat_in, nat_out, srv_addr, vip, anycast;
    struct mops_prefix inside;
    uint64_t now;
    unsigned deliveries, drop;
    struct mops_outbox out; /* kept from input to input: its work space is claimed once */
    struct mops_packet pkt;
    struct mops_builder b;
    struct {
        uint8_t bytes[2048];
        uint32_t len;
    } hist[HISTORY];
    unsigned hist_i;
    struct {
        int from;
        uint64_t cause; /* problems of the packet it answers or forwards */
        uint32_t len;
        uint8_t bytes[2048];
    } q[QUEUE]; /* the wire: packets sent, not yet taken in */
    unsigned q_head, q_tail;
};

#define NOT_OK (UINT64_C(1) << 63) /* with the problem ids' bits */
_Static_assert(MOPS_P_COUNT < 63, "problem ids fit a mask");

static uint64_t problems_of(const struct mops_packet *p)
{
    uint64_t m = 0;
    for (unsigned i = 0; i < p->n_problems; i++)
        m |= UINT64_C(1) << p->problems[i].id;
    return m;
}

/* A packet a correct model sent decodes cleanly, but for what it passed on
 * from the packet that made it send (`cause`: a router does not check what
 * it forwards). */
static void check_sent(const struct net *n, int from, const struct mops_packet *p, uint64_t cause)
{
    if (n->bad[from])
        return;
    /* Traffic from an invalid address is dropped, not answered (ADDR §3),
     * but for a Migrate's refusal (MOPS §4.1); routers and NATs carry it. */
    if (from == N_SERVER && mops_packet_addr_invalid(p) && !(p->layers & MOPS_L_MOPS)) {
        fprintf(stderr, "the server answered a packet from an invalid address\n");
        abort();
    }
    for (unsigned i = 0; i < p->n_problems; i++)
        if (mops_problem_info(p->problems[i].id)->severity == MOPS_SEV_ERROR && !(cause >> p->problems[i].id & 1)) {
            fprintf(stderr, "node %d sent a packet with %s: %s\n", from, mops_problem_info(p->problems[i].id)->id,
                    p->problems[i].text);
            abort();
        }
    if (p->status != MOPS_ST_OK && !cause) {
        fprintf(stderr, "node %d sent a packet that does not decode (status %d)\n", from, (int)p->status);
        abort();
    }
}

/* Where a packet goes next: the node that takes it in (and on which side,
 * for the NAT), as the simulator's links would carry it. -1: nowhere. */
static int route(const struct net *n, int from, const struct mops_packet *p, bool *from_inside)
{
    mops_addr_t dst = p->ip.dst;
    *from_inside = false;
    if (from == N_MOBILE && mops_prefix_match(&n->inside, p->ip.src)) {
        *from_inside = true; /* behind the NAT: its gateway */
        return N_NAT;
    }
    if (dst == n->srv_addr || dst == n->anycast)
        return from == N_SERVER ? -1 : N_SERVER;
    if (dst == n->vip)
        return from == N_DNAT ? -1 : N_DNAT;
    if (dst == n->nat_out)
        return from == N_NAT ? -1 : N_NAT;
    if (dst == n->mn_addr && (from == N_NAT || !mops_prefix_match(&n->inside, dst)))
        return N_MOBILE;
    if (mops_prefix_match(&n->inside, dst) && from != N_NAT)
        return N_NAT;
    return -1;
}

static void enqueue(struct net *n, int from, uint64_t cause, const uint8_t *bytes, uint32_t len)
{
    if (len > sizeof n->q[0].bytes || n->q_tail - n->q_head == QUEUE)
        return; /* lost, as on a full link */
    unsigned k = n->q_tail++ % QUEUE;
    n->q[k].from = from;
    n->q[k].cause = cause;
    n->q[k].len = len;
    memcpy(n->q[k].bytes, bytes, len);
}

/* What node `from` just sent (in n->out) goes on the wire. */
static void queue_outbox(struct net *n, int from, uint64_t cause)
{
    for (unsigned i = 0; from >= 0 && i < n->out.n; i++)
        enqueue(n, from, cause, n->out.v[i].data, n->out.v[i].len);
    mops_outbox_clear(&n->out);
}

/* Takes in one packet at the node the router gives it to; what that node
 * sends goes to the back of the queue. */
static void take_in(struct net *n, int from, uint64_t cause, const uint8_t *bytes, uint32_t len)
{
    uint8_t *copy = malloc(len ? len : 1); /* exactly its size: a read past it is an ASan report */
    memcpy(copy, bytes, len);
    struct mops_packet *p = &n->pkt;
    mops_decode_frame(NULL, MOPS_LINKTYPE_USER0, copy, len, len, p);
    if (from >= 0)
        check_sent(n, from, p, cause);
    memcpy(n->hist[n->hist_i % HISTORY].bytes, bytes, len);
    n->hist[n->hist_i++ % HISTORY].len = len;
    bool inside;
    int to = route(n, from, p, &inside);
    struct mops_outbox *o = &n->out;
    switch (to) {
        case N_MOBILE: mops_mobile_input(&n->mn, n->now, p, o); break;
        case N_SERVER: mops_server_input(&n->srv, n->now, p, o); break;
        case N_NAT:
            if (!mops_nat_input(&n->nat, n->now, inside, p, o))
                mops_router_forward(&mops_settings_default, n->nat_out, p, o);
            break;
        case N_DNAT:
            if (!mops_dnat_input(&n->dnat, n->now, p, o))
                mops_router_forward(&mops_settings_default, n->vip, p, o);
            break;
        default: break;
    }
    uint64_t mine = problems_of(p) | (p->status != MOPS_ST_OK ? NOT_OK : 0);
    free(copy);
    queue_outbox(n, to, mine);
}

/* Delivers what is queued, in order, until nothing is or the budget ends. */
static void pump(struct net *n)
{
    while (n->q_head != n->q_tail && n->deliveries < DELIVERIES) {
        unsigned k = n->q_head++ % QUEUE;
        n->deliveries++;
        if (n->drop) {
            n->drop--;
            continue;
        }
        take_in(n, n->q[k].from, n->q[k].cause, n->q[k].bytes, n->q[k].len);
    }
}

static void tick(struct net *n)
{
    mops_mobile_tick(&n->mn, n->now, &n->out);
    queue_outbox(n, N_MOBILE, 0);
    mops_server_tick(&n->srv, n->now, &n->out);
    queue_outbox(n, N_SERVER, 0);
    pump(n);
}

/* A packet sent before, with one field set from the input, re-encoded so
 * that every length and checksum is right. */
static void replay_changed(struct net *n, const uint8_t *arg)
{
    if (!n->hist_i)
        return;
    unsigned k = (n->hist_i - 1 - arg[0] % HISTORY) % HISTORY;
    if (k >= n->hist_i)
        k = 0;
    struct mops_packet p;
    mops_decode_frame(NULL, MOPS_LINKTYPE_USER0, n->hist[k].bytes, n->hist[k].len, n->hist[k].len, &p);
    if (p.status != MOPS_ST_OK)
        return;
    uint64_t v = (uint64_t)arg[2] | (uint64_t)arg[3] << 8 | (uint64_t)arg[4] << 16;
    unsigned port = arg[1] >> 4;
    /* Only fields the packet has: the decoded struct's unions hold one kind. */
    bool tcp = p.layers & MOPS_L_TCP, udp = p.layers & MOPS_L_UDP;
    bool mig = (p.layers & MOPS_L_MOPS) && p.icmp.kind == MOPS_ICMP_KIND_MIGRATE;
    bool ack = (p.layers & MOPS_L_MOPS) && p.icmp.kind == MOPS_ICMP_KIND_NAT_ACK;
    switch (arg[1] & 15) {
        case 0: p.ip.src = (v << 26 | v) & MOPS_ADDR_MASK; break;
        case 1: p.ip.dst ^= v & 0x3ff; break;
        case 2: p.ip.htl = (uint8_t)v; break;
        case 3: p.tcp.seq = tcp ? (uint32_t)v : p.tcp.seq; break;
        case 4: p.tcp.ack = tcp ? (uint32_t)v : p.tcp.ack; break;
        case 5: p.tcp.flags = tcp ? (uint8_t)v : p.tcp.flags; break;
        case 6:
            if (mig)
                p.icmp.u.migrate.prev_addr = (v << 26 | v) & MOPS_ADDR_MASK;
            break;
        case 7:
            if (mig)
                p.icmp.u.migrate.mig_addr ^= v & 0x3ff;
            break;
        case 8:
            if (mig && port < p.icmp.u.migrate.n_decoded)
                p.pool.migrate[port].seq = v << (arg[0] & 32); /* high bits too (profile §5) */
            break;
        case 9:
            if (mig && port < p.icmp.u.migrate.n_decoded)
                p.pool.migrate[port].prev_sport = (uint16_t)v;
            break;
        case 10:
            if (mig || ack)
                p.icmp.code = (uint8_t)v;
            break;
        case 11: p.tcp.sport = tcp ? (uint16_t)v : p.tcp.sport; break;
        case 12: p.tcp.dport = tcp ? (uint16_t)v : p.tcp.dport; break;
        case 13: p.udp.sport = udp ? (uint16_t)v : p.udp.sport; break;
        case 14:
            if (ack)
                p.icmp.u.natack.level = (uint8_t)v;
            break;
        default:
            if (ack && port < p.icmp.u.natack.n_decoded)
                p.pool.natack[port].trans_port = (uint16_t)v;
            break;
    }
    mops_build_init(&n->b, NULL);
    if (mops_build_packet(&n->b, &p) != 0)
        return;
    mops_build_finish(&n->b);
    uint32_t len;
    const uint8_t *bytes = mops_build_data(&n->b, &len);
    if (n->b.overflow)
        return;
    enqueue(n, -1, 0, bytes, len);
    pump(n);
}

static int setup(struct net *n, const uint8_t *bad)
{
    struct mops_outbox out = n->out;
    memset(n, 0, offsetof(struct net, pkt));
    n->out = out;
    n->hist_i = n->q_head = n->q_tail = 0;
    n->mn_addr = mops_addr_make(10, 2, 0, 0, 1);
    n->nat_in = mops_addr_make(10, 2, 0, 0, 254);
    n->nat_out = mops_addr_make(172, 16, 0, 0, 1);
    n->srv_addr = mops_addr_make(8, 8, 8, 8, 8);
    n->anycast = mops_addr_make(8, 8, 8, 8, 100);
    n->vip = mops_addr_make(9, 9, 9, 9, 9);
    n->inside = (struct mops_prefix){mops_addr_make(10, 2, 0, 0, 0), 40};
    /* The first octets choose misbehaviours, mostly none. */
    for (int i = 0; i < N_NODES; i++)
        n->bad[i] = bad[i] >= 0xe0 ? 1u << (bad[i] & 31) : 0;
    static const struct mops_model_caps caps = {.mobile_socks = 8,
                                                .mobile_natt = 8,
                                                .mobile_pending = 4,
                                                .server_socks = 16,
                                                .server_history = 8,
                                                .nat_maps = 16,
                                                .nat_intercepts = 8,
                                                .dnat_sessions = 8,
                                                .dnat_pending = 4};
    if (mops_mobile_init(&n->mn, &mops_settings_default, "mn", 1, n->bad[N_MOBILE], &caps) < 0)
        return -1;
    if (mops_nat_init(&n->nat, &mops_settings_default, "nat", n->nat_out, n->nat_in, &n->inside, 40000, n->bad[N_NAT],
                      &caps) < 0)
        goto nat;
    if (mops_server_init(&n->srv, &mops_settings_default, "srv", n->srv_addr, 2, n->bad[N_SERVER], &caps) < 0)
        goto srv;
    if (mops_dnat_init(&n->dnat, &mops_settings_default, "dnat", n->vip, n->srv_addr, bad[0] & 1, n->bad[N_DNAT],
                       &caps) < 0)
        goto dnat;
    n->srv.anycast = n->anycast;
    n->srv.seq_exact = bad[1] & 1;
    struct mops_listen tcp = {.proto = MOPS_PROTO_TCP, .port = 80, .respond = 100};
    struct mops_listen udp = {
        .proto = MOPS_PROTO_UDPV5, .port = 5001, .unique_required = true, .unique_id = 0xfee1dead, .respond = 40};
    struct mops_listen push = {.proto = MOPS_PROTO_TCP, .port = 443, .push = 50, .push_every_ns = 300000000};
    mops_server_listen(&n->srv, &tcp);
    mops_server_listen(&n->srv, &udp);
    mops_server_listen(&n->srv, &push);
    return 0;
dnat:
    mops_server_free(&n->srv);
srv:
    mops_nat_free(&n->nat);
nat:
    mops_mobile_free(&n->mn);
    return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct net n;
    if (size < N_NODES || setup(&n, data) < 0)
        return 0;
    n.now = 1000000000ull;
    struct mops_outbox *o = &n.out;
    mops_mobile_attach(&n.mn, n.now, n.mn_addr, o);
    queue_outbox(&n, N_MOBILE, 0);
    static const uint16_t dports[] = {80, 5001, 443, 9};
    size_t off = N_NODES;
    while (off + 6 <= size && n.deliveries < DELIVERIES) {
        const uint8_t *a = data + off;
        off += 6;
        const uint64_t id = a[4] & 1 ? 0xfee1dead : 0xbadc0de;
        int nsock = 0;
        switch (a[0] & 7) {
            case 0: { /* open: TCP or UDP, to the server, its anycast address or the DNAT */
                mops_addr_t dst = a[1] % 3 == 0 ? n.srv_addr : a[1] % 3 == 1 ? n.anycast : n.vip;
                uint16_t proto = a[2] & 1 ? MOPS_PROTO_UDPV5 : MOPS_PROTO_TCP;
                mops_mobile_connect(&n.mn, n.now, proto, dst, dports[a[3] & 3], (uint16_t)(1024 + a[5]),
                                    a[4] & 2 ? &id : NULL, !(a[4] & 4), o);
                break;
            }
            case 1: /* send on a socket */
                nsock = a[1] % 8;
                if (nsock < (int)n.mn.n_socks && n.mn.socks[nsock].state != MOPS_SOCK_FREE)
                    mops_mobile_send(&n.mn, nsock, (uint32_t)a[2] * 8, o);
                break;
            case 2: /* move: within the NAT's inside network or out of it */
                n.mn_addr =
                    a[1] & 1 ? mops_addr_make(10, 2, 0, 0, 2 + a[2] % 4) : mops_addr_make(12, 0, 0, 0, 5 + a[2] % 4);
                mops_mobile_attach(&n.mn, n.now, n.mn_addr, o);
                break;
            case 3: /* time passes: timers fire */
                n.now += (uint64_t)a[1] * 1000000u * (a[1] > 200 ? 100 : 1);
                tick(&n);
                break;
            case 4: /* the next packets are lost */ n.drop = a[1] % 4; break;
            case 5: { /* raw bytes to a node */
                size_t len = a[1] < size - off ? a[1] : size - off;
                enqueue(&n, -1, 0, data + off, (uint32_t)len);
                off += len;
                break;
            }
            case 6: replay_changed(&n, a + 1); break;
            default: { /* an off-path Migrate */
                struct mops_migrate g = {.version = 1,
                                         .proto = a[1] & 1 ? MOPS_PROTO_UDPV5 : MOPS_PROTO_TCP,
                                         .prev_addr = a[2] & 1 ? n.nat_out : n.mn_addr,
                                         .n_ports = 1,
                                         .mig_addr = mops_addr_make(6, 6, 6, 6, a[3])};
                struct mops_migrate_port port = {.prev_sport = (uint16_t)(a[2] & 2 ? 40000 + a[4] % 8 : 1024 + a[4]),
                                                 .mig_sport = 7,
                                                 .prev_dport = dports[a[3] & 3],
                                                 .mig_dport = dports[a[3] & 3],
                                                 .seq = a[5] & 1 ? id : (uint64_t)a[5] << 24};
                mops_mobile_inject(&n.mn, a[1] & 2 ? n.vip : n.srv_addr, 0, &g, &port, o);
                break;
            }
        }
        queue_outbox(&n, N_MOBILE, 0);
        pump(&n);
    }
    n.now += 30ull * 1000000000u; /* every timer runs out */
    tick(&n);
    mops_dnat_free(&n.dnat);
    mops_server_free(&n.srv);
    mops_nat_free(&n.nat);
    mops_mobile_free(&n.mn);
    return 0;
}
