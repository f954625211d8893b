/* The scenario loader: JSON -> simulator topology, models and timeline. Every
 * field is checked; an error names its place in the document. */
#include "mops/sim/scenario.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ctx {
    struct mops_sim *s;
    char *err;
    char labels[64][32];
    unsigned n_labels;
};

static int fail(struct ctx *c, const char *where, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct ctx *c, const char *where, const char *fmt, ...)
{
    char what[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(c->err, 512, "%s: %s", where, what);
    return -1;
}

static int get_string(struct ctx *c, json_t *o, const char *key, const char *where, const char **out, bool required)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = NULL;
        return required ? fail(c, where, "missing \"%s\"", key) : 0;
    }
    if (!json_is_string(v))
        return fail(c, where, "\"%s\" must be a string", key);
    *out = json_string_value(v);
    return 0;
}

static int get_number(struct ctx *c, json_t *o, const char *key, const char *where, double lo, double hi, double dflt,
                      double *out)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = dflt;
        return 0;
    }
    if (!json_is_number(v))
        return fail(c, where, "\"%s\" must be a number", key);
    *out = json_number_value(v);
    if (*out < lo || *out > hi)
        return fail(c, where, "\"%s\" must be from %g to %g", key, lo, hi);
    return 0;
}

static int get_bool(struct ctx *c, json_t *o, const char *key, const char *where, bool *out)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = false;
        return 0;
    }
    if (!json_is_boolean(v))
        return fail(c, where, "\"%s\" must be true or false", key);
    *out = json_is_true(v);
    return 0;
}

static int get_addr(struct ctx *c, json_t *o, const char *key, const char *where, bool required, mops_addr_t *out,
                    unsigned *plen)
{
    const char *t;
    if (get_string(c, o, key, where, &t, required) < 0)
        return -1;
    if (!t) {
        *out = 0;
        return 0;
    }
    const char *why;
    if (plen) {
        /* "addr/len": the interface's address, not the network's. */
        char buf[64];
        snprintf(buf, sizeof buf, "%s", t);
        char *slash = strchr(buf, '/');
        struct mops_prefix p;
        /* Fields above 999 are allowed: scenarios exist to make faulty traffic too. */
        if (mops_prefix_parse(t, MOPS_ADDR_ALLOW_INVALID, &p, &why) < 0)
            return fail(c, where, "\"%s\": %s", key, why);
        if (slash)
            *slash = 0;
        mops_addr_parse(buf, MOPS_ADDR_ALLOW_INVALID, out, &why);
        *plen = p.len;
        return 0;
    }
    if (mops_addr_parse(t, MOPS_ADDR_ALLOW_INVALID, out, &why) < 0)
        return fail(c, where, "\"%s\": %s", key, why);
    return 0;
}

static int node_by_name(struct ctx *c, json_t *o, const char *key, const char *where, int *out)
{
    const char *name;
    if (get_string(c, o, key, where, &name, true) < 0)
        return -1;
    *out = mops_sim_find_node(c->s, name);
    return *out < 0 ? fail(c, where, "no node named \"%s\"", name) : 0;
}

static int link_by_name(struct ctx *c, json_t *o, const char *key, const char *where, int *out)
{
    const char *name;
    if (get_string(c, o, key, where, &name, true) < 0)
        return -1;
    *out = mops_sim_find_link(c->s, name);
    return *out < 0 ? fail(c, where, "no link named \"%s\"", name) : 0;
}

static int proto_of(struct ctx *c, json_t *o, const char *where, uint16_t *out)
{
    const char *p;
    if (get_string(c, o, "proto", where, &p, false) < 0)
        return -1;
    if (!p || strcmp(p, "tcp") == 0)
        *out = MOPS_PROTO_TCP;
    else if (strcmp(p, "udp") == 0)
        *out = MOPS_PROTO_UDPV5;
    else
        return fail(c, where, "\"proto\" is tcp or udp, not \"%s\"", p);
    return 0;
}

