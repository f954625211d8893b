/* The field vocabulary (mops/fields.def) as a table: one name per field for
 * mopsdump's JSON, the Wireshark plugin and docs/fields.md. */
#ifndef MOPS_FIELDS_H
#define MOPS_FIELDS_H

#include <stdbool.h>

enum mops_ftype {
    MOPS_FT_NONE, /* a container: its members carry the values */
    MOPS_FT_BOOL,
    MOPS_FT_UINT8,
    MOPS_FT_UINT16,
    MOPS_FT_UINT32,
    MOPS_FT_UINT64, /* a decimal string in JSON */
    MOPS_FT_ADDR,   /* an IPFF address, a dotted string */
    MOPS_FT_ETHER,
    MOPS_FT_STRING,
    MOPS_FT_FRAMENUM,
    MOPS_FT_RELTIME, /* seconds, a number */
};

enum mops_fbase { MOPS_FB_NONE, MOPS_FB_DEC, MOPS_FB_HEX };

enum mops_field_id {
    MOPS_F_NONE = -1,
#define MOPS_FIELD(id, ...) MOPS_F_##id,
#define MOPS_GROUP(id, ...) MOPS_F_##id,
#include "mops/core/fields.def"
#undef MOPS_FIELD
#undef MOPS_GROUP
    MOPS_F_COUNT
};

struct mops_field_info {
    const char *name;  /* "mops.migrate.prev_addr": filter name and JSON path */
    const char *label; /* "Previous Source Address" */
    enum mops_ftype type;
    enum mops_fbase base;
    enum mops_field_id group; /* for a group: the group it nests in */
    bool is_group;
    bool many; /* a list of values */
    const char *description;
};

const struct mops_field_info *mops_field(enum mops_field_id id);

/* Every address field NAME has, in Wireshark, a filter-only NAME_net holding
 * each prefix of the address as "net/len" (host bits zero, len 1..50): a
 * dotted string field cannot be compared with "/", so IPFF prefixes filter
 * by equality, ipff.addr_net == "10.2.0.0.0/40". */
#define MOPS_FIELD_NET_SUFFIX "_net"
/* The JSON key inside its group element (last part of the name), or for a
 * nested group its name relative to its parent. */
const char *mops_field_key(enum mops_field_id id);
const char *mops_ftype_name(enum mops_ftype t);

#endif
