/* mops-sim: runs a scenario (a JSON topology and timeline) through the
 * reference models and writes what crossed every link as pcapng, one
 * interface per link. --tables prints the NAT traversal tables and the
 * models' counters at the end. */
#include <stdio.h>
#include <string.h>

#include "mops/sim/scenario.h"

static void row(const struct mops_natt_entry *e)
{
    char o[MOPS_ADDR_STRLEN], t[MOPS_ADDR_STRLEN];
    printf("    level %u  %s:%u -> %s:%u\n", e->level, mops_addr_format(e->orig_addr, o), e->orig_port,
           mops_addr_format(e->trans_addr, t), e->trans_port);
}

static void tables(const struct mops_sim *s)
{
    for (unsigned i = 0; i < s->n_nodes; i++) {
        const struct mops_sim_node *n = &s->nodes[i];
        switch (n->role) {
            case MOPS_SIM_MOBILE: {
                const struct mops_mobile *m = n->m.mobile;
                printf("%s (mobile): migrations ok %u, failed %u, resends %u\n", n->name, m->migrations_ok,
                       m->migrations_failed, m->resends);
                for (unsigned k = 0; k < m->n_natt; k++)
                    row(&m->natt[k]);
                for (unsigned k = 0; k < m->n_socks; k++) {
                    const struct mops_sock *so = &m->socks[k];
                    if (so->state == MOPS_SOCK_FREE)
                        continue;
                    char l[MOPS_ADDR_STRLEN], r[MOPS_ADDR_STRLEN];
                    printf("    socket %s:%u -> %s:%u %s, moved %u, %llu octets in, %llu out\n",
                           mops_addr_format(so->laddr, l), so->lport, mops_addr_format(so->raddr, r), so->rport,
                           so->state == MOPS_SOCK_DEAD ? "dead" : "open", so->moves, (unsigned long long)so->bytes_in,
                           (unsigned long long)so->bytes_out);
                }
                break;
            }
            case MOPS_SIM_SERVER: {
                const struct mops_server *v = n->m.server;
                printf("%s (server): migrations accepted %u, refused %u, flapping discarded %u, cached replies %u\n",
                       n->name, v->accepted, v->refused, v->flaps_discarded, v->cached_replies);
                break;
            }
            case MOPS_SIM_NAT: {
                const struct mops_nat *t = n->m.nat;
                printf("%s (nat): NAT acks sent %u, migrates intercepted %u\n", n->name, t->natacks_sent,
                       t->migrates_intercepted);
                for (unsigned k = 0; k < t->n_maps; k++)
                    if (t->maps[k].used && t->maps[k].mobile)
                        for (unsigned l = 0; l < t->maps[k].n_levels; l++)
                            row(&t->maps[k].levels[l]);
                break;
            }
            case MOPS_SIM_DNAT:
                printf("%s (dnat): sessions remapped %u, packets dropped %u\n", n->name, n->m.dnat->remapped,
                       n->m.dnat->dropped);
                break;
            case MOPS_SIM_ROUTER: break;
        }
    }
    printf("frames: %llu sent, %llu delivered, %llu lost or undeliverable, %llu unroutable\n",
           (unsigned long long)s->frames_sent, (unsigned long long)s->frames_delivered,
           (unsigned long long)s->frames_dropped, (unsigned long long)s->frames_unroutable);
}

int main(int argc, char **argv)
{
    bool show = argc == 4 && strcmp(argv[3], "--tables") == 0;
    if (argc != 3 && !show) {
        fprintf(stderr, "usage: mops-sim SCENARIO.json OUT.pcapng [--tables]\n"
                        "  Runs the scenario through the reference models and writes every frame\n"
                        "  sent on every link (pcapng, one interface per link).\n");
        return 2;
    }
    static struct mops_sim sim;
    struct mops_scenario_info info;
    char err[512];
    if (mops_scenario_load(argv[1], &sim, &info, err) < 0) {
        fprintf(stderr, "mops-sim: %s\n", err);
        return 2;
    }
    if (mops_sim_capture(&sim, argv[2]) < 0) {
        fprintf(stderr, "mops-sim: %s\n", sim.err);
        mops_sim_free(&sim);
        return 2;
    }
    mops_sim_run(&sim, info.duration_ns);
    int rc = mops_sim_close_capture(&sim);
    if (show)
        tables(&sim);
    mops_sim_free(&sim);
    if (rc < 0) {
        fprintf(stderr, "mops-sim: writing %s failed\n", argv[2]);
        return 2;
    }
    return 0;
}
