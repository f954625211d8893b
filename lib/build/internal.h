/* Octet writers for the builders of lib/; not installed. */
#ifndef MOPS_BUILD_INTERNAL_H
#define MOPS_BUILD_INTERNAL_H

#include <string.h>

#include "mops/build/build.h"

/* Appends n octets at the tail; NULL (and overflow set) when they don't fit. */
static inline uint8_t *mops_wr_grow(struct mops_builder *b, size_t n)
{
    if (b->overflow || n > sizeof b->buf - b->tail) {
        b->overflow = true;
        return NULL;
    }
    uint8_t *p = b->buf + b->tail;
    b->tail += (uint32_t)n;
    return p;
}

static inline void mops_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void mops_put32(uint8_t *p, uint32_t v)
{
    mops_put16(p, (uint16_t)(v >> 16));
    mops_put16(p + 2, (uint16_t)v);
}
static inline void mops_put64(uint8_t *p, uint64_t v)
{
    mops_put32(p, (uint32_t)(v >> 32));
    mops_put32(p + 4, (uint32_t)v);
}
static inline uint16_t mops_get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static inline void mops_wr_u8(struct mops_builder *b, uint8_t v)
{
    uint8_t *p = mops_wr_grow(b, 1);
    if (p)
        *p = v;
}
static inline void mops_wr_u16(struct mops_builder *b, uint16_t v)
{
    uint8_t *p = mops_wr_grow(b, 2);
    if (p)
        mops_put16(p, v);
}
static inline void mops_wr_u32(struct mops_builder *b, uint32_t v)
{
    uint8_t *p = mops_wr_grow(b, 4);
    if (p)
        mops_put32(p, v);
}
static inline void mops_wr_u64(struct mops_builder *b, uint64_t v)
{
    uint8_t *p = mops_wr_grow(b, 8);
    if (p)
        mops_put64(p, v);
}
static inline void mops_wr_bytes(struct mops_builder *b, const void *d, size_t n)
{
    uint8_t *p = mops_wr_grow(b, n);
    if (p && n)
        memcpy(p, d, n);
}
/* A 14-bit field followed by a 50-bit address in one 64-bit word. */
static inline void mops_wr_field_addr(struct mops_builder *b, uint16_t field14, mops_addr_t a)
{
    mops_wr_u64(b, ((uint64_t)(field14 & 0x3fff) << 50) | (a & MOPS_ADDR_MASK));
}

/* Prepends n octets before the head (link headers). */
static inline uint8_t *mops_wr_prepend(struct mops_builder *b, size_t n)
{
    if (b->overflow || n > b->head) {
        b->overflow = true;
        return NULL;
    }
    b->head -= (uint32_t)n;
    return b->buf + b->head;
}

/* Starts a layer named by Protocol value `type` at the tail: writes `type`
 * into the top 14 bits of the previous header's Protocol field. An extension
 * header's own Protocol field is its first two octets (written as No Next
 * Header until a later layer names itself); an upper layer has none. */
void mops_build_begin_layer(struct mops_builder *b, uint16_t type, bool upper);

/* The 8-octet ICMPv5 common header with a zero CRC (set by finish). */
void mops_build_icmp_header(struct mops_builder *b, uint16_t type, uint8_t code, uint8_t byte7);

#endif
