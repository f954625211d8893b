/* Scenarios: a topology and a timeline in JSON (captures/NAME.json, described
 * in captures/README.md), loaded into a simulator. */
#ifndef MOPS_SCENARIO_H
#define MOPS_SCENARIO_H

#include "mops/sim/sim.h"

struct mops_scenario_info {
    char name[64];
    char description[512];
    uint64_t duration_ns;
};

/* Loads path into s (initialised here). Returns 0, or -1 with err saying
 * what and where ("nodes[2].interfaces[0].addr: address field above 999"). */
int mops_scenario_load(const char *path, struct mops_sim *s, struct mops_scenario_info *info, char err[512]);
/* The same from a string already in memory (for tests and fuzzing). */
int mops_scenario_load_text(const char *text, size_t len, struct mops_sim *s, struct mops_scenario_info *info,
                            char err[512]);

#endif