/* The model's misbehaviours, and the simulator's own: wrong-mac is the
 * node's link driver sending from its physical MAC (profile §9). */
static int misbehaviours(struct ctx *c, json_t *node, const char *where, uint32_t *out, bool *wrong_mac)
{
    *out = 0;
    *wrong_mac = false;
    json_t *v = json_object_get(node, "misbehave");
    if (!v)
        return 0;
    if (!json_is_array(v))
        return fail(c, where, "\"misbehave\" must be a list of names");
    size_t i;
    json_t *e;
    json_array_foreach (v, i, e) {
        if (json_is_string(e) && strcmp(json_string_value(e), "wrong-mac") == 0) {
            *wrong_mac = true;
            continue;
        }
        uint32_t bit = json_is_string(e) ? mops_misbehaviour_parse(json_string_value(e)) : 0;
        if (!bit)
            return fail(c, where, "unknown misbehaviour %s",
                        json_is_string(e) ? json_string_value(e) : "(not a string)");
        *out |= bit;
    }
    return 0;
}

static int interface(struct ctx *c, int node, json_t *f, const char *where, int *ifidx)
{
    if (!json_is_object(f))
        return fail(c, where, "an interface is an object with \"link\" and \"addr\"");
    int link;
    mops_addr_t a;
    unsigned plen;
    if (link_by_name(c, f, "link", where, &link) < 0 || get_addr(c, f, "addr", where, true, &a, &plen) < 0)
        return -1;
    *ifidx = mops_sim_add_iface(c->s, node, link, a, plen);
    return *ifidx < 0 ? fail(c, where, "too many interfaces") : 0;
}

static int routes(struct ctx *c, int node, json_t *n, const char *where)
{
    json_t *v = json_object_get(n, "routes");
    if (!v)
        return 0;
    if (!json_is_array(v))
        return fail(c, where, "\"routes\" must be a list");
    size_t i;
    json_t *r;
    json_array_foreach (v, i, r) {
        char w[128];
        snprintf(w, sizeof w, "%s.routes[%zu]", where, i);
        const char *to;
        mops_addr_t via;
        struct mops_prefix p;
        const char *why;
        if (get_string(c, r, "to", w, &to, true) < 0 || get_addr(c, r, "via", w, true, &via, NULL) < 0)
            return -1;
        if (mops_prefix_parse(to, 0, &p, &why) < 0)
            return fail(c, w, "\"to\": %s", why);
        if (mops_sim_add_route(c->s, node, &p, via) < 0)
            return fail(c, w, "too many routes");
    }
    return 0;
}

/* "gw": a default route. */
static int gateway(struct ctx *c, int node, json_t *n, const char *where)
{
    mops_addr_t gw;
    if (get_addr(c, n, "gw", where, false, &gw, NULL) < 0)
        return -1;
    if (gw) {
        struct mops_prefix all = {0, 0};
        mops_sim_add_route(c->s, node, &all, gw);
    }
    return 0;
}

/* "mac": the physical MAC of its first interface, as "b8:6b:23:7b:c3:79"
 * (two nodes given one: a cloned VM, LARA §3.1.3). */
static int physical_mac(struct ctx *c, int node, json_t *n, const char *where)
{
    const char *text;
    if (get_string(c, n, "mac", where, &text, false) < 0)
        return -1;
    if (!text)
        return 0;
    unsigned m[6];
    char end;
    if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &end) != 6)
        return fail(c, where, "\"mac\" is six hex octets, as b8:6b:23:7b:c3:79, not \"%s\"", text);
    for (int i = 0; i < 6; i++)
        c->s->nodes[node].ifs[0].mac[i] = (uint8_t)m[i];
    return 0;
}

