/* Capture I/O: writing and reading pcap and pcapng (files and stdin through a
 * pipe), interface ids and link types, BPF filters, and clear messages for
 * every kind of broken file, bad filter and unknown interface. */
#include <fcntl.h>
#include <pcap/pcap.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mops/capture/capture.h"
#include "mops/decode/decode.h"
#include "mops/capture/dump.h"
#include "mops/capture/pipeline.h"

#include "check.h"
#include "samples.h"

static char dir[64];
static struct mops_builder b;
static char err[MOPS_CAP_ERRLEN];

static const char *path(const char *name)
{
    static char buf[4][128];
    static int k;
    char *p = buf[k++ % 4];
    snprintf(p, 128, "%s/%s", dir, name);
    return p;
}

static void write_bytes(const char *p, const void *d, size_t n)
{
    FILE *f = fopen(p, "wb");
    fwrite(d, 1, n, f);
    fclose(f);
}

static size_t read_bytes(const char *p, uint8_t *d, size_t cap)
{
    FILE *f = fopen(p, "rb");
    size_t n = fread(d, 1, cap, f);
    fclose(f);
    return n;
}

/* Frame k of a test stream: sample k % count over carrier `c`. */
static struct mops_frame frame_of(int k, int c, uint32_t ifid)
{
    sample_build(k % sample_count(), &b);
    struct mops_frame f = {0};
    f.linktype = carrier_wrap(c, &b);
    f.data = mops_build_data(&b, &f.caplen);
    f.wirelen = f.caplen;
    f.ts_ns = UINT64_C(1790000000123456789) + (uint64_t)k * 1000001u;
    f.ifid = ifid;
    return f;
}

static struct mops_cap *open_file(const char *p, const char *filter)
{
    struct mops_cap_opts o = {.path = p, .filter = filter};
    struct mops_cap *c = NULL;
    if (mops_cap_open(&o, &c, err) < 0)
        return NULL;
    return c;
}

static void test_pcap_roundtrip(void)
{
    struct mops_cap_iface eth = {MOPS_LINKTYPE_ETHERNET, 65535, "", 9, ""};
    struct mops_dump *d;
    CHECK_EQ(mops_dump_open(path("a.pcap"), MOPS_DUMP_PCAP, &eth, 1, &d, err), 0);
    for (int k = 0; k < 40; k++) {
        struct mops_frame f = frame_of(k, 1, 0);
        CHECK_EQ(mops_dump_write(d, &f), 0);
    }
    CHECK_EQ(mops_dump_close(d), 0);

    struct mops_cap *c = open_file(path("a.pcap"), NULL);
    CHECK(c != NULL);
    CHECK_EQ(mops_cap_n_ifaces(c), 1);
    CHECK_EQ(mops_cap_iface(c, 0)->linktype, MOPS_LINKTYPE_ETHERNET);
    CHECK_EQ(mops_cap_iface(c, 0)->snaplen, 65535);
    CHECK(!mops_cap_is_live(c));
    struct mops_frame f;
    int k = 0, rc;
    while ((rc = mops_cap_next(c, &f)) == MOPS_CAP_FRAME) {
        uint8_t want[70000];
        struct mops_frame w = frame_of(k, 1, 0);
        memcpy(want, w.data, w.caplen);
        CHECK_MEM(f.data, f.caplen, want, w.caplen);
        CHECK_EQ(f.wirelen, w.wirelen);
        CHECK_EQ(f.linktype, MOPS_LINKTYPE_ETHERNET);
        CHECK_EQ(f.ifid, 0);
        CHECK_EQ(f.ts_ns, w.ts_ns / 1000 * 1000); /* pcap keeps microseconds */
        k++;
    }
    CHECK_EQ(rc, MOPS_CAP_END);
    CHECK_EQ(k, 40);
    struct mops_cap_stats st;
    mops_cap_stats(c, &st);
    CHECK_EQ(st.frames, 40);
    CHECK(!st.have_kernel);
    mops_cap_close(c);

    /* Raw IP: LINKTYPE_RAW in the file, DLT_RAW inside libpcap. */
    struct mops_cap_iface raw = {MOPS_LINKTYPE_RAW, 0, "", 9, ""};
    CHECK_EQ(mops_dump_open(path("raw.pcap"), MOPS_DUMP_PCAP, &raw, 1, &d, err), 0);
    for (int k = 0; k < 5; k++) {
        struct mops_frame f = frame_of(k, 8, 0);
        CHECK_EQ(mops_dump_write(d, &f), 0);
    }
    CHECK_EQ(mops_dump_close(d), 0);
    uint8_t hdr[24];
    CHECK_EQ(read_bytes(path("raw.pcap"), hdr, sizeof hdr), 24);
    CHECK_EQ(hdr[20], 101); /* the file says LINKTYPE_RAW */
    c = open_file(path("raw.pcap"), "udp port 5505");
    CHECK(c != NULL);
    CHECK_EQ(mops_cap_iface(c, 0)->linktype, MOPS_LINKTYPE_RAW);
    static struct mops_packet pkt;
    struct mops_frame rf;
    k = 0;
    while (mops_cap_next(c, &rf) == MOPS_CAP_FRAME) {
        CHECK_EQ(rf.linktype, MOPS_LINKTYPE_RAW);
        mops_decode_frame(NULL, rf.linktype, rf.data, rf.caplen, rf.wirelen, &pkt);
        CHECK_EQ(pkt.status, MOPS_ST_OK);
        CHECK_EQ(pkt.link.carrier, MOPS_CARRIER_UDP4);
        k++;
    }
    CHECK_EQ(k, 5);
    mops_cap_close(c);

    /* A pcap file holds one link type. */
    struct mops_cap_iface two[2] = {{MOPS_LINKTYPE_ETHERNET, 0, "", 9, ""}, {MOPS_LINKTYPE_USER0, 0, "", 9, ""}};
    CHECK_EQ(mops_dump_open(path("b.pcap"), MOPS_DUMP_PCAP, two, 2, &d, err), -1);
    CHECK(strstr(err, "a pcap file holds one: write pcapng") != NULL);
    CHECK_EQ(mops_dump_format_for("x.pcapng"), MOPS_DUMP_PCAPNG);
    CHECK_EQ(mops_dump_format_for("x.pcap"), MOPS_DUMP_PCAP);
}

