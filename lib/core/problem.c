/* The table of decode problems: id, severity, kind, what it means, its source. */
#include "mops/core/problem.h"

static const struct mops_problem_info table[MOPS_P_COUNT] = {
#define P(e, id, sev, kind, group, summary, cite)                                                                      \
    [MOPS_P_##e] = {id, MOPS_SEV_##sev, MOPS_PK_##kind, group, summary, cite},
#include "mops/core/problems.def"
#undef P
};

const struct mops_problem_info *mops_problem_info(enum mops_problem_id id)
{
    if ((unsigned)id >= MOPS_P_COUNT)
        return 0;
    return &table[id];
}

const char *mops_severity_name(enum mops_severity s)
{
    switch (s) {
        case MOPS_SEV_NOTE: return "note";
        case MOPS_SEV_WARNING: return "warning";
        case MOPS_SEV_ERROR: return "error";
    }
    return "?";
}