static int load_node(struct ctx *c, json_t *n, size_t idx, uint64_t seed)
{
    char where[48];
    snprintf(where, sizeof where, "nodes[%zu]", idx);
    if (!json_is_object(n))
        return fail(c, where, "a node is an object");
    const char *name, *role;
    if (get_string(c, n, "name", where, &name, true) < 0 || get_string(c, n, "role", where, &role, true) < 0)
        return -1;
    if (mops_sim_find_node(c->s, name) >= 0)
        return fail(c, where, "a second node named \"%s\"", name);
    static const struct {
        const char *name;
        enum mops_sim_role role;
    } roles[] = {{"mobile", MOPS_SIM_MOBILE},
                 {"server", MOPS_SIM_SERVER},
                 {"nat", MOPS_SIM_NAT},
                 {"dnat", MOPS_SIM_DNAT},
                 {"router", MOPS_SIM_ROUTER}};
    int r = -1;
    for (unsigned i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(role, roles[i].name) == 0)
            r = (int)i;
    if (r < 0)
        return fail(c, where, "\"role\" is mobile, server, nat, dnat or router, not \"%s\"", role);
    uint32_t bad;
    bool wrong_mac;
    if (misbehaviours(c, n, where, &bad, &wrong_mac) < 0)
        return -1;
    int node = mops_sim_add_node(c->s, name, roles[r].role);
    if (node < 0)
        return fail(c, where, "too many nodes");
    struct mops_sim_node *sn = &c->s->nodes[node];
    sn->wrong_mac = wrong_mac;
    uint64_t node_seed = seed ^ ((uint64_t)(idx + 1) * UINT64_C(0x9e3779b97f4a7c15));
    int ifi;
    if (roles[r].role == MOPS_SIM_NAT) {
        char w[128];
        snprintf(w, sizeof w, "%s.inside", where);
        if (interface(c, node, json_object_get(n, "inside"), w, &ifi) < 0)
            return -1;
        sn->nat_inside = ifi;
        snprintf(w, sizeof w, "%s.outside", where);
        if (interface(c, node, json_object_get(n, "outside"), w, &ifi) < 0)
            return -1;
    } else if (roles[r].role == MOPS_SIM_MOBILE) {
        if (interface(c, node, n, where, &ifi) < 0)
            return -1;
    } else {
        json_t *ifs = json_object_get(n, "interfaces");
        if (!json_is_array(ifs) || json_array_size(ifs) == 0)
            return fail(c, where, "\"interfaces\" must be a list of {\"link\", \"addr\"}");
        size_t i;
        json_t *f;
        json_array_foreach (ifs, i, f) {
            char w[128];
            snprintf(w, sizeof w, "%s.interfaces[%zu]", where, i);
            if (interface(c, node, f, w, &ifi) < 0)
                return -1;
        }
    }
    if (routes(c, node, n, where) < 0 || gateway(c, node, n, where) < 0 || physical_mac(c, node, n, where) < 0)
        return -1;
    const struct mops_settings *st = &c->s->st;
    switch (roles[r].role) {
        case MOPS_SIM_MOBILE: {
            if (mops_mobile_init(sn->m.mobile, st, name, node_seed, bad, &c->s->caps) < 0)
                return fail(c, where, "out of memory");
            bool atomic = false;
            double port;
            if (get_bool(c, n, "atomic", where, &atomic) < 0 ||
                get_number(c, n, "migrate_sport", where, 0, 65535, 0, &port) < 0)
                return -1;
            sn->m.mobile->atomic = atomic;
            sn->m.mobile->next_mig_port = (uint16_t)port;
            mops_mobile_attach(sn->m.mobile, 0, sn->ifs[0].addr, NULL);
            break;
        }
        case MOPS_SIM_SERVER: {
            struct mops_server *sv = sn->m.server;
            if (mops_server_init(sv, st, name, sn->ifs[0].addr, node_seed, bad, &c->s->caps) < 0)
                return fail(c, where, "out of memory");
            double wnd;
            if (get_addr(c, n, "anycast", where, false, &sv->anycast, NULL) < 0 ||
                get_number(c, n, "window", where, 1, 65535, 65535, &wnd) < 0)
                return -1;
            sv->rcv_wnd = (uint32_t)wnd;
            if (sv->anycast) /* it answers on its anycast address too */
                mops_sim_add_iface(c->s, node, sn->ifs[0].link, sv->anycast, 50);
            json_t *ls = json_object_get(n, "listen");
            if (!json_is_array(ls))
                return fail(c, where, "a server needs \"listen\": [{\"proto\", \"port\"}]");
            size_t i;
            json_t *l;
            json_array_foreach (ls, i, l) {
                char w[128];
                snprintf(w, sizeof w, "%s.listen[%zu]", where, i);
                struct mops_listen li = {0};
                double port, respond, uid, push, every;
                if (proto_of(c, l, w, &li.proto) < 0 || get_number(c, l, "port", w, 1, 65535, 0, &port) < 0 ||
                    get_number(c, l, "respond", w, 0, 60000, 0, &respond) < 0 ||
                    get_number(c, l, "push", w, 0, 60000, 0, &push) < 0 ||
                    get_number(c, l, "push_every", w, 0, 3600, 0, &every) < 0 ||
                    get_number(c, l, "unique_id", w, 0, 9007199254740991.0, -1, &uid) < 0)
                    return -1;
                if (port < 1)
                    return fail(c, w, "missing \"port\"");
                li.port = (uint16_t)port;
                li.respond = (uint32_t)respond;
                li.push = (uint32_t)push;
                li.push_every_ns = (uint64_t)(every * 1e9);
                li.unique_required = uid >= 0;
                li.unique_id = uid >= 0 ? (uint64_t)uid : 0;
                if (mops_server_listen(sv, &li) < 0)
                    return fail(c, w, "too many listeners");
            }
            break;
        }
        case MOPS_SIM_NAT: {
            double first;
            if (get_number(c, n, "first_port", where, 1024, 65000, 40000, &first) < 0)
                return -1;
            struct mops_prefix inside = {sn->ifs[sn->nat_inside].addr & mops_prefix_mask(sn->ifs[sn->nat_inside].plen),
                                         sn->ifs[sn->nat_inside].plen};
            if (mops_nat_init(sn->m.nat, st, name, sn->ifs[1].addr, sn->ifs[0].addr, &inside, (uint16_t)first, bad,
                              &c->s->caps) < 0)
                return fail(c, where, "out of memory");
            break;
        }
        case MOPS_SIM_DNAT: {
            mops_addr_t vip, backend;
            bool atomic = false;
            if (get_addr(c, n, "vip", where, true, &vip, NULL) < 0 ||
                get_addr(c, n, "backend", where, true, &backend, NULL) < 0 ||
                get_bool(c, n, "atomic", where, &atomic) < 0)
                return -1;
            if (mops_dnat_init(sn->m.dnat, st, name, vip, backend, atomic, bad, &c->s->caps) < 0)
                return fail(c, where, "out of memory");
            mops_sim_add_iface(c->s, node, sn->ifs[0].link, vip, 50);
            break;
        }
        case MOPS_SIM_ROUTER: break;
    }
    return 0;
}

