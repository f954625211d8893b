/* The table behind mops/fields.h, expanded from mops/fields.def. */
#include "mops/core/fields.h"

#include <string.h>

static const struct mops_field_info table[MOPS_F_COUNT] = {
#define MOPS_FIELD(id, name, label, type, base, group, card, desc)                                                     \
    [MOPS_F_##id] = {                                                                                                  \
        name, label, MOPS_FT_##type, MOPS_FB_##base, MOPS_F_##group, false, sizeof #card == sizeof "MANY", desc},
#define MOPS_GROUP(id, name, label, parent, desc)                                                                      \
    [MOPS_F_##id] = {name, label, MOPS_FT_NONE, MOPS_FB_NONE, MOPS_F_##parent, true, true, desc},
#include "mops/core/fields.def"
#undef MOPS_FIELD
#undef MOPS_GROUP
};

const struct mops_field_info *mops_field(enum mops_field_id id)
{
    return (unsigned)id < MOPS_F_COUNT ? &table[id] : NULL;
}

const char *mops_field_key(enum mops_field_id id)
{
    const struct mops_field_info *f = &table[id];
    if (f->group != MOPS_F_NONE) {
        size_t n = strlen(table[f->group].name);
        if (strncmp(f->name, table[f->group].name, n) == 0 && f->name[n] == '.')
            return f->name + n + 1;
    }
    const char *dot = strrchr(f->name, '.');
    return dot ? dot + 1 : f->name;
}

const char *mops_ftype_name(enum mops_ftype t)
{
    switch (t) {
        case MOPS_FT_NONE: return "container";
        case MOPS_FT_BOOL: return "boolean";
        case MOPS_FT_UINT8: return "uint8";
        case MOPS_FT_UINT16: return "uint16";
        case MOPS_FT_UINT32: return "uint32";
        case MOPS_FT_UINT64: return "uint64 (string)";
        case MOPS_FT_ADDR: return "IPFF address";
        case MOPS_FT_ETHER: return "MAC address";
        case MOPS_FT_STRING: return "string";
        case MOPS_FT_FRAMENUM: return "frame number";
        case MOPS_FT_RELTIME: return "seconds";
    }
    return "?";
}
