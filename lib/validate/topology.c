/* --topology: a JSON file naming what the traffic cannot show, e.g.
 *   {"servers": [{"address": "8.8.8.8.8", "sequence_check": "exact",
 *                 "unique_ids": [{"proto": "udp", "port": 5001, "id": 4276215469}]}],
 *    "links": {"8.8.8.8.8": 4}}
 * Unknown keys are refused, so a typo does not silently judge by defaults. */
#include <stdio.h>
#include <string.h>

#include "mops/core/addr.h"
#include "mops/core/proto.h"
#include "mops/validate/validate.h"

static int fail(char *err, size_t n, const char *path, const char *what, const char *detail)
{
    snprintf(err, n, "%s: %s%s%s", path, what, detail ? ": " : "", detail ? detail : "");
    return -1;
}

static int address(const char *path, const char *s, mops_addr_t *a, char *err, size_t n)
{
    const char *why = "not a string";
    if (!s || mops_addr_parse(s, 0, a, &why) < 0) {
        char d[160];
        snprintf(d, sizeof d, "%s (%s)", s ? s : "?", why);
        return fail(err, n, path, "not an IPFF address", d);
    }
    return 0;
}

static int server(const char *path, json_t *j, struct mops_topology_server *s, char *err, size_t n)
{
    const char *key;
    json_t *val;
    if (!json_is_object(j))
        return fail(err, n, path, "servers[] entries are objects", NULL);
    json_object_foreach (j, key, val) {
        if (strcmp(key, "address") == 0) {
            if (address(path, json_string_value(val), &s->addr, err, n) < 0)
                return -1;
        } else if (strcmp(key, "sequence_check") == 0) {
            const char *v = json_string_value(val);
            if (!v || (strcmp(v, "window") && strcmp(v, "exact")))
                return fail(err, n, path, "sequence_check is \"window\" or \"exact\"", v);
            s->exact = strcmp(v, "exact") == 0;
        } else if (strcmp(key, "unique_ids") == 0 && json_is_array(val)) {
            size_t i;
            json_t *u;
            json_array_foreach (val, i, u) {
                const char *proto = json_string_value(json_object_get(u, "proto"));
                json_t *port = json_object_get(u, "port"), *id = json_object_get(u, "id");
                if (s->n_ids == MOPS_TOPO_MAX || !proto || (strcmp(proto, "tcp") && strcmp(proto, "udp")) ||
                    !json_is_integer(port) || json_integer_value(port) < 0 || json_integer_value(port) > 65535 ||
                    !json_is_integer(id))
                    return fail(err, n, path,
                                "unique_ids[] entries are {\"proto\": \"tcp\"|\"udp\", \"port\": N, "
                                "\"id\": N}",
                                NULL);
                s->ids[s->n_ids].proto = strcmp(proto, "tcp") == 0 ? MOPS_PROTO_TCP : MOPS_PROTO_UDPV5;
                s->ids[s->n_ids].port = (uint16_t)json_integer_value(port);
                s->ids[s->n_ids].id = (uint64_t)json_integer_value(id);
                s->n_ids++;
            }
        } else {
            return fail(err, n, path, "unknown key in servers[]", key);
        }
    }
    if (!s->addr)
        return fail(err, n, path, "servers[] entries need an address", NULL);
    return 0;
}

static int load(json_t *root, const char *path, struct mops_topology *t, char *err, size_t errlen);

int mops_topology_load(const char *path, struct mops_topology *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        return -1;
    }
    return load(root, path, t, err, errlen);
}

int mops_topology_load_text(const char *text, size_t len, struct mops_topology *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    json_error_t je;
    json_t *root = json_loadb(text, len, 0, &je);
    if (!root) {
        snprintf(err, errlen, "topology:%d:%d: %s", je.line, je.column, je.text);
        return -1;
    }
    return load(root, "topology", t, err, errlen);
}

/* Takes root's reference. */
static int load(json_t *root, const char *path, struct mops_topology *t, char *err, size_t errlen)
{
    int rc = 0;
    const char *key;
    json_t *val;
    if (!json_is_object(root))
        rc = fail(err, errlen, path, "the topology is a JSON object", NULL);
    json_object_foreach (root, key, val) {
        if (rc < 0)
            break;
        if (strcmp(key, "servers") == 0 && json_is_array(val)) {
            size_t i;
            json_t *sv;
            json_array_foreach (val, i, sv) {
                if (t->n_servers == MOPS_TOPO_MAX) {
                    rc = fail(err, errlen, path, "too many servers", NULL);
                    break;
                }
                if ((rc = server(path, sv, &t->servers[t->n_servers++], err, errlen)) < 0)
                    break;
            }
        } else if (strcmp(key, "links") == 0 && json_is_object(val)) {
            const char *a;
            json_t *ifid;
            json_object_foreach (val, a, ifid) {
                if (t->n_links == MOPS_TOPO_MAX || !json_is_integer(ifid) || json_integer_value(ifid) < 0) {
                    rc = fail(err, errlen, path, "links maps an address to a capture interface number", a);
                    break;
                }
                if ((rc = address(path, a, &t->links[t->n_links].addr, err, errlen)) < 0)
                    break;
                t->links[t->n_links++].ifid = (uint32_t)json_integer_value(ifid);
            }
        } else {
            rc = fail(err, errlen, path, "unknown key (servers, links)", key);
        }
    }
    json_decref(root);
    return rc;
}
