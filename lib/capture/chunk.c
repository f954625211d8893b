/* Capture files read straight from the descriptor in large chunks, so that
 * records are parsed where they lie (pcap_read.c, pcapng_read.c). stdio and
 * libpcap copy every record twice with two calls per record; this was most
 * of a decode-only run's time (tests/bench). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "mops/core/recycle.h"

#define CHUNK_SIZE (640u << 10) /* holds the largest pcap record and a read */
#define READ_SIZE (128u << 10)  /* small enough to still be in L2 when decoded */

int mops_chunk_init(struct mops_chunk *k, int fd, const uint8_t *peeked, size_t n, uint64_t offset)
{
    memset(k, 0, sizeof *k);
    k->fd = fd;
    k->buf = mops_recycled_malloc(CHUNK_SIZE); /* a file after another (a series, the fuzzer): mapped once */
    if (!k->buf)
        return -1;
    k->size = CHUNK_SIZE;
    if (n)
        memcpy(k->buf, peeked, n);
    k->end = n;
    k->offset = offset - n;
    return 0;
}

int mops_chunk_fill(struct mops_chunk *k, struct mops_cap *c, size_t n)
{
    if (k->end - k->pos >= n || k->eof)
        return 0;
    memmove(k->buf, k->buf + k->pos, k->end - k->pos);
    k->end -= k->pos;
    k->offset += k->pos;
    k->pos = 0;
    /* A pcapng block may be larger than the chunk: room for it and a read. */
    if (n + READ_SIZE > k->size) {
        uint8_t *p = realloc(k->buf, n + READ_SIZE);
        if (!p) {
            snprintf(c->err, sizeof c->err, "%.200s: out of memory for a block of %zu octets", c->name, n);
            return -1;
        }
        k->buf = p;
        k->size = n + READ_SIZE;
    }
    while (k->end < n && !k->eof) {
        size_t room = k->size - k->end;
        size_t want = room < READ_SIZE ? room : READ_SIZE;
        ssize_t got =
            k->unpack ? mops_unpack_read(k->unpack, k->buf + k->end, want) : read(k->fd, k->buf + k->end, want);
        if (got < 0 && k->unpack) {
            snprintf(c->err, sizeof c->err, "%.200s: %.300s", c->name, mops_unpack_error(k->unpack));
            return -1;
        }
        if (got < 0 && errno == EINTR) {
            if (mops_cap_stopped(c))
                return 0;
            continue;
        }
        if (got < 0) {
            snprintf(c->err, sizeof c->err, "%.200s: %.300s", c->name, strerror(errno));
            return -1;
        }
        if (got == 0)
            k->eof = true;
        k->end += (size_t)got;
    }
    return 0;
}

void mops_chunk_free(struct mops_chunk *k)
{
    if (k->size == CHUNK_SIZE)
        mops_recycled_free(k->buf, CHUNK_SIZE);
    else
        free(k->buf); /* grown for a large block: not kept */
}