static int label(struct ctx *c, const char *id, bool create, const char *where, int *out)
{
    for (unsigned i = 0; i < c->n_labels; i++)
        if (strcmp(c->labels[i], id) == 0) {
            if (create)
                return fail(c, where, "a second socket named \"%s\"", id);
            *out = (int)i;
            return 0;
        }
    if (!create)
        return fail(c, where, "no socket named \"%s\" was connected before", id);
    if (c->n_labels == 64)
        return fail(c, where, "too many sockets");
    snprintf(c->labels[c->n_labels], 32, "%s", id);
    *out = (int)c->n_labels++;
    return 0;
}

static int load_event(struct ctx *c, json_t *e, size_t idx)
{
    char where[48];
    snprintf(where, sizeof where, "timeline[%zu]", idx);
    if (!json_is_object(e))
        return fail(c, where, "an event is an object");
    struct mops_sim_action a = {.sock_label = -1};
    double at;
    if (get_number(c, e, "at", where, 0, 3600, -1, &at) < 0 || node_by_name(c, e, "node", where, &a.node) < 0)
        return -1;
    if (at < 0)
        return fail(c, where, "missing \"at\" (seconds)");
    if (c->s->nodes[a.node].role != MOPS_SIM_MOBILE)
        return fail(c, where, "only a mobile node acts on the timeline");
    json_t *v;
    const char *id;
    if ((v = json_object_get(e, "connect"))) {
        a.kind = MOPS_SIM_CONNECT;
        double dport, sport, uid;
        if (proto_of(c, v, where, &a.proto) < 0 || get_addr(c, v, "dst", where, true, &a.dst, NULL) < 0 ||
            get_number(c, v, "dport", where, 1, 65535, 0, &dport) < 0 ||
            get_number(c, v, "sport", where, 1, 65535, 0, &sport) < 0 ||
            get_number(c, v, "unique_id", where, 0, 9007199254740991.0, -1, &uid) < 0 ||
            get_string(c, v, "id", where, &id, true) < 0 || label(c, id, true, where, &a.sock_label) < 0)
            return -1;
        if (dport < 1 || sport < 1)
            return fail(c, where, "connect needs \"dport\" and \"sport\"");
        bool mobile = true;
        if (json_object_get(v, "mobile") && get_bool(c, v, "mobile", where, &mobile) < 0)
            return -1;
        a.plain = !mobile;
        a.dport = (uint16_t)dport;
        a.sport = (uint16_t)sport;
        a.has_unique_id = uid >= 0;
        a.unique_id = uid >= 0 ? (uint64_t)uid : 0;
    } else if ((v = json_object_get(e, "send"))) {
        a.kind = MOPS_SIM_SEND;
        double bytes;
        if (get_string(c, v, "socket", where, &id, true) < 0 || label(c, id, false, where, &a.sock_label) < 0 ||
            get_number(c, v, "bytes", where, 0, 60000, 100, &bytes) < 0)
            return -1;
        a.bytes = (uint32_t)bytes;
    } else if ((v = json_object_get(e, "migrate"))) {
        /* A crafted Migrate, as an attacker would send it. */
        a.kind = MOPS_SIM_INJECT;
        double code, ps, ms, dp, seq;
        if (get_addr(c, v, "dst", where, true, &a.dst, NULL) < 0 ||
            get_addr(c, v, "prev_addr", where, true, &a.migrate.prev_addr, NULL) < 0 ||
            get_addr(c, v, "mig_addr", where, true, &a.migrate.mig_addr, NULL) < 0 ||
            get_number(c, v, "code", where, 0, 255, 0, &code) < 0 ||
            get_number(c, v, "prev_sport", where, 0, 65535, 0, &ps) < 0 ||
            get_number(c, v, "mig_sport", where, 0, 65535, 0, &ms) < 0 ||
            get_number(c, v, "dport", where, 0, 65535, 0, &dp) < 0 ||
            get_number(c, v, "seq", where, 0, 9007199254740991.0, 0, &seq) < 0 || proto_of(c, v, where, &a.proto) < 0)
            return -1;
        a.code = (uint8_t)code;
        a.migrate = (struct mops_migrate){.version = MOPS_MOPS_VERSION,
                                          .proto = a.proto,
                                          .prev_addr = a.migrate.prev_addr,
                                          .n_ports = 1,
                                          .mig_addr = a.migrate.mig_addr};
        a.port = (struct mops_migrate_port){(uint16_t)ps, (uint16_t)ms, (uint16_t)dp, (uint16_t)dp, (uint64_t)seq};
    } else if ((v = json_object_get(e, "segment"))) {
        /* A TCP segment on a tuple of the node's address that no socket of
         * its own holds: a stale write, or an attacker's probe. */
        a.kind = MOPS_SIM_SEGMENT;
        double sport, dport, seq, bytes;
        if (get_addr(c, v, "dst", where, true, &a.dst, NULL) < 0 ||
            get_number(c, v, "sport", where, 1, 65535, 0, &sport) < 0 ||
            get_number(c, v, "dport", where, 1, 65535, 0, &dport) < 0 ||
            get_number(c, v, "seq", where, 0, 4294967295.0, 0, &seq) < 0 ||
            get_number(c, v, "bytes", where, 0, 60000, 10, &bytes) < 0)
            return -1;
        if (sport < 1 || dport < 1)
            return fail(c, where, "segment needs \"sport\" and \"dport\"");
        a.sport = (uint16_t)sport;
        a.dport = (uint16_t)dport;
        a.port.seq = (uint64_t)seq;
        a.bytes = (uint32_t)bytes;
    } else if (json_object_get(e, "advertise")) {
        a.kind = MOPS_SIM_ADVERTISE;
    } else if (json_object_get(e, "detach")) {
        a.kind = MOPS_SIM_DETACH;
    } else if ((v = json_object_get(e, "attach"))) {
        a.kind = MOPS_SIM_ATTACH;
        if (link_by_name(c, v, "link", where, &a.link) < 0 ||
            get_addr(c, v, "addr", where, true, &a.addr, &a.plen) < 0 ||
            get_addr(c, v, "gw", where, true, &a.gw, NULL) < 0)
            return -1;
    } else {
        return fail(c, where, "an event does one of connect, send, detach, attach, advertise, migrate, segment");
    }
    mops_sim_schedule(c->s, (uint64_t)(at * 1e9 + 0.5), &a);
    return 0;
}

