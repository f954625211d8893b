/* A deterministic network simulator for the reference models: links with
 * delay and loss, hosts and routers with routes, a virtual clock, a mobile
 * node that moves, and a pcapng capture with one interface per link. */
#ifndef MOPS_SIM_H
#define MOPS_SIM_H

#include "mops/capture/dump.h"
#include "mops/model/dnat.h"
#include "mops/model/lara.h"
#include "mops/model/mobile.h"
#include "mops/model/nat.h"
#include "mops/model/router.h"
#include "mops/model/server.h"

#define MOPS_SIM_NODES 32
#define MOPS_SIM_LINKS 32
#define MOPS_SIM_IFACES 4
#define MOPS_SIM_ROUTES 8
#define MOPS_SIM_DROPS 4
#define MOPS_SIM_T0 UINT64_C(1767225600000000000) /* capture time 0: 2026-01-01 UTC */

enum mops_sim_role { MOPS_SIM_MOBILE, MOPS_SIM_SERVER, MOPS_SIM_NAT, MOPS_SIM_DNAT, MOPS_SIM_ROUTER };

/* What a drop rule on a link matches. */
enum mops_sim_match {
    MOPS_SIM_ANY,
    MOPS_SIM_MIGRATE_REQUEST,
    MOPS_SIM_MIGRATE_REPLY,
    MOPS_SIM_NAT_ACK,
    MOPS_SIM_TCP_DATA,
};

struct mops_sim_iface {
    int link; /* -1: detached */
    mops_addr_t addr;
    unsigned plen;
    uint8_t mac[6];        /* physical; with LARA its frames carry the logical MAC */
    struct mops_lara lara; /* with LARA: its address (a mobile node's model runs its own) */
};

struct mops_sim_route {
    struct mops_prefix dst;
    mops_addr_t via;
};

struct mops_sim_node {
    char name[MOPS_MODEL_NAME];
    enum mops_sim_role role;
    unsigned n_ifs, n_routes;
    struct mops_sim_iface ifs[MOPS_SIM_IFACES];
    struct mops_sim_route routes[MOPS_SIM_ROUTES];
    int nat_inside; /* NAT: the inside interface */
    bool wrong_mac; /* misbehaviour wrong-mac: its frames carry its physical MAC, not the logical one */
    union {
        struct mops_mobile *mobile;
        struct mops_server *server;
        struct mops_nat *nat;
        struct mops_dnat *dnat;
    } m;
    uint64_t timer_at;
};

struct mops_sim_drop {
    enum mops_sim_match match;
    unsigned skip, count; /* let `skip` matching frames through, then drop `count` */
};

struct mops_sim_link {
    char name[MOPS_MODEL_NAME];
    uint64_t delay_ns;
    uint32_t loss_ppm;   /* random loss, parts per million, drawn from the seed */
    unsigned loss_spare; /* 1 << mops_sim_match: kinds random loss never takes */
    bool uncaptured;     /* no tap on it: the capture shows none of its frames */
    unsigned n_drops;
    struct mops_sim_drop drops[MOPS_SIM_DROPS];
};

enum mops_sim_action_kind {
    MOPS_SIM_CONNECT,
    MOPS_SIM_SEND,
    MOPS_SIM_DETACH,
    MOPS_SIM_ATTACH,
    MOPS_SIM_INJECT,
    MOPS_SIM_SEGMENT,
    MOPS_SIM_ADVERTISE, /* LARA §5.1: the broadcast advertisement */
};

struct mops_sim_action {
    enum mops_sim_action_kind kind;
    int node;
    /* connect */
    uint16_t proto, dport, sport;
    mops_addr_t dst;
    bool has_unique_id, plain; /* plain: without MOBILE_CAPABLE */
    uint64_t unique_id;
    int sock_label; /* connect: the label it gets; send: the socket to use */
    /* send */
    uint32_t bytes;
    /* attach */
    int link;
    mops_addr_t addr, gw;
    unsigned plen;
    /* inject: a crafted Migrate to dst; segment: a TCP segment from the
     * node's address, sport -> dst:dport, sequence seq, `bytes` of data */
    uint8_t code;
    struct mops_migrate migrate;
    struct mops_migrate_port port;
};

struct mops_sim_event;

struct mops_sim {
    struct mops_settings st;
    struct mops_model_caps caps; /* of every node's model */
    bool lara;                   /* LARA on every link (profile §9): logical MACs, DAD on attach */
    uint64_t now, seq, rng;
    unsigned n_nodes, n_links;
    struct mops_sim_node nodes[MOPS_SIM_NODES];
    struct mops_sim_link links[MOPS_SIM_LINKS];
    int sock_of_label[64]; /* connect labels -> mobile socket index */
    struct mops_sim_event *heap;
    unsigned n_heap, cap_heap;
    struct mops_dump *capture;
    /* Work space: the packet being delivered, the one a drop rule looks at,
     * and what the models send (the simulator's own, so that simulators run
     * side by side). */
    struct mops_packet *pkt, *drop_pkt;
    struct mops_outbox out;
    uint64_t frames_sent, frames_delivered, frames_dropped, frames_unroutable;
    char err[256];
};

void mops_sim_init(struct mops_sim *s, const struct mops_settings *st, uint64_t seed);
void mops_sim_free(struct mops_sim *s);
int mops_sim_add_link(struct mops_sim *s, const char *name, uint64_t delay_ns);
int mops_sim_add_drop(struct mops_sim *s, int link, const struct mops_sim_drop *d);
/* Adds a node; its model is made by the role's own init afterwards through
 * the pointer in nodes[i].m (allocated here, zeroed). Returns its index. */
int mops_sim_add_node(struct mops_sim *s, const char *name, enum mops_sim_role role);
int mops_sim_add_iface(struct mops_sim *s, int node, int link, mops_addr_t addr, unsigned plen);
int mops_sim_add_route(struct mops_sim *s, int node, const struct mops_prefix *dst, mops_addr_t via);
int mops_sim_find_node(const struct mops_sim *s, const char *name);
int mops_sim_find_link(const struct mops_sim *s, const char *name);
/* Switches LARA on, once the nodes are added: every interface's address is
 * held already (booted before the capture), a mobile node's next attach
 * runs DAD, and frames carry logical MACs. */
void mops_sim_use_lara(struct mops_sim *s);
/* Writes every frame sent to path (pcapng, one interface per link). */
int mops_sim_capture(struct mops_sim *s, const char *path);
void mops_sim_schedule(struct mops_sim *s, uint64_t at, const struct mops_sim_action *a);
/* Runs until `until` (virtual ns) or until nothing is left to happen.
 * Returns 0, or -1 with s->err set. */
int mops_sim_run(struct mops_sim *s, uint64_t until);
int mops_sim_close_capture(struct mops_sim *s);

#endif
