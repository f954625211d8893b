/* Bounds-checked reader over a byte span: every decoder reads through it.
 *
 * Like tcpdump's GET_* accessors, a read that would pass the end reads
 * nothing, returns 0, and latches the failure with the frame offset at which
 * it happened; decoders test mops_rd_failed() where a layer ends. No decoder
 * does pointer arithmetic on frame bytes itself. */
#ifndef MOPS_READER_H
#define MOPS_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mops_rd {
    const uint8_t *frame; /* start of the whole frame */
    uint32_t pos;         /* next frame offset to read */
    uint32_t end;         /* first frame offset past the span */
    /* The span ends where the capture ended (snaplen, short frame), not where
     * the protocol said it would: a failed read then means "truncated"
     * rather than "malformed". */
    bool capture_limited;
    bool failed;
    uint32_t fail_off; /* frame offset of the read that failed */
};

static inline struct mops_rd mops_rd_span(const uint8_t *frame, uint32_t off, uint32_t end, bool capture_limited)
{
    struct mops_rd r = {frame, off, end < off ? off : end, capture_limited, false, 0};
    return r;
}

static inline uint32_t mops_rd_left(const struct mops_rd *r) { return r->end - r->pos; }
static inline bool mops_rd_failed(const struct mops_rd *r) { return r->failed; }

static inline bool mops_rd_need(struct mops_rd *r, uint32_t n)
{
    if (r->failed)
        return false;
    if (n > r->end - r->pos) {
        r->failed = true;
        r->fail_off = r->pos;
        return false;
    }
    return true;
}

static inline uint8_t mops_rd_u8(struct mops_rd *r)
{
    if (!mops_rd_need(r, 1))
        return 0;
    return r->frame[r->pos++];
}

static inline uint16_t mops_rd_u16(struct mops_rd *r)
{
    if (!mops_rd_need(r, 2))
        return 0;
    const uint8_t *p = r->frame + r->pos;
    r->pos += 2;
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t mops_rd_u32(struct mops_rd *r)
{
    if (!mops_rd_need(r, 4))
        return 0;
    const uint8_t *p = r->frame + r->pos;
    r->pos += 4;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t mops_rd_u64(struct mops_rd *r)
{
    uint64_t hi = mops_rd_u32(r);
    uint64_t lo = mops_rd_u32(r);
    return hi << 32 | lo;
}

static inline uint16_t mops_rd_u16le(struct mops_rd *r)
{
    if (!mops_rd_need(r, 2))
        return 0;
    const uint8_t *p = r->frame + r->pos;
    r->pos += 2;
    return (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t mops_rd_u32le(struct mops_rd *r)
{
    if (!mops_rd_need(r, 4))
        return 0;
    const uint8_t *p = r->frame + r->pos;
    r->pos += 4;
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* Copies n octets out (zeros on failure). */
static inline void mops_rd_copy(struct mops_rd *r, void *dst, uint32_t n)
{
    uint8_t *d = (uint8_t *)dst;
    if (!mops_rd_need(r, n)) {
        for (uint32_t i = 0; i < n; i++)
            d[i] = 0;
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        d[i] = r->frame[r->pos + i];
    r->pos += n;
}

static inline void mops_rd_skip(struct mops_rd *r, uint32_t n)
{
    if (mops_rd_need(r, n))
        r->pos += n;
}

/* A sub-reader over the next n octets, which the parent skips. When fewer
 * than n remain, the child gets what there is and inherits capture_limited
 * from the parent; the parent does not fail (the child will, when read). */
static inline struct mops_rd mops_rd_sub(struct mops_rd *r, uint32_t n)
{
    uint32_t left = mops_rd_left(r);
    struct mops_rd c = *r;
    c.failed = false;
    if (n <= left) {
        c.end = r->pos + n;
        c.capture_limited = false;
        r->pos += n;
    } else {
        r->pos = r->end;
    }
    return c;
}

#endif