static int load_link(struct ctx *c, json_t *l, size_t idx)
{
    char where[48];
    snprintf(where, sizeof where, "links[%zu]", idx);
    const char *name;
    double delay, loss;
    if (!json_is_object(l))
        return fail(c, where, "a link is an object");
    if (get_string(c, l, "name", where, &name, true) < 0 ||
        get_number(c, l, "delay_ms", where, 0, 10000, 1, &delay) < 0 ||
        get_number(c, l, "loss", where, 0, 1, 0, &loss) < 0)
        return -1;
    if (mops_sim_find_link(c->s, name) >= 0)
        return fail(c, where, "a second link named \"%s\"", name);
    int link = mops_sim_add_link(c->s, name, (uint64_t)(delay * 1e6 + 0.5));
    if (link < 0)
        return fail(c, where, "too many links");
    c->s->links[link].loss_ppm = (uint32_t)(loss * 1e6 + 0.5);
    bool captured = true;
    if (json_object_get(l, "captured") && get_bool(c, l, "captured", where, &captured) < 0)
        return -1;
    c->s->links[link].uncaptured = !captured;
    static const char *const kinds[] = {"any", "migrate-request", "migrate-reply", "nat-ack", "tcp-data"};
    size_t i;
    json_t *d;
    json_array_foreach (json_object_get(l, "loss_spares"), i, d) {
        unsigned j = 1;
        while (j < 5 && (!json_is_string(d) || strcmp(json_string_value(d), kinds[j]) != 0))
            j++;
        if (j == 5)
            return fail(c, where, "\"loss_spares\" lists migrate-request, migrate-reply, nat-ack or tcp-data");
        c->s->links[link].loss_spare |= 1u << j;
    }
    json_t *drops = json_object_get(l, "drop");
    json_array_foreach (drops, i, d) {
        const char *k;
        double skip, count;
        if (get_string(c, d, "match", where, &k, true) < 0 || get_number(c, d, "skip", where, 0, 1e6, 0, &skip) < 0 ||
            get_number(c, d, "count", where, 0, 1e6, 1, &count) < 0)
            return -1;
        struct mops_sim_drop rule = {.skip = (unsigned)skip, .count = (unsigned)count};
        unsigned j = 0;
        while (j < 5 && strcmp(k, kinds[j]) != 0)
            j++;
        if (j == 5)
            return fail(c, where, "\"match\" is any, migrate-request, migrate-reply, nat-ack or tcp-data");
        rule.match = (enum mops_sim_match)j;
        if (mops_sim_add_drop(c->s, link, &rule) < 0)
            return fail(c, where, "too many drop rules");
    }
    return 0;
}

