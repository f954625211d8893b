/* Compressed captures (issue 17): gzip, zstd and lz4 (frame format), as
 * Wireshark reads them and tcpdump does not, known by their content, not
 * their name. The decompressor sits under chunk.c, so the pcap and pcapng
 * readers see the plain file. Concatenated members and frames (cat a.gz
 * b.gz) read on. */
#include <errno.h>
#include <lz4frame.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "mops/core/recycle.h"
#include "internal.h"

#define IN_SIZE (128u << 10)

struct mops_unpack {
    enum mops_pack kind;
    int fd;
    uint8_t *in;
    size_t in_pos, in_end;
    bool in_eof, stream_end; /* the last member or frame ended where the input did */
    z_stream z;
    ZSTD_DStream *zs;
    LZ4F_dctx *lz;
    char err[256];
};

enum mops_pack mops_pack_of(const uint8_t *m, size_t n)
{
    if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
        return MOPS_PACK_GZIP;
    if (n >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
        return MOPS_PACK_ZSTD;
    if (n >= 4 && m[0] == 0x04 && m[1] == 0x22 && m[2] == 0x4d && m[3] == 0x18)
        return MOPS_PACK_LZ4;
    return MOPS_PACK_NONE;
}

const char *mops_pack_name(enum mops_pack k)
{
    return k == MOPS_PACK_GZIP ? "gzip" : k == MOPS_PACK_ZSTD ? "zstd" : k == MOPS_PACK_LZ4 ? "lz4" : "none";
}

struct mops_unpack *mops_unpack_new(enum mops_pack kind, int fd, const uint8_t *peeked, size_t n)
{
    struct mops_unpack *u = calloc(1, sizeof *u);
    if (!u || !(u->in = mops_recycled_malloc(IN_SIZE))) {
        free(u);
        return NULL;
    }
    u->kind = kind;
    u->fd = fd;
    memcpy(u->in, peeked, n);
    u->in_end = n;
    bool ok = kind == MOPS_PACK_GZIP   ? inflateInit2(&u->z, 15 + 16) == Z_OK
              : kind == MOPS_PACK_ZSTD ? (u->zs = ZSTD_createDStream()) != NULL
                                       : !LZ4F_isError(LZ4F_createDecompressionContext(&u->lz, LZ4F_VERSION));
    if (!ok) {
        mops_unpack_free(u);
        return NULL;
    }
    u->stream_end = false;
    return u;
}

/* More compressed input when all of it is used; -1 on a read error. */
static int more_input(struct mops_unpack *u)
{
    if (u->in_pos < u->in_end || u->in_eof)
        return 0;
    u->in_pos = u->in_end = 0;
    for (;;) {
        ssize_t k = read(u->fd, u->in, IN_SIZE);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            snprintf(u->err, sizeof u->err, "%s", strerror(errno));
            return -1;
        }
        u->in_end = (size_t)k;
        u->in_eof = k == 0;
        return 0;
    }
}

/* One step of the decompressor: octets written to out, -1 on corrupt data. */
static ssize_t step(struct mops_unpack *u, uint8_t *out, size_t n)
{
    const uint8_t *src = u->in + u->in_pos;
    size_t avail = u->in_end - u->in_pos;
    if (u->kind == MOPS_PACK_GZIP) {
        if (u->stream_end) { /* another member follows */
            if (inflateReset(&u->z) != Z_OK)
                return -1;
            u->stream_end = false;
        }
        u->z.next_in = (Bytef *)src;
        u->z.avail_in = (uInt)avail;
        u->z.next_out = out;
        u->z.avail_out = (uInt)(n > UINT32_MAX ? UINT32_MAX : n);
        int rc = inflate(&u->z, Z_NO_FLUSH);
        u->in_pos += avail - u->z.avail_in;
        if (rc == Z_STREAM_END)
            u->stream_end = true;
        else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            snprintf(u->err, sizeof u->err, "corrupt gzip data: %s", u->z.msg ? u->z.msg : "inflate failed");
            return -1;
        }
        return (ssize_t)((size_t)(u->z.next_out - out));
    }
    if (u->kind == MOPS_PACK_ZSTD) {
        ZSTD_inBuffer ib = {src, avail, 0};
        ZSTD_outBuffer ob = {out, n, 0};
        size_t rc = ZSTD_decompressStream(u->zs, &ob, &ib);
        u->in_pos += ib.pos;
        if (ZSTD_isError(rc)) {
            snprintf(u->err, sizeof u->err, "corrupt zstd data: %s", ZSTD_getErrorName(rc));
            return -1;
        }
        u->stream_end = rc == 0;
        return (ssize_t)ob.pos;
    }
    size_t dst = n, used = avail;
    size_t rc = LZ4F_decompress(u->lz, out, &dst, src, &used, NULL);
    u->in_pos += used;
    if (LZ4F_isError(rc)) {
        snprintf(u->err, sizeof u->err, "corrupt lz4 data: %s", LZ4F_getErrorName(rc));
        return -1;
    }
    u->stream_end = rc == 0;
    return (ssize_t)dst;
}

ssize_t mops_unpack_read(struct mops_unpack *u, uint8_t *out, size_t n)
{
    for (;;) {
        if (more_input(u) < 0)
            return -1;
        if (u->in_pos == u->in_end && u->in_eof) {
            if (!u->stream_end) {
                snprintf(u->err, sizeof u->err, "the %s data ends early (truncated file)", mops_pack_name(u->kind));
                return -1;
            }
            return 0;
        }
        size_t before = u->in_pos;
        bool was_end = u->stream_end;
        ssize_t k = step(u, out, n);
        if (k != 0)
            return k;
        /* Nothing out: on with more input, unless nothing moved at all. */
        if (u->in_pos == before && u->in_pos < u->in_end && u->stream_end == was_end) {
            snprintf(u->err, sizeof u->err, "corrupt %s data", mops_pack_name(u->kind));
            return -1;
        }
    }
}

const char *mops_unpack_error(const struct mops_unpack *u) { return u->err; }

void mops_unpack_free(struct mops_unpack *u)
{
    if (!u)
        return;
    if (u->kind == MOPS_PACK_GZIP)
        inflateEnd(&u->z);
    ZSTD_freeDStream(u->zs);
    if (u->lz)
        LZ4F_freeDecompressionContext(u->lz);
    mops_recycled_free(u->in, IN_SIZE);
    free(u);
}
