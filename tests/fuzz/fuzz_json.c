/* libFuzzer: the scenario loader (the simulator's JSON) and the validator's
 * --topology loader. A scenario that loads is also run for a moment. */
#include <stdlib.h>
#include <string.h>

#include "mops/sim/scenario.h"
#include "mops/sim/sim.h"
#include "mops/validate/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mops_sim sim;
    static struct mops_topology topo;
    char err[512];
    struct mops_scenario_info info;
    memset(&sim, 0, sizeof sim);
    if (mops_scenario_load_text((const char *)data, size, &sim, &info, err) == 0)
        mops_sim_run(&sim, info.duration_ns < 2000000000ull ? info.duration_ns : 2000000000ull);
    else if (!memchr(err, 0, sizeof err))
        abort();
    mops_sim_free(&sim);
    if (mops_topology_load_text((const char *)data, size, &topo, err, sizeof err) < 0 && !memchr(err, 0, sizeof err))
        abort();
    return 0;
}