static int load(json_t *root, struct ctx *c, struct mops_scenario_info *info)
{
    if (!json_is_object(root))
        return fail(c, "scenario", "the document is an object");
    const char *name, *desc;
    double seed, duration;
    if (get_string(c, root, "name", "scenario", &name, true) < 0 ||
        get_string(c, root, "description", "scenario", &desc, false) < 0 ||
        get_number(c, root, "seed", "scenario", 0, 1e15, 1, &seed) < 0 ||
        get_number(c, root, "duration", "scenario", 0.001, 3600, 30, &duration) < 0)
        return -1;
    snprintf(info->name, sizeof info->name, "%s", name);
    snprintf(info->description, sizeof info->description, "%s", desc ? desc : "");
    info->duration_ns = (uint64_t)(duration * 1e9);
    mops_sim_init(c->s, NULL, (uint64_t)seed);
    json_t *links = json_object_get(root, "links"), *nodes = json_object_get(root, "nodes"),
           *timeline = json_object_get(root, "timeline");
    if (!json_is_array(links) || !json_is_array(nodes) || !json_is_array(timeline))
        return fail(c, "scenario", "\"links\", \"nodes\" and \"timeline\" must be lists");
    size_t i;
    json_t *v;
    json_array_foreach (links, i, v)
        if (load_link(c, v, i) < 0)
            return -1;
    json_array_foreach (nodes, i, v)
        if (load_node(c, v, i, (uint64_t)seed) < 0)
            return -1;
    bool lara = false;
    if (get_bool(c, root, "lara", "scenario", &lara) < 0)
        return -1;
    if (lara)
        mops_sim_use_lara(c->s);
    json_array_foreach (timeline, i, v)
        if (load_event(c, v, i) < 0)
            return -1;
    return 0;
}