/* Three interfaces of three link types, interleaved. */
static void write_pcapng(const char *p, int frames)
{
    struct mops_cap_iface ifs[3] = {{MOPS_LINKTYPE_ETHERNET, 262144, "veth-a", 9, ""},
                                    {MOPS_LINKTYPE_USER0, 262144, "ipff0", 9, ""},
                                    {MOPS_LINKTYPE_SLL2, 262144, "any", 9, ""}};
    static const int carrier_of[3] = {1, 0, 5};
    struct mops_dump *d;
    CHECK_EQ(mops_dump_open(p, MOPS_DUMP_PCAPNG, ifs, 3, &d, err), 0);
    for (int k = 0; k < frames; k++) {
        struct mops_frame f = frame_of(k, carrier_of[k % 3], (uint32_t)(k % 3));
        CHECK_EQ(mops_dump_write(d, &f), 0);
    }
    CHECK_EQ(mops_dump_close(d), 0);
}

static int read_all(struct mops_cap *c, int *rc_out)
{
    struct mops_frame f;
    int n = 0, rc;
    while ((rc = mops_cap_next(c, &f)) == MOPS_CAP_FRAME)
        n++;
    *rc_out = rc;
    return n;
}

static void test_pcapng_roundtrip(void)
{
    write_pcapng(path("m.pcapng"), 30);
    struct mops_cap *c = open_file(path("m.pcapng"), NULL);
    CHECK(c != NULL);
    struct mops_frame f;
    static const uint32_t lt[3] = {MOPS_LINKTYPE_ETHERNET, MOPS_LINKTYPE_USER0, MOPS_LINKTYPE_SLL2};
    static const int carrier_of[3] = {1, 0, 5};
    static struct mops_packet pkt;
    int k = 0;
    while (mops_cap_next(c, &f) == MOPS_CAP_FRAME) {
        uint8_t want[70000];
        struct mops_frame w = frame_of(k, carrier_of[k % 3], 0);
        memcpy(want, w.data, w.caplen);
        CHECK_EQ(f.ifid, k % 3);
        CHECK_EQ(f.linktype, lt[k % 3]);
        CHECK_EQ(f.ts_ns, w.ts_ns); /* nanoseconds kept */
        CHECK_MEM(f.data, f.caplen, want, w.caplen);
        mops_decode_frame(NULL, f.linktype, f.data, f.caplen, f.wirelen, &pkt);
        CHECK_EQ(pkt.status, MOPS_ST_OK);
        k++;
    }
    CHECK_EQ(k, 30);
    CHECK_EQ(mops_cap_n_ifaces(c), 3);
    CHECK_STR(mops_cap_iface(c, 0)->name, "veth-a");
    CHECK_STR(mops_cap_iface(c, 2)->name, "any");
    mops_cap_close(c);

    /* Two sections back to back (cat a.pcapng b.pcapng): ids go on. */
    static uint8_t buf[1 << 20];
    size_t n = read_bytes(path("m.pcapng"), buf, sizeof buf);
    memcpy(buf + n, buf, n);
    write_bytes(path("two.pcapng"), buf, 2 * n);
    c = open_file(path("two.pcapng"), NULL);
    int rc;
    CHECK_EQ(read_all(c, &rc), 60);
    CHECK_EQ(rc, MOPS_CAP_END);
    CHECK_EQ(mops_cap_n_ifaces(c), 6);
    mops_cap_close(c);
}

