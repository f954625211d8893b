/* The JSON of one frame (-T json), built as a small tree in an arena that
 * is reset per frame and written straight into the output buffer: no
 * allocation per value, no hash tables (tests/bench: jansson's per-value
 * allocations were most of -T json's time). Keys keep their insertion
 * order. One tree at a time (mopsdump prints from one thread). */
#ifndef MOPSDUMP_JSON_TREE_H
#define MOPSDUMP_JSON_TREE_H

#include "sbuf.h"

struct jt;

struct jt *jt_obj(void);
struct jt *jt_arr(void);
struct jt *jt_int(long long v);
struct jt *jt_real(double v);
struct jt *jt_str(const char *s);
struct jt *jt_true(void);
/* The member key of obj, or NULL. */
struct jt *jt_get(const struct jt *obj, const char *key);
/* Sets obj's member key to v (in place when it exists). */
void jt_set(struct jt *obj, const char *key, struct jt *v);
void jt_append(struct jt *arr, struct jt *v);
/* Writes v compactly to b, then frees every node of the tree. */
void jt_dump(const struct jt *v, struct sbuf *b);
void jt_release(void);

#endif
