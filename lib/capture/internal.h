/* State behind struct mops_cap; shared by the capture sources of lib/. */
#ifndef MOPS_CAPTURE_INTERNAL_H
#define MOPS_CAPTURE_INTERNAL_H

#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "mops/capture/capture.h"

struct mops_pcapng_reader;
struct mops_pcap_reader;
struct mops_multi;
struct mops_unpack;

struct mops_cap_prog {
    struct bpf_program prog;
    bool usable; /* compiled for this link type */
};

struct mops_cap {
    bool live;
    pcap_t *pcap;                  /* live, or a pcap file libpcap reads */
    struct mops_pcap_reader *pc;   /* a pcap file read by pcap_read.c */
    struct mops_pcapng_reader *ng; /* pcapng file */
    struct mops_multi *multi;      /* several files as one (multi.c) */
    struct mops_unpack *unpack;    /* a compressed file's decompressor (unpack.c) */
    int fd;                        /* under pc or ng (-1: none of ours) */
    struct mops_cap_iface *ifaces;
    unsigned n_ifaces, cap_ifaces;
    /* BPF: on the pcap handle for pcap/live; per interface for pcapng. */
    char *filter;
    struct mops_cap_prog *progs; /* one per interface (pcapng) */
    unsigned n_progs;
    int stop; /* set from a signal handler or another thread:
                                         only through mops_cap_stopped / mops_cap_break */
    uint64_t frames, seen;
    char err[MOPS_CAP_ERRLEN];
    char warn[MOPS_CAP_ERRLEN];
    char name[256];     /* the file, for messages */
    char comment[1024]; /* mops_cap_comment */
    bool pcapng;
};

/* mops_cap_break was called (a lock-free atomic: safe in a signal handler
 * and seen by a reading thread, lib/capture/pipeline.c). */
static inline bool mops_cap_stopped(const struct mops_cap *c) { return __atomic_load_n(&c->stop, __ATOMIC_RELAXED); }

/* Room for one more of n items in a doubling array of *cap (first
 * `first`): the array, moved or not, or NULL when out of memory (the old
 * one is kept). */
static inline void *mops_grow(void *items, unsigned *cap, unsigned n, size_t size, unsigned first)
{
    if (n < *cap)
        return items;
    unsigned m = *cap ? *cap * 2 : first;
    void *p = realloc(items, (size_t)m * size);
    if (p)
        *cap = m;
    return p;
}

/* Adds an interface; returns its index or -1 (too many). */
int mops_cap_add_iface(struct mops_cap *c, uint32_t linktype, uint32_t snaplen, const char *name, uint8_t ts_digits);

/* The next frame only if it is read already (END otherwise), so that the
 * frames given before stay valid; END for files libpcap reads. */
int mops_cap_next_buffered(struct mops_cap *c, struct mops_frame *f);

/* multi.c: several files as one capture (mops_cap_opts.paths). */
int mops_multi_open(struct mops_cap *c, const struct mops_cap_opts *o, char err[MOPS_CAP_ERRLEN]);
int mops_multi_next(struct mops_cap *c, struct mops_frame *f, unsigned max, unsigned *n);
void mops_multi_break(struct mops_multi *m);
void mops_multi_seen(const struct mops_multi *m, uint64_t *seen);
void mops_multi_close(struct mops_multi *m);

/* unpack.c: gzip, zstd and lz4 captures, known by their first octets. */
enum mops_pack { MOPS_PACK_NONE, MOPS_PACK_GZIP, MOPS_PACK_ZSTD, MOPS_PACK_LZ4 };
enum mops_pack mops_pack_of(const uint8_t *magic, size_t n);
const char *mops_pack_name(enum mops_pack k);
/* The n octets read already from fd go first. NULL when out of memory. */
struct mops_unpack *mops_unpack_new(enum mops_pack kind, int fd, const uint8_t *peeked, size_t n);
/* Up to n decompressed octets: how many, 0 at the end, -1 on a read error,
 * corrupt data or a stream cut short (mops_unpack_error says which). */
ssize_t mops_unpack_read(struct mops_unpack *u, uint8_t *out, size_t n);
const char *mops_unpack_error(const struct mops_unpack *u);
void mops_unpack_free(struct mops_unpack *u);

/* chunk.c: a capture file read from its descriptor in large chunks. The
 * unread octets are buf[pos, end); pointers into them stay valid until the
 * next fill. */
struct mops_chunk {
    int fd;
    struct mops_unpack *unpack; /* read through it when set (the capture owns it) */
    uint8_t *buf;
    size_t size, pos, end;
    uint64_t offset; /* of buf[0] in the file */
    bool eof;
};
/* The n octets the opener read already go first; offset is the file's
 * position after them. -1 when out of memory. */
int mops_chunk_init(struct mops_chunk *k, int fd, const uint8_t *peeked, size_t n, uint64_t offset);
/* Makes n octets readable at buf + pos (fewer at the end of the file or on
 * a stop), moving the rest to the front, growing the buffer if n needs it.
 * -1 with c->err set on a read error. */
int mops_chunk_fill(struct mops_chunk *k, struct mops_cap *c, size_t n);
void mops_chunk_free(struct mops_chunk *k);
static inline size_t mops_chunk_left(const struct mops_chunk *k) { return k->end - k->pos; }

/* pcapng_read.c */
/* Reads the section header and the interfaces that follow it. NULL, with
 * the reason in c->err, if the file is no pcapng. */
struct mops_pcapng_reader *mops_pcapng_open(int fd, const uint8_t *peeked, size_t n_peeked, struct mops_cap *c);
/* Reads the next packet; new interfaces are reported through
 * mops_cap_add_iface. Returns MOPS_CAP_FRAME, MOPS_CAP_END or MOPS_CAP_ERROR.
 * Without refill, only a block read already is returned (END otherwise), so
 * that frames returned before stay valid. */
int mops_pcapng_next(struct mops_pcapng_reader *r, struct mops_cap *c, struct mops_frame *f, bool refill);
void mops_pcapng_close(struct mops_pcapng_reader *r);

/* pcap_read.c */
/* A reader for the pcap file whose 24-octet header was read from fd, or
 * NULL if libpcap should read it (a variant not handled here). Adds the
 * file's interface. */
struct mops_pcap_reader *mops_pcap_open(int fd, const uint8_t hdr[24], struct mops_cap *c);
/* The next record: MOPS_CAP_FRAME, MOPS_CAP_END or MOPS_CAP_ERROR. Without
 * refill, only a record already read is returned (END otherwise), so that
 * frames returned before stay valid. */
int mops_pcap_next(struct mops_pcap_reader *r, struct mops_cap *c, struct mops_frame *f, bool refill);
void mops_pcap_close(struct mops_pcap_reader *r);

/* landlock.c: the calling thread and the threads it starts may change files
 * by path only as regular files inside dir_fd (-1: nowhere). 0 also where
 * the kernel has no Landlock; -1 with a message in err. */
int mops_landlock_confine(int dir_fd, char err[256]);

#define MOPS_PCAPNG_SHB 0x0A0D0D0Au
#define MOPS_PCAPNG_BOM 0x1A2B3C4Du

#endif