static void test_filters(void)
{
    /* IPFF over Ethernet and IPFF-in-UDP over Ethernet in one pcap. */
    struct mops_cap_iface eth = {MOPS_LINKTYPE_ETHERNET, 0, "", 9, ""};
    struct mops_dump *d;
    CHECK_EQ(mops_dump_open(path("mix.pcap"), MOPS_DUMP_PCAP, &eth, 1, &d, err), 0);
    for (int k = 0; k < 20; k++) {
        struct mops_frame f = frame_of(k, k % 2 ? 6 : 1, 0);
        mops_dump_write(d, &f);
    }
    mops_dump_close(d);
    int rc;
    struct mops_cap *c = open_file(path("mix.pcap"), "ether proto 0x88b5");
    CHECK_EQ(read_all(c, &rc), 10);
    struct mops_cap_stats st;
    mops_cap_stats(c, &st);
    CHECK_EQ(st.frames, 10);
    mops_cap_close(c);
    c = open_file(path("mix.pcap"), "udp port 5505");
    CHECK_EQ(read_all(c, &rc), 10);
    mops_cap_close(c);

    /* pcapng: compiled per interface; where it means nothing, nothing matches. */
    c = open_file(path("m.pcapng"), "ether proto 0x88b5");
    CHECK(c != NULL);
    struct mops_frame f;
    int n = 0;
    while (mops_cap_next(c, &f) == MOPS_CAP_FRAME) {
        CHECK(f.ifid == 0 || f.ifid == 2); /* Ethernet and SLL2 carry an EtherType */
        n++;
    }
    CHECK_EQ(n, 20);
    CHECK(mops_cap_warning(c) != NULL);
    CHECK_STR(mops_cap_warning(c), "the filter does not apply to interface 1 (link type 147); its frames are skipped");
    mops_cap_close(c);

    /* Bad expressions are named before anything is read. */
    CHECK(open_file(path("mix.pcap"), "ether proto") == NULL);
    CHECK(strncmp(err, "bad filter expression: ", 23) == 0);
    CHECK(strstr(err, "(\"ether proto\")") != NULL);
    CHECK(open_file(path("m.pcapng"), "tcp port eighty") == NULL);
    CHECK(strncmp(err, "bad filter expression: ", 23) == 0);
    CHECK_EQ(mops_cap_check_filter("udp port 5505", MOPS_LINKTYPE_ETHERNET, err), 0);
    CHECK_EQ(mops_cap_check_filter("udp port", MOPS_LINKTYPE_ETHERNET, err), -1);
}

/* Feeds a file to this process's stdin through a pipe (not seekable). */
static void read_stdin(const char *p, int want_frames, int want_ifaces)
{
    static uint8_t buf[1 << 20];
    size_t n = read_bytes(p, buf, sizeof buf);
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        size_t off = 0;
        while (off < n) { /* in small writes, as a slow producer would */
            size_t k = n - off < 1000 ? n - off : 1000;
            if (write(fds[1], buf + off, k) < 0)
                _exit(1);
            off += k;
        }
        _exit(0);
    }
    close(fds[1]);
    dup2(fds[0], 0);
    close(fds[0]);
    clearerr(stdin);
    struct mops_cap *c = open_file("-", NULL);
    CHECK(c != NULL);
    if (!c) {
        fprintf(stderr, "  %s\n", err);
        return;
    }
    int rc;
    CHECK_EQ(read_all(c, &rc), want_frames);
    CHECK_EQ(rc, MOPS_CAP_END);
    CHECK_EQ(mops_cap_n_ifaces(c), want_ifaces);
    mops_cap_close(c);
    waitpid(pid, NULL, 0);
}

static void test_stdin(void)
{
    read_stdin(path("a.pcap"), 40, 1);
    read_stdin(path("m.pcapng"), 30, 3);
}

static void expect_open_error(const char *p, const char *want)
{
    struct mops_cap *c = open_file(p, NULL);
    CHECK(c == NULL);
    mops_cap_close(c);
    CHECK(strstr(err, want) != NULL);
    if (!strstr(err, want))
        fprintf(stderr, "  got \"%s\", wanted \"%s\"\n", err, want);
}

/* Reads a file that opens, expecting `frames` frames and then an error. */
static void expect_read_error(const char *p, int frames, const char *want)
{
    struct mops_cap *c = open_file(p, NULL);
    CHECK(c != NULL);
    if (!c) {
        fprintf(stderr, "  open: %s\n", err);
        return;
    }
    int rc;
    CHECK_EQ(read_all(c, &rc), frames);
    CHECK_EQ(rc, MOPS_CAP_ERROR);
    CHECK(strstr(mops_cap_error(c), want) != NULL);
    if (!strstr(mops_cap_error(c), want))
        fprintf(stderr, "  got \"%s\", wanted \"%s\"\n", mops_cap_error(c), want);
    mops_cap_close(c);
}

