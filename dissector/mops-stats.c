/* The "MOPS" statistics tree (Statistics menu, tshark -z mops,tree):
 * messages by type and code, migrations by outcome, reply latency, NAT
 * levels. Counts are per capture interface, as the tracking is: a Migrate
 * seen on three links of its path is three requests. */
#include "mops-plugin.h"

#include <epan/stats_tree.h>

#include "mops/track/migrate.h"
#include "mops/core/proto.h"

static const char *const MESSAGES = "MOPS messages";
static const char *const MIGRATIONS = "Migrations";
static const char *const LATENCY = "Reply latency (ms)";
static const char *const LEVELS = "NAT acknowledgements by level";
static const char *const UNANSWERED = "unanswered";
static int node_messages, node_migrations, node_levels;

static void stats_init(stats_tree *st)
{
    node_messages = stats_tree_create_node(st, MESSAGES, 0, STAT_DT_INT, TRUE);
    node_migrations = stats_tree_create_node(st, MIGRATIONS, 0, STAT_DT_INT, TRUE);
    /* Requests not (yet) answered: up at a request, down at its first reply. */
    stats_tree_create_node(st, UNANSWERED, node_migrations, STAT_DT_INT, FALSE);
    stats_tree_create_node(st, LATENCY, 0, STAT_DT_FLOAT, FALSE);
    node_levels = stats_tree_create_node(st, LEVELS, 0, STAT_DT_INT, TRUE);
}

static tap_packet_status stats_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *p,
                                      tap_flags_t flags _U_)
{
    const struct mops_tap_info *i = (const struct mops_tap_info *)p;
    tick_stat_node(st, MESSAGES, 0, TRUE);
    const char *name = "Anycast server acknowledgement";
    if (i->kind == MOPS_ICMP_KIND_MIGRATE)
        name = i->code == MOPS_MIGRATE_CODE_MIGRATE   ? "Migrate"
               : i->code == MOPS_MIGRATE_CODE_ATOMIC  ? "Migrate (atomic)"
               : i->code == MOPS_MIGRATE_CODE_SUCCESS ? "Migration success"
               : i->code == MOPS_MIGRATE_CODE_FAILED  ? "Migration failed"
                                                      : "Migrate (unknown code)";
    else if (i->kind == MOPS_ICMP_KIND_NAT_ACK)
        name = "NAT acknowledgement";
    tick_stat_node(st, name, node_messages, FALSE);
    if (i->kind == MOPS_ICMP_KIND_MIGRATE) {
        const char *outcome = NULL;
        switch (i->track) {
            case MOPS_TRACK_REQUEST:
                outcome = "requested";
                increase_stat_node(st, UNANSWERED, node_migrations, FALSE, 1);
                break;
            case MOPS_TRACK_RETRANSMISSION: outcome = "retransmitted"; break;
            case MOPS_TRACK_REPLY:
                outcome = i->code == MOPS_MIGRATE_CODE_SUCCESS ? "succeeded" : "failed";
                avg_stat_node_add_value_float(st, LATENCY, 0, FALSE, (gfloat)i->latency_ms);
                if (i->first_reply)
                    increase_stat_node(st, UNANSWERED, node_migrations, FALSE, -1);
                if (i->mismatch)
                    tick_stat_node(st, "reply does not match its request", node_migrations, FALSE);
                break;
            case MOPS_TRACK_ORPHAN_REPLY: outcome = "reply without a request"; break;
            default: break;
        }
        if (outcome) {
            tick_stat_node(st, MIGRATIONS, 0, TRUE);
            tick_stat_node(st, outcome, node_migrations, FALSE);
        }
    } else if (i->kind == MOPS_ICMP_KIND_NAT_ACK) {
        char level[16];
        snprintf(level, sizeof level, "level %u", i->level);
        tick_stat_node(st, LEVELS, 0, TRUE);
        tick_stat_node(st, level, node_levels, FALSE);
    }
    return TAP_PACKET_REDRAW;
}

void mops_register_stats(void)
{
    stats_tree_register_plugin("mops", "mops", "MOPS", 0, stats_packet, stats_init, NULL);
}