int mops_scenario_load_text(const char *text, size_t len, struct mops_sim *s, struct mops_scenario_info *info,
                            char err[512])
{
    json_error_t je;
    json_t *root = json_loadb(text, len, 0, &je);
    if (!root) {
        snprintf(err, 512, "line %d, column %d: %s", je.line, je.column, je.text);
        return -1;
    }
    struct ctx c = {.s = s, .err = err};
    memset(s, 0, sizeof *s);
    int rc = load(root, &c, info);
    json_decref(root);
    return rc;
}

int mops_scenario_load(const char *path, struct mops_sim *s, struct mops_scenario_info *info, char err[512])
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, 512, "%s: cannot open", path);
        return -1;
    }
    enum { MAX = 1 << 20 };
    char *buf = malloc(MAX);
    if (!buf) {
        fclose(f);
        snprintf(err, 512, "%s: out of memory", path);
        return -1;
    }
    size_t n = fread(buf, 1, MAX, f);
    fclose(f);
    int rc = 0;
    char inner[512];
    if (n == MAX) {
        snprintf(err, 512, "%s: larger than 1 MiB", path);
        rc = -1;
    } else if (mops_scenario_load_text(buf, n, s, info, inner) < 0) {
        snprintf(err, 512, "%.200s: %.300s", path, inner);
        rc = -1;
    }
    free(buf);
    return rc;
}