static void put32le(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static uint32_t get32le(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* A pcap file of two records, the second with the given lengths and only
 * `data` octets of its data present; in the host's order or swapped. */
static void write_crafted(const char *p, uint32_t magic, uint16_t minor, uint32_t snap, uint32_t linktype,
                          uint32_t caplen, uint32_t len, uint32_t data, bool swap)
{
    static uint8_t buf[600000];
    uint32_t w[] = {magic, 2u | (uint32_t)minor << 16, 0, 0, snap, linktype, 1700000000, 999999, 60, 60};
    for (unsigned i = 0; i < 10; i++) {
        uint32_t v = swap && i != 1 ? __builtin_bswap32(w[i]) : w[i];
        if (swap && i == 1)
            v = (uint32_t)__builtin_bswap16(2) | (uint32_t)__builtin_bswap16(minor) << 16;
        put32le(buf + (i < 6 ? 4 * i : 24 + 4 * (i - 6)), v);
    }
    for (unsigned i = 0; i < 60; i++)
        buf[40 + i] = (uint8_t)i;
    uint32_t r[] = {1700000001, 5, caplen, len};
    for (unsigned i = 0; i < 4; i++)
        put32le(buf + 100 + 4 * i, swap ? __builtin_bswap32(r[i]) : r[i]);
    for (uint32_t i = 0; i < data; i++)
        buf[116 + i] = (uint8_t)(i * 7);
    write_bytes(p, buf, 116 + data);
}

/* Our reader and libpcap 1.10 must agree on every file: frames (lengths,
 * times, octets) and, for a damaged one, the message. */
static void same_as_libpcap(const char *p)
{
    char perr[PCAP_ERRBUF_SIZE];
    pcap_t *lp = pcap_open_offline_with_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO, perr);
    struct mops_cap *c = open_file(p, NULL);
    CHECK(lp != NULL && c != NULL);
    if (!lp || !c) {
        fprintf(stderr, "  %s: %s / %s\n", p, perr, err);
        if (lp)
            pcap_close(lp);
        mops_cap_close(c);
        return;
    }
    CHECK_EQ(mops_cap_iface(c, 0)->snaplen, (uint32_t)pcap_snapshot(lp));
    CHECK_EQ(mops_cap_iface(c, 0)->linktype, mops_dlt_to_linktype(pcap_datalink(lp)));
    struct pcap_pkthdr *h;
    const u_char *d;
    struct mops_frame f;
    int lrc, rc;
    while ((lrc = pcap_next_ex(lp, &h, &d)) == 1) {
        rc = mops_cap_next(c, &f);
        CHECK_EQ(rc, MOPS_CAP_FRAME);
        if (rc != MOPS_CAP_FRAME)
            break;
        CHECK_EQ(f.caplen, h->caplen);
        CHECK_EQ(f.wirelen, h->len < h->caplen ? h->caplen : h->len);
        CHECK_EQ(f.ts_ns, (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec);
        CHECK(memcmp(f.data, d, f.caplen) == 0);
    }
    rc = mops_cap_next(c, &f);
    CHECK_EQ(rc, lrc == -1 ? MOPS_CAP_ERROR : MOPS_CAP_END);
    if (lrc == -1) {
        char want[600];
        snprintf(want, sizeof want, "%s: %s", p, pcap_geterr(lp));
        CHECK_STR(mops_cap_error(c), want);
    }
    pcap_close(lp);
    mops_cap_close(c);
}

/* Frames of `size` octets (IPFF samples padded), `count` of them. */
static void write_big(const char *p, int count, uint32_t size)
{
    static uint8_t data[300000];
    struct mops_cap_iface eth = {MOPS_LINKTYPE_ETHERNET, 262144, "", 9, ""};
    struct mops_dump *d;
    CHECK_EQ(mops_dump_open(p, MOPS_DUMP_PCAP, &eth, 1, &d, err), 0);
    for (int k = 0; k < count; k++) {
        struct mops_frame f = frame_of(k, 1, 0);
        memset(data, k, size);
        memcpy(data, f.data, f.caplen < size ? f.caplen : size);
        f.data = data;
        f.caplen = f.wirelen = size;
        CHECK_EQ(mops_dump_write(d, &f), 0);
    }
    CHECK_EQ(mops_dump_close(d), 0);
}

/* The pipeline hands over what the capture gives, decoded, in order:
 * compared with a plain read frame by frame. */
static void pipe_matches(const char *p, uint64_t limit, int want_frames, int want_status, bool stop_early, bool slow)
{
    struct mops_cap *c = open_file(p, NULL), *ref = open_file(p, NULL);
    CHECK(c && ref);
    if (!c || !ref)
        return;
    struct mops_pipe *pp = mops_pipe_start(c, NULL, limit, true);
    CHECK(pp != NULL);
    static struct mops_packet pkt;
    const struct mops_pipe_batch *b;
    int status, k = 0, batches = 0;
    while ((b = mops_pipe_next(pp, &status)) != NULL) {
        batches++;
        for (unsigned i = 0; i < b->n; i++, k++) {
            struct mops_frame rf;
            CHECK_EQ(mops_cap_next(ref, &rf), MOPS_CAP_FRAME);
            CHECK_EQ(b->frames[i].caplen, rf.caplen);
            CHECK_EQ(b->frames[i].ts_ns, rf.ts_ns);
            CHECK(memcmp(b->frames[i].data, rf.data, rf.caplen) == 0);
            mops_decode_frame(NULL, rf.linktype, rf.data, rf.caplen, rf.wirelen, &pkt);
            CHECK_EQ(b->pkts[i].status, pkt.status);
            CHECK_EQ(b->pkts[i].layers, pkt.layers);
            CHECK(b->pkts[i].frame == b->frames[i].data);
            /* The content key, made on the reading thread, is the packet's. */
            CHECK_EQ(b->keys[i], (pkt.layers & MOPS_L_IPFF) ? mops_packet_content_key(&pkt) : 0);
            CHECK(!(pkt.layers & MOPS_L_IPFF) || b->keys[i] != 0);
        }
        if (stop_early)
            break;
        if (slow) /* the reading thread finds the ring full and waits to be woken */
            nanosleep(&(struct timespec){0, 2000000}, NULL);
    }
    if (!stop_early) {
        CHECK_EQ(k, want_frames);
        CHECK_EQ(status, want_status);
        CHECK(mops_pipe_next(pp, &status) == NULL); /* the end stays the end */
        CHECK_EQ(status, want_status);
        uint64_t frames, seen;
        mops_pipe_counts(pp, &frames, &seen);
        CHECK_EQ(frames, (uint64_t)want_frames);
    } else {
        CHECK_EQ(batches, 1);
    }
    mops_pipe_stop(pp); /* joins the thread, even mid-file */
    mops_cap_close(c);
    mops_cap_close(ref);
}

static void test_pipeline(void)
{
    pipe_matches(path("a.pcap"), 0, 40, MOPS_CAP_END, false, false);
    pipe_matches(path("a.pcap"), 7, 7, MOPS_CAP_END, false, false);
    pipe_matches(path("m.pcapng"), 0, 30, MOPS_CAP_END, false, false);
    pipe_matches(path("cut.pcap"), 0, 39, MOPS_CAP_ERROR, false, false);
    /* Frames of 200 KB: five fill a slot's copies, the next waits for the
     * next slot; 1,000 small ones: several full batches. */
    write_big(path("big.pcap"), 23, 200000);
    pipe_matches(path("big.pcap"), 0, 23, MOPS_CAP_END, false, false);
    write_big(path("many.pcap"), 1000, 90);
    pipe_matches(path("many.pcap"), 0, 1000, MOPS_CAP_END, false, false);
    pipe_matches(path("many.pcap"), 0, 0, 0, true, false);
    /* A caller slower than the reading thread, over 12 batches: the reader
     * is woken once half the ring is free, and no batch is lost or late. */
    write_big(path("slow.pcap"), 12 * MOPS_PIPE_BATCH + 5, 90);
    pipe_matches(path("slow.pcap"), 0, 12 * MOPS_PIPE_BATCH + 5, MOPS_CAP_END, false, true);
}

static void test_pcap_reader(void)
{
    static const struct {
        uint32_t magic;
        uint16_t minor;
        uint32_t snap, lt, caplen, len, data;
    } v[] = {
        {0xa1b2c3d4u, 4, 65535, 1, 200, 300, 200},    /* fine, micro */
        {0xa1b23c4du, 4, 65535, 1, 200, 200, 200},    /* fine, nano */
        {0xa1b2c3d4u, 4, 100, 1, 200, 200, 200},      /* cut to the snaplen */
        {0xa1b2c3d4u, 4, 0, 1, 200, 150, 200},        /* snaplen 0, len < caplen */
        {0xa1b2c3d4u, 4, 0xfffffff0u, 1, 60, 60, 60}, /* snaplen "negative" for libpcap */
        {0xa1b2c3d4u, 4, 0x80000000u, 1, 300000, 300000, 10},
        {0xa1b2c3d4u, 4, 100, 1, 300000, 300000, 10},    /* bigger than the snaplen */
        {0xa1b2c3d4u, 4, 300000, 1, 280000, 280000, 10}, /* bigger than the maximum */
        {0xa1b2c3d4u, 4, 262144, 1, 262144, 262144, 262144},
        {0xa1b2c3d4u, 4, 300000, 1, 200, 200, 50}, /* data cut */
        {0xa1b2c3d4u, 4, 100, 1, 200, 200, 50},    /* cut before the snaplen */
        {0xa1b2c3d4u, 4, 100, 1, 200, 200, 150},   /* cut after it */
        {0xa1b2c3d4u, 4, 65535, 101, 60, 60, 60},  /* LINKTYPE_RAW */
        {0xa1b2c3d4u, 3, 65535, 1, 60, 60, 60},    /* 2.3: libpcap's */
        {0xa1b2c3d4u, 4, 65535, 100, 60, 60, 60},  /* a link type left to libpcap */
    };
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++)
        for (int swap = 0; swap < 2; swap++) {
            char name[32];
            snprintf(name, sizeof name, "crafted%u%s.pcap", i, swap ? "s" : "");
            write_crafted(path(name), v[i].magic, v[i].minor, v[i].snap, v[i].lt, v[i].caplen, v[i].len, v[i].data,
                          swap);
            same_as_libpcap(path(name));
        }
    /* A record header cut short. */
    static uint8_t buf[1 << 20];
    size_t n = read_bytes(path("a.pcap"), buf, sizeof buf);
    memcpy(buf + n, "abcde", 5);
    write_bytes(path("cuthdr.pcap"), buf, n + 5);
    same_as_libpcap(path("cuthdr.pcap"));
    same_as_libpcap(path("a.pcap"));

    /* Batches: every frame of a batch is intact until the next call. */
    struct mops_cap *c = open_file(path("a.pcap"), NULL), *ref = open_file(path("a.pcap"), NULL);
    CHECK(c && ref);
    if (!c || !ref)
        return;
    struct mops_frame fs[16], rf;
    unsigned got, total = 0, biggest = 0;
    while (mops_cap_next_batch(c, fs, 16, &got) == MOPS_CAP_FRAME) {
        for (unsigned i = 0; i < got; i++) {
            CHECK_EQ(mops_cap_next(ref, &rf), MOPS_CAP_FRAME);
            CHECK_EQ(fs[i].caplen, rf.caplen);
            CHECK(memcmp(fs[i].data, rf.data, rf.caplen) == 0);
        }
        total += got;
        biggest = got > biggest ? got : biggest;
    }
    CHECK_EQ(total, 40);
    CHECK_EQ(biggest, 16);
    mops_cap_close(c);
    mops_cap_close(ref);
    /* With a filter, a batch holds only what passes it. */
    c = open_file(path("mix.pcap"), "udp");
    CHECK(c != NULL);
    total = 0;
    while (c && mops_cap_next_batch(c, fs, 16, &got) == MOPS_CAP_FRAME)
        total += got;
    CHECK_EQ(total, 10);
    mops_cap_close(c);
}

/* pcapng read in place: frames of one link type as libpcap reads them
 * (lengths, times, octets), in batches that stay intact until the next
 * call, across a block larger than the reader's chunk and a second section. */
static void test_pcapng_reader(void)
{
    static uint8_t data[3000], buf[8 << 20];
    struct mops_cap_iface eth = {MOPS_LINKTYPE_ETHERNET, 262144, "eth0", 9, ""};
    struct mops_dump *d;
    CHECK_EQ(mops_dump_open(path("one.pcapng"), MOPS_DUMP_PCAPNG, &eth, 1, &d, err), 0);
    for (int k = 0; k < 2000; k++) {
        struct mops_frame f = frame_of(k, 1, 0);
        uint32_t size = 60 + (uint32_t)(k * 37) % 2900;
        memset(data, k, size);
        memcpy(data, f.data, f.caplen < size ? f.caplen : size);
        f.data = data;
        f.caplen = f.wirelen = size;
        f.ts_ns = 1700000000123456789ull + (uint64_t)k * 1000003u;
        CHECK_EQ(mops_dump_write(d, &f), 0);
    }
    CHECK_EQ(mops_dump_close(d), 0);

    /* libpcap, frame by frame (it reads one link type per file). */
    char perr[PCAP_ERRBUF_SIZE];
    pcap_t *lp = pcap_open_offline_with_tstamp_precision(path("one.pcapng"), PCAP_TSTAMP_PRECISION_NANO, perr);
    struct mops_cap *c = open_file(path("one.pcapng"), NULL);
    CHECK(lp != NULL && c != NULL);
    if (!lp || !c)
        return;
    CHECK_EQ(mops_cap_iface(c, 0)->linktype, mops_dlt_to_linktype(pcap_datalink(lp)));
    CHECK_STR(mops_cap_iface(c, 0)->name, "eth0");
    struct pcap_pkthdr *h;
    const u_char *ld;
    struct mops_frame fs[64];
    unsigned got, n = 0, biggest = 0;
    int rc;
    while ((rc = mops_cap_next_batch(c, fs, 64, &got)) == MOPS_CAP_FRAME) {
        biggest = got > biggest ? got : biggest;
        for (unsigned i = 0; i < got; i++, n++) {
            CHECK_EQ(pcap_next_ex(lp, &h, &ld), 1);
            CHECK_EQ(fs[i].caplen, h->caplen);
            CHECK_EQ(fs[i].wirelen, h->len);
            CHECK_EQ(fs[i].ts_ns, (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec);
            CHECK(memcmp(fs[i].data, ld, h->caplen) == 0);
        }
    }
    CHECK_EQ(rc, MOPS_CAP_END);
    CHECK_EQ(pcap_next_ex(lp, &h, &ld), -2);
    CHECK_EQ(n, 2000);
    CHECK(biggest > 32); /* read in batches, not one block at a time */
    pcap_close(lp);
    mops_cap_close(c);

    /* A 3 MiB block to skip after the interface, then a second section. */
    size_t len = read_bytes(path("one.pcapng"), buf, sizeof buf);
    uint32_t shb = get32le(buf + 4), idb = get32le(buf + shb + 4), at = shb + idb, big = 3u << 20;
    static uint8_t out[16 << 20];
    memcpy(out, buf, at);
    put32le(out + at, 0x40000BAD); /* a custom block type, skipped */
    put32le(out + at + 4, big);
    memset(out + at + 8, 0x5a, big - 12);
    put32le(out + at + big - 4, big);
    memcpy(out + at + big, buf + at, len - at);
    memcpy(out + big + len, buf, len);
    write_bytes(path("bigblock.pcapng"), out, big + 2 * len);
    c = open_file(path("bigblock.pcapng"), NULL);
    CHECK(c != NULL);
    CHECK_EQ(read_all(c, &rc), 4000);
    CHECK_EQ(rc, MOPS_CAP_END);
    if (rc != MOPS_CAP_END)
        fprintf(stderr, "  %s\n", mops_cap_error(c));
    mops_cap_close(c);
}

static void test_broken_files(void)
{
    static uint8_t buf[1 << 20];
    expect_open_error(path("missing.pcap"), "missing.pcap: No such file or directory");
    write_bytes(path("empty"), "", 0);
    expect_open_error(path("empty"), "empty: empty file, not a capture");
    write_bytes(path("short"), "\xd4\xc3", 2);
    expect_open_error(path("short"), "short: file too short to be a capture");
    write_bytes(path("text"), "hello, this is not a capture file\n", 34);
    expect_open_error(path("text"), "text: unknown file format");
    expect_open_error(dir, "Is a directory");

    /* pcap cut in the middle of its last record: the rest is still read. */
    size_t n = read_bytes(path("a.pcap"), buf, sizeof buf);
    write_bytes(path("cut.pcap"), buf, n - 7);
    expect_read_error(path("cut.pcap"), 39, "truncated dump file");
    /* A record longer than any snaplen. */
    n = read_bytes(path("a.pcap"), buf, sizeof buf);
    put32le(buf + 24 + 8, 300000);
    write_bytes(path("huge.pcap"), buf, n);
    expect_read_error(path("huge.pcap"), 0, "bigger than");
    /* An absurd snaplen in the file header is tolerated, as libpcap does. */
    n = read_bytes(path("a.pcap"), buf, sizeof buf);
    put32le(buf + 16, 0xfffffff0u);
    write_bytes(path("snap.pcap"), buf, n);
    struct mops_cap *c = open_file(path("snap.pcap"), NULL);
    int rc;
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ(read_all(c, &rc), 40);
        mops_cap_close(c);
    }

    /* pcapng damage. The first EPB follows the SHB and three IDBs. */
    n = read_bytes(path("m.pcapng"), buf, sizeof buf);
    uint32_t shb_len, off = 0;
    memcpy(&shb_len, buf + 4, 4);
    off = shb_len;
    for (int i = 0; i < 3; i++) {
        uint32_t l;
        memcpy(&l, buf + off + 4, 4);
        off += l;
    }
    uint32_t epb = off, epb_len;
    memcpy(&epb_len, buf + epb + 4, 4);
    write_bytes(path("cut.pcapng"), buf, n - 5);
    expect_read_error(path("cut.pcapng"), 29, "file ends inside a block (truncated capture)");
    memcpy(buf + 4096, buf, n); /* keep a pristine copy */
    put32le(buf + epb + 4, 13);
    write_bytes(path("len.pcapng"), buf, n);
    char want[160];
    snprintf(want, sizeof want, "corrupt pcapng at file offset %u: block length 13 is not a multiple of 4", epb);
    expect_read_error(path("len.pcapng"), 0, want);
    memcpy(buf, buf + 4096, n);
    put32le(buf + epb + epb_len - 4, epb_len + 4);
    write_bytes(path("trail.pcapng"), buf, n);
    expect_read_error(path("trail.pcapng"), 0, "trailing block length differs");
    memcpy(buf, buf + 4096, n);
    put32le(buf + epb + 8, 7);
    write_bytes(path("if.pcapng"), buf, n);
    expect_read_error(path("if.pcapng"), 0, "packet names interface 7, only 3 described");
    memcpy(buf, buf + 4096, n);
    put32le(buf + epb + 20, epb_len);
    write_bytes(path("cap.pcapng"), buf, n);
    expect_read_error(path("cap.pcapng"), 0, "captured length runs past its block");
    memcpy(buf, buf + 4096, n);
    put32le(buf + 8, 0x11223344);
    write_bytes(path("bom.pcapng"), buf, n);
    expect_open_error(path("bom.pcapng"), "unknown byte-order magic");
    write_bytes(path("shb.pcapng"), buf, 10);
    expect_open_error(path("shb.pcapng"), "file ends inside the section header");

    /* Unknown and custom blocks are skipped; a simple packet block is read. */
    memcpy(buf, buf + 4096, n);
    static uint8_t extra[1 << 20];
    memcpy(extra, buf, epb);
    uint32_t k = epb;
    const uint32_t custom[4] = {0x00000BAD, 16, 0x12345678, 16};
    memcpy(extra + k, custom, 16);
    k += 16;
    const uint32_t spb[4] = {3, 20, 4, 20};
    memcpy(extra + k, spb, 8);
    memcpy(extra + k + 8, "\x50\x00\x00\x00", 4); /* an IPFF packet cut to 4 octets */
    memcpy(extra + k + 12, spb + 3, 4);
    put32le(extra + k + 8, 0x5);
    put32le(extra + k + 8, 24);
    memcpy(extra + k + 12, "\x50\x00\x00\x00", 4);
    put32le(extra + k + 16, 20);
    k += 20;
    memcpy(extra + k, buf + epb, n - epb);
    write_bytes(path("extra.pcapng"), extra, k + n - epb);
    c = open_file(path("extra.pcapng"), NULL);
    CHECK(c != NULL);
    if (c) {
        struct mops_frame f;
        CHECK_EQ(mops_cap_next(c, &f), MOPS_CAP_FRAME);
        CHECK_EQ(f.caplen, 4); /* the SPB */
        CHECK_EQ(f.wirelen, 24);
        CHECK_EQ(f.ifid, 0);
        CHECK_EQ(read_all(c, &rc), 30);
        CHECK_EQ(rc, MOPS_CAP_END);
        mops_cap_close(c);
    }

    /* Many interfaces. */
    static struct mops_cap_iface many[1000];
    for (int i = 0; i < 1000; i++)
        many[i] = (struct mops_cap_iface){MOPS_LINKTYPE_USER0, 0, "", 9, ""};
    struct mops_dump *d;
    CHECK_EQ(mops_dump_open(path("many.pcapng"), MOPS_DUMP_PCAPNG, many, 1000, &d, err), 0);
    struct mops_frame f = frame_of(0, 0, 999);
    CHECK_EQ(mops_dump_write(d, &f), 0);
    f.ifid = 1000;
    CHECK_EQ(mops_dump_write(d, &f), -1);
    CHECK_STR(mops_dump_error(d), "frame of interface 1000, only 1000 described");
    CHECK_EQ(mops_dump_close(d), 0);
    c = open_file(path("many.pcapng"), NULL);
    CHECK(c != NULL);
    CHECK_EQ(mops_cap_next(c, &f), MOPS_CAP_FRAME);
    CHECK_EQ(f.ifid, 999);
    CHECK_EQ(mops_cap_n_ifaces(c), 1000);
    mops_cap_close(c);
}

static void test_write_errors(void)
{
    /* A full disk is reported, not swallowed. */
    struct mops_cap_iface eth = {MOPS_LINKTYPE_ETHERNET, 0, "", 9, ""};
    struct mops_dump *d;
    CHECK_EQ(mops_dump_open("/dev/full", MOPS_DUMP_PCAPNG, &eth, 1, &d, err), 0);
    int failed = 0;
    for (int k = 0; k < 2000 && !failed; k++) {
        struct mops_frame f = frame_of(k, 1, 0);
        failed = mops_dump_write(d, &f) < 0;
    }
    CHECK_EQ(mops_dump_close(d), -1);
    CHECK_EQ(mops_dump_open(path("nodir/x.pcap"), MOPS_DUMP_PCAP, &eth, 1, &d, err), -1);
    CHECK(strstr(err, "No such file or directory") != NULL);
}

static void test_live_errors(void)
{
    struct mops_cap_opts o = {.iface = "nosuch0"};
    struct mops_cap *c;
    CHECK_EQ(mops_cap_open(&o, &c, err), -1);
    CHECK_STR(err, "nosuch0: no such interface (mopsdump -D lists them)");
    struct mops_cap_opts both = {.iface = "lo", .path = "x"};
    CHECK_EQ(mops_cap_open(&both, &c, err), -1);
    CHECK_STR(err, "give either a file or an interface");
    struct mops_if_info ifs[64];
    int n = mops_cap_list_interfaces(ifs, 64, err);
    CHECK(n >= 1);
    int lo = 0;
    for (int i = 0; i < n; i++)
        lo |= strcmp(ifs[i].name, "lo") == 0 && ifs[i].loopback;
    CHECK(lo);
}

/* What pcapng carries besides packets (issue 17): frame comments,
 * interface names and descriptions, the section's comment, read back as
 * written, through the pipeline too, and kept by a copy as -w makes it. */
static void test_pcapng_metadata(void)
{
    struct mops_cap_iface ifs[2] = {{MOPS_LINKTYPE_ETHERNET, 262144, "eth0", 9, "uplink to the NAT"},
                                    {MOPS_LINKTYPE_USER0, 262144, "", 9, ""}};
    for (int copy = 0; copy < 2; copy++) {
        const char *from = path("meta.pcapng"), *to = copy ? path("meta-copy.pcapng") : from;
        struct mops_dump *d;
        struct mops_cap *src = copy ? open_file(from, NULL) : NULL;
        CHECK(!copy || src != NULL);
        if (copy && !src)
            return;
        CHECK_EQ(mops_dump_open_section(to, MOPS_DUMP_PCAPNG, ifs, 2,
                                        copy ? mops_cap_comment(src) : "lab run 7, \u00e9", &d, err),
                 0);
        for (int k = 0; k < 10; k++) {
            struct mops_frame f = frame_of(k, k % 2 ? 8 : 1, (uint32_t)(k % 2));
            if (copy)
                CHECK_EQ(mops_cap_next(src, &f), MOPS_CAP_FRAME);
            else if (k % 3 == 0) {
                static char c[16][40];
                snprintf(c[k], sizeof c[k], "frame %d: odd%s", k, k == 9 ? "\nsecond line" : "");
                f.comment = c[k];
                f.comment_len = (uint32_t)strlen(c[k]);
            }
            CHECK_EQ(mops_dump_write(d, &f), 0);
        }
        CHECK_EQ(mops_dump_close(d), 0);
        mops_cap_close(src);
    }
    for (int copy = 0; copy < 2; copy++)
        for (int piped = 0; piped < 2; piped++) {
            struct mops_cap *c = open_file(path(copy ? "meta-copy.pcapng" : "meta.pcapng"), NULL);
            CHECK(c != NULL);
            if (!c)
                return;
            CHECK_STR(mops_cap_comment(c), "lab run 7, \u00e9");
            CHECK_EQ(mops_cap_n_ifaces(c), 2);
            CHECK_STR(mops_cap_iface(c, 0)->name, "eth0");
            CHECK_STR(mops_cap_iface(c, 0)->description, "uplink to the NAT");
            CHECK_STR(mops_cap_iface(c, 1)->description, "");
            struct mops_pipe *pp = piped ? mops_pipe_start(c, NULL, 0, false) : NULL;
            const struct mops_pipe_batch *b = pp ? mops_pipe_next(pp, &(int){0}) : NULL;
            CHECK(!piped || (b && b->n == 10));
            for (int k = 0; k < 10; k++) {
                struct mops_frame f;
                if (b)
                    f = b->frames[k];
                else
                    CHECK_EQ(mops_cap_next(c, &f), MOPS_CAP_FRAME);
                char want[40] = "";
                if (k % 3 == 0)
                    snprintf(want, sizeof want, "frame %d: odd%s", k, k == 9 ? "\nsecond line" : "");
                CHECK_EQ(f.comment_len, strlen(want));
                CHECK(f.comment_len == 0 || memcmp(f.comment, want, f.comment_len) == 0);
                CHECK_EQ(f.ifid, (uint32_t)(k % 2));
            }
            mops_pipe_stop(pp);
            mops_cap_close(c);
        }
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/mops-test-capture.XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    test_pcap_roundtrip();
    test_pcapng_roundtrip();
    test_filters();
    test_stdin();
    test_broken_files();
    test_pcap_reader();
    test_pcapng_reader();
    test_pcapng_metadata();
    test_pipeline();
    test_write_errors();
    test_live_errors();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_report("test_capture");
}
