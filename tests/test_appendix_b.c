/* MOPS Appendix B, run by the simulator: the NAT traversal tables at every
 * router and at the mobile node, value by value, equal the draft's, with
 * errata E2 (Router-A relays level 2) and E7 (Router-C's entry is
 * 192.168.1.1.1:1027 -> 172.16.0.0.1:2038). */
#include "mops/sim/scenario.h"

#include "check.h"

#define A(f1, f2, f3, f4, f5) mops_addr_make(f1, f2, f3, f4, f5)

static struct mops_sim sim;

static const struct mops_natt_entry *nat_row(const char *node, uint8_t level, mops_addr_t orig, uint16_t port)
{
    int i = mops_sim_find_node(&sim, node);
    if (i < 0)
        return NULL;
    const struct mops_nat *n = sim.nodes[i].m.nat;
    for (unsigned k = 0; k < n->n_maps; k++)
        for (unsigned l = 0; n->maps[k].used && l < n->maps[k].n_levels; l++) {
            const struct mops_natt_entry *e = &n->maps[k].levels[l];
            if (e->level == level && e->orig_addr == orig && e->orig_port == port)
                return e;
        }
    return NULL;
}

static const struct mops_natt_entry *mn_row(uint8_t level, mops_addr_t orig, uint16_t port)
{
    const struct mops_mobile *m = sim.nodes[mops_sim_find_node(&sim, "mobile")].m.mobile;
    for (unsigned k = 0; k < m->n_natt; k++)
        if (m->natt[k].level == level && m->natt[k].orig_addr == orig && m->natt[k].orig_port == port)
            return &m->natt[k];
    return NULL;
}

/* A row must exist and translate to exactly (addr, port). */
static void row_is(const struct mops_natt_entry *e, mops_addr_t trans, uint16_t port, const char *what)
{
    CHECK(e != NULL);
    if (!e) {
        fprintf(stderr, "  missing row: %s\n", what);
        return;
    }
    CHECK_EQ(e->proto, MOPS_PROTO_TCP);
    CHECK_EQ(e->trans_addr, trans);
    CHECK_EQ(e->trans_port, port);
}

static unsigned n_levels(const char *node)
{
    const struct mops_nat *n = sim.nodes[mops_sim_find_node(&sim, node)].m.nat;
    unsigned total = 0;
    for (unsigned k = 0; k < n->n_maps; k++)
        if (n->maps[k].used && n->maps[k].mobile)
            total += n->maps[k].n_levels;
    return total;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_appendix_b captures/scenarios/appendix-b.json\n");
        return 2;
    }
    struct mops_scenario_info info;
    char err[512];
    if (mops_scenario_load(argv[1], &sim, &info, err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    /* Before the move: Organization A. */
    mops_sim_run(&sim, 1400000000u);
    const mops_addr_t mn = A(10, 2, 0, 0, 1), a_out = A(10, 0, 0, 0, 1), b_out = A(525, 8, 78, 2, 2);
    /* Router-A: level 1 its own mapping, level 2 learned from Router-B. */
    row_is(nat_row("router-a", 1, mn, 1027), a_out, 5050, "router-a level 1");
    row_is(nat_row("router-a", 2, a_out, 5050), b_out, 6050, "router-a level 2");
    CHECK_EQ(n_levels("router-a"), 2);
    /* Router-B: one level. */
    row_is(nat_row("router-b", 1, a_out, 5050), b_out, 6050, "router-b level 1");
    CHECK_EQ(n_levels("router-b"), 1);
    /* The mobile node: the same table as Router-A (E2: told level 2). */
    row_is(mn_row(1, mn, 1027), a_out, 5050, "mobile level 1");
    row_is(mn_row(2, a_out, 5050), b_out, 6050, "mobile level 2");
    const struct mops_mobile *m = sim.nodes[mops_sim_find_node(&sim, "mobile")].m.mobile;
    CHECK_EQ(m->n_natt, 2);
    mops_addr_t oa;
    uint16_t op;
    mops_mobile_outermost(m, &m->socks[0], &oa, &op);
    CHECK_EQ(oa, b_out);
    CHECK_EQ(op, 6050);

    /* After the move: Organization B. */
    mops_sim_run(&sim, info.duration_ns);
    const mops_addr_t mn2 = A(192, 168, 1, 1, 1), c_out = A(172, 16, 0, 0, 1), d_out = A(775, 2, 23, 5, 5);
    row_is(nat_row("router-c", 1, mn2, 1027), c_out, 2038, "router-c level 1 (E7)");
    row_is(nat_row("router-c", 2, c_out, 2038), d_out, 4128, "router-c level 2");
    row_is(nat_row("router-d", 1, c_out, 2038), d_out, 4128, "router-d level 1");
    row_is(mn_row(1, mn2, 1027), c_out, 2038, "mobile level 1 in B");
    row_is(mn_row(2, c_out, 2038), d_out, 4128, "mobile level 2 in B");
    /* The migration: the session now lives at Router-D's mapping. */
    CHECK_EQ(m->migrations_ok, 1);
    CHECK_EQ(m->socks[0].state, MOPS_SOCK_OPEN);
    CHECK_EQ(m->socks[0].laddr, mn2);
    CHECK_EQ(m->socks[0].lport, 1027);
    const struct mops_server *srv = sim.nodes[mops_sim_find_node(&sim, "server")].m.server;
    CHECK(mops_server_find((struct mops_server *)srv, MOPS_PROTO_TCP, d_out, 4128, 80) != NULL);
    CHECK_EQ(srv->accepted, 1);
    /* Data after the move arrived: 2 x 200 octets back to the mobile node. */
    CHECK_EQ(m->socks[0].bytes_in, 400);
    CHECK_EQ(sim.frames_dropped + sim.frames_unroutable, 0);
    mops_sim_free(&sim);
    return check_report("test_appendix_b");
}
