/* mopstop's sessions by tuple: the row (state.h's ring) that holds a TCP
 * session, found from its client's and server's address and port without
 * scanning every row for every segment (that scan was half of mopstop's
 * time: tests/bench). */
#ifndef MT_SESSION_INDEX_H
#define MT_SESSION_INDEX_H

#include <stdint.h>

#include "mops/core/addr.h"

#define MT_SESSIONS 1024
#define MT_INDEX_BUCKETS 4096 /* a power of two, 4 per row */

/* Zeroed memory is an empty index; rows are stored as row + 1. */
struct mt_session_index {
    uint16_t head[MT_INDEX_BUCKETS];
    uint16_t next[MT_SESSIONS];
    uint16_t bucket[MT_SESSIONS]; /* + 1; 0: not filed */
};

struct mt_session;

/* Files row under its tuple (taken from the row), or takes it out. */
void mt_index_add(struct mt_session_index *x, const struct mt_session *rows, unsigned row);
void mt_index_remove(struct mt_session_index *x, unsigned row);
/* The row holding client:cport <-> server:sport, or -1. */
int mt_index_find(const struct mt_session_index *x, const struct mt_session *rows, mops_addr_t client, uint16_t cport,
                  mops_addr_t server, uint16_t sport);

#endif
