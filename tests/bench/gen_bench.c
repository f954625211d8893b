/* mops-benchgen: the benchmark's captures. One pass writes an IPFF capture
 * and its IPv6 twin, frame for frame of the same length and timestamp, so
 * the reference tools (tcpdump, tshark) read as many octets in as many
 * frames as ours.
 *
 * The IPFF capture is one Ethernet link where mobile nodes talk to servers:
 * TCP sessions open with a MOBILE_CAPABLE handshake (the SYN-ACK carries
 * the received-source option, MOPS §3.2), carry data both ways and close;
 * closed sessions are replaced by new ones, so the capture's length adds
 * sessions, not concurrency. Every 50th frame is a MOPS message: NAT acks
 * (levels 1 and 2) for the sessions of nodes behind NATs, a Migrate of an
 * open session to a new address (its sequence number the client's next, so
 * inside the server's window) or the server's success reply. The capture is
 * correct: the validator finds nothing in it (tests/bench/run checks).
 *
 * The twin holds, frame for frame, IPv6/TCP with the same ports, flags,
 * sequence numbers and options and 20 octets less payload (IPv6's header is
 * 20 octets longer than IPFF's), or an ICMPv6 echo of the MOPS message's
 * length. Where IPv6 needs more octets than the IPFF frame holds (a bare
 * ACK), the IPFF frame gets Ethernet padding. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mops/build/build.h"
#include "mops/capture/dump.h"

#define A(f1, f2, f3, f4, f5) mops_addr_make(f1, f2, f3, f4, f5)
#define MOPS_EVERY 50
#define FRAME_NS 100000u /* 10,000 frames per second */
#define REPLY_AFTER 2    /* a Migrate's reply comes two MOPS slots later */
#define SERVERS 16
#define SPORT 443
#define ETH_HLEN 14
#define IP6_HLEN 40

static const uint8_t mac_c[6] = {0x02, 0, 0, 0, 0, 0x0c}, mac_s[6] = {0x02, 0, 0, 0, 0, 0x05};

enum st { CLOSED, SYN_SENT, SYN_RCVD, OPEN, MIGRATING, FIN_SENT, FIN_RCVD };

struct sess {
    enum st st;
    mops_addr_t c, s;
    uint16_t cport;
    uint32_t c_nxt, s_nxt;
    unsigned left;       /* data exchanges before it closes */
    unsigned step;       /* which segment of the exchange is next */
    bool natted;         /* behind two NATs: gets NAT acks, Migrates name the outermost */
    mops_addr_t nat_out; /* its outermost translation */
    uint16_t nat_port;
    mops_addr_t mig; /* while MIGRATING: where to */
    uint16_t mig_port;
};

/* A MOPS message waiting for its slot. */
enum mkind { M_NATACK1, M_NATACK2, M_REPLY };
struct pending {
    enum mkind kind;
    unsigned sess;
    uint64_t due;   /* MOPS slot number */
    struct sess at; /* the session as it was then (its slot may be reused) */
};

struct gen {
    struct sess *s;
    unsigned n_sess, next_id;
    uint64_t rng;
    struct pending *q;
    size_t q_head, q_tail, q_cap;
    uint64_t slot;
    struct mops_dump *ipff, *ipv6;
    uint64_t frame, ts;
    struct mops_builder b;
    uint8_t v6[2048];
    uint64_t count[8]; /* SYN, data, ack, fin, migrate, reply, natack, padded */
};

static uint32_t rnd(struct gen *g)
{
    g->rng ^= g->rng << 13;
    g->rng ^= g->rng >> 7;
    g->rng ^= g->rng << 17;
    return (uint32_t)(g->rng >> 16);
}

static void q_push(struct gen *g, enum mkind k, unsigned sess, uint64_t due)
{
    if (g->q_tail - g->q_head == g->q_cap) {
        size_t cap = g->q_cap ? g->q_cap * 2 : 1024;
        struct pending *n = malloc(cap * sizeof *n);
        if (!n) {
            perror("mops-benchgen");
            exit(2);
        }
        for (size_t i = 0; i < g->q_tail - g->q_head; i++)
            n[i] = g->q[(g->q_head + i) % (g->q_cap ? g->q_cap : 1)];
        g->q_tail -= g->q_head;
        g->q_head = 0;
        free(g->q);
        g->q = n;
        g->q_cap = cap;
    }
    g->q[g->q_tail++ % g->q_cap] = (struct pending){k, sess, due, g->s[sess]};
}

/* A fresh session in slot i: a new client address and port. */
static void sess_new(struct gen *g, unsigned i)
{
    struct sess *s = &g->s[i];
    unsigned id = g->next_id++;
    memset(s, 0, sizeof *s);
    s->c = A(100, 1 + id / 250000 % 900, id / 500 % 500, id % 500 + 1, 7);
    s->s = A(200, 0, 0, 0, 1 + id % SERVERS);
    s->cport = (uint16_t)(1024 + id % 60000);
    s->c_nxt = rnd(g);
    s->s_nxt = rnd(g);
    s->left = 4 + rnd(g) % 60;
    s->natted = rnd(g) % 4 == 0;
    if (s->natted) {
        s->nat_out = A(525, 8, id / 1000 % 900, 2, 2);
        s->nat_port = (uint16_t)(5000 + id % 50000);
    }
}

/* Internet checksum over the IPv6 pseudo-header and the upper layer. */
static uint16_t csum6(const uint8_t *ip6, const uint8_t *l4, size_t len, uint8_t nh)
{
    uint32_t sum = 0;
    for (int i = 8; i < 40; i += 2)
        sum += (uint32_t)ip6[i] << 8 | ip6[i + 1];
    sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + nh;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)l4[i] << 8 | l4[i + 1];
    if (len & 1)
        sum += (uint32_t)l4[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)), put16(p + 2, (uint16_t)v); }

/* The IPv6 twin of an IPFF address: the same 50 bits under 2001:db8::/32. */
static void addr6(uint8_t out[16], mops_addr_t a)
{
    memset(out, 0, 16);
    put32(out, 0x20010db8);
    for (int i = 0; i < 8; i++)
        out[8 + i] = (uint8_t)(a >> (56 - 8 * i));
}

static void write_frame(struct gen *g, struct mops_dump *d, const uint8_t *p, uint32_t len)
{
    struct mops_frame f = {.ts_ns = g->ts, .caplen = len, .wirelen = len, .linktype = 1, .data = p};
    if (mops_dump_write(d, &f) < 0) {
        fprintf(stderr, "mops-benchgen: %s\n", mops_dump_error(d));
        exit(2);
    }
}

/* Both frames: the IPFF one in g->b (finished, without its carrier) and an
 * IPv6 one of the same length whose upper layer the caller fills from the
 * returned pointer (l4len octets, checksum done after). */
static void emit(struct gen *g, mops_addr_t src, mops_addr_t dst, bool to_server, uint8_t nh,
                 void (*fill)(struct gen *, uint8_t *l4, size_t len, const void *arg), const void *arg, size_t l4min)
{
    uint32_t ipff_len;
    mops_build_data(&g->b, &ipff_len);
    size_t frame_len = ETH_HLEN + ipff_len;
    size_t need = ETH_HLEN + IP6_HLEN + l4min;
    if (frame_len < need) {
        mops_build_trailer(&g->b, need - frame_len);
        frame_len = need;
        g->count[7]++;
    }
    mops_build_ethernet(&g->b, to_server ? mac_s : mac_c, to_server ? mac_c : mac_s, NULL, 0);
    uint32_t n;
    const uint8_t *p = mops_build_data(&g->b, &n);
    write_frame(g, g->ipff, p, n);

    uint8_t *e = g->v6;
    memcpy(e, to_server ? mac_s : mac_c, 6);
    memcpy(e + 6, to_server ? mac_c : mac_s, 6);
    put16(e + 12, 0x86dd);
    uint8_t *ip = e + ETH_HLEN;
    size_t l4len = frame_len - ETH_HLEN - IP6_HLEN;
    memset(ip, 0, IP6_HLEN);
    ip[0] = 0x60;
    put16(ip + 4, (uint16_t)l4len);
    ip[6] = nh;
    ip[7] = 64;
    addr6(ip + 8, src);
    addr6(ip + 24, dst);
    memset(ip + IP6_HLEN, 0, l4len);
    fill(g, ip + IP6_HLEN, l4len, arg);
    write_frame(g, g->ipv6, e, (uint32_t)frame_len);
}

struct tcp_args {
    const struct mops_tcp *t;
    size_t opt_len; /* the TCP options as encoded (a multiple of 4) */
};

/* The same segment over IPv6: the IPFF segment's options (MOBILE_CAPABLE
 * as the experimental kind it is), the payload cut to fit. */
static void fill_tcp6(struct gen *g, uint8_t *l4, size_t len, const void *arg)
{
    const struct tcp_args *a = arg;
    const struct mops_tcp *t = a->t;
    /* The IPFF segment sits at the builder's l4 offset; copy its header
     * (options included) and leave the payload as zeros. */
    const uint8_t *seg = g->b.buf + g->b.l4;
    size_t hdr = 20 + a->opt_len;
    memcpy(l4, seg, hdr < len ? hdr : len);
    put16(l4, t->sport);
    put16(l4 + 2, t->dport);
    l4[16] = l4[17] = 0;
    put16(l4 + 16, csum6(l4 - IP6_HLEN, l4, len, 6));
}

static void tcp_segment(struct gen *g, struct sess *s, bool from_client, uint8_t flags, size_t payload, bool mc)
{
    static uint8_t zeros[1500];
    mops_addr_t src = from_client ? s->c : s->s, dst = from_client ? s->s : s->c;
    mops_build_init(&g->b, NULL);
    struct mops_ipff_hdr h = {.src = src, .dst = dst, .htl = 64};
    mops_build_ipff(&g->b, &h);
    if ((flags & MOPS_TCP_SYN) && (flags & MOPS_TCP_ACK)) {
        /* The server tells the source it saw (MOPS §3.2). */
        struct mops_opt_spec o;
        uint8_t od[10];
        mops_opt_recv_src(NULL, &o, od, s->cport, s->c);
        mops_build_opts_header(&g->b, MOPS_PROTO_DSTOPTS, &o, 1);
    }
    uint32_t ts_val = (uint32_t)(g->ts / 1000000);
    struct mops_tcp t = {.sport = from_client ? s->cport : SPORT,
                         .dport = from_client ? SPORT : s->cport,
                         .seq = from_client ? s->c_nxt : s->s_nxt,
                         .ack = from_client ? s->s_nxt : s->c_nxt,
                         .flags = flags,
                         .window = from_client ? 64240 : 65535,
                         .mss = 1400,
                         .ws = 7,
                         .ts_val = ts_val,
                         .ts_ecr = ts_val - 3};
    if (flags & MOPS_TCP_SYN) {
        const uint8_t kinds[] = {MOPS_TCPOPT_MSS, MOPS_TCPOPT_SACK_PERM, MOPS_TCPOPT_TS,
                                 MOPS_TCPOPT_NOP, MOPS_TCPOPT_WS,        MOPS_DEFAULT_MOBILE_CAPABLE_KIND};
        t.n_opts = mc ? 6 : 5;
        for (unsigned i = 0; i < t.n_opts; i++)
            t.opts[i].kind = kinds[i];
        if (!(flags & MOPS_TCP_ACK))
            t.ack = 0;
    } else {
        const uint8_t kinds[] = {MOPS_TCPOPT_NOP, MOPS_TCPOPT_NOP, MOPS_TCPOPT_TS, MOPS_DEFAULT_MOBILE_CAPABLE_KIND};
        t.n_opts = mc ? 4 : 3;
        for (unsigned i = 0; i < t.n_opts; i++)
            t.opts[i].kind = kinds[i];
    }
    mops_build_tcp(&g->b, &t, zeros, payload);
    mops_build_finish(&g->b);
    /* The options as lib encoded them: the Data Offset, less the header. */
    size_t opt = (size_t)(g->b.buf[g->b.l4 + 12] >> 4) * 4 - 20;
    /* IPv6 carries 20 octets less payload; a segment with less than that
     * keeps none and the IPFF frame is padded instead. */
    struct tcp_args a = {&t, opt};
    emit(g, src, dst, !from_client, 6, fill_tcp6, &a, 20 + opt + (payload > 20 ? payload - 20 : 0));
    uint32_t len = (uint32_t)payload + ((flags & (MOPS_TCP_SYN | MOPS_TCP_FIN)) ? 1 : 0);
    if (from_client)
        s->c_nxt += len;
    else
        s->s_nxt += len;
    g->count[flags & MOPS_TCP_SYN ? 0 : flags & MOPS_TCP_FIN ? 3 : payload ? 1 : 2]++;
}

/* ICMPv6 echo of the MOPS message's length. */
static void fill_echo6(struct gen *g, uint8_t *l4, size_t len, const void *arg)
{
    (void)arg;
    l4[0] = 128;
    put16(l4 + 4, 0x4d4f);
    put16(l4 + 6, (uint16_t)g->frame);
    put16(l4 + 2, csum6(l4 - IP6_HLEN, l4, len, 58));
}

static void mops_frame(struct gen *g, mops_addr_t src, mops_addr_t dst, bool to_server)
{
    mops_build_finish(&g->b);
    emit(g, src, dst, to_server, 58, fill_echo6, NULL, 8);
}

static void natack(struct gen *g, const struct sess *s, int level)
{
    /* Level 1 from the inner NAT (its outside: 10.0.x), level 2 relayed by
     * it after the outer NAT's (MOPS §4.3, Appendix B). */
    mops_addr_t inner_out = A(10, 0, s->nat_out >> 30 & 0x3ff, 0, 1);
    uint16_t inner_port = (uint16_t)(s->nat_port + 1);
    mops_build_init(&g->b, NULL);
    struct mops_ipff_hdr h = {.src = A(10, 2, 0, 0, 99), .dst = s->c, .htl = 1};
    mops_build_ipff(&g->b, &h);
    struct mops_nat_ack a = {.version = 1,
                             .level = (uint8_t)level,
                             .proto = MOPS_PROTO_TCP,
                             .n_ports = 1,
                             .orig_addr = level == 1 ? s->c : inner_out,
                             .trans_addr = level == 1 ? inner_out : s->nat_out};
    struct mops_nat_port p = {level == 1 ? s->cport : inner_port, level == 1 ? inner_port : s->nat_port};
    mops_build_nat_ack(&g->b, &a, &p, 1);
    mops_frame(g, h.src, h.dst, false);
    g->count[6]++;
}

static void migrate(struct gen *g, unsigned i, bool reply)
{
    struct sess *s = &g->s[i];
    mops_addr_t prev = s->natted ? s->nat_out : s->c;
    uint16_t prev_port = s->natted ? s->nat_port : s->cport;
    mops_build_init(&g->b, NULL);
    struct mops_ipff_hdr h = {.src = reply ? s->s : s->mig, .dst = reply ? s->mig : s->s, .htl = 64};
    mops_build_ipff(&g->b, &h);
    struct mops_migrate m = {
        .version = 1, .proto = MOPS_PROTO_TCP, .prev_addr = prev, .n_ports = 1, .mig_addr = s->mig};
    struct mops_migrate_port p = {prev_port, s->mig_port, SPORT, SPORT, s->c_nxt};
    mops_build_migrate(&g->b, reply ? MOPS_MIGRATE_CODE_SUCCESS : 0, &m, &p, 1);
    mops_frame(g, h.src, h.dst, !reply);
    g->count[reply ? 5 : 4]++;
    if (reply) {
        /* The session now lives at its new address, NATs or not. */
        s->c = s->mig;
        s->cport = s->mig_port;
        s->natted = false;
        s->st = OPEN;
    }
}

static void tcp_slot(struct gen *g);

/* The next MOPS message: one that is due, else a new Migrate. */
static void mops_slot(struct gen *g)
{
    g->slot++;
    if (g->q_head < g->q_tail && g->q[g->q_head % g->q_cap].due <= g->slot) {
        struct pending p = g->q[g->q_head++ % g->q_cap];
        if (p.kind == M_REPLY)
            migrate(g, p.sess, true);
        else
            natack(g, &p.at, p.kind == M_NATACK1 ? 1 : 2);
        return;
    }
    for (unsigned tries = 0; tries < 64; tries++) {
        unsigned i = rnd(g) % g->n_sess;
        struct sess *s = &g->s[i];
        if (s->st != OPEN || s->step != 0 || s->left < 2)
            continue;
        unsigned id = g->next_id++;
        s->mig = A(775, 2, id / 1000 % 900, id % 1000 % 900, 6);
        s->mig_port = (uint16_t)(2000 + id % 60000);
        s->st = MIGRATING;
        migrate(g, i, false);
        q_push(g, M_REPLY, i, g->slot + REPLY_AFTER);
        return;
    }
    /* Nothing to migrate (rare): this slot carries TCP. */
    tcp_slot(g);
}

static size_t data_len(struct gen *g)
{
    /* Mostly full segments, some requests and small writes. */
    unsigned r = rnd(g) % 10;
    return r < 5 ? 1380 : r < 8 ? 200 + rnd(g) % 800 : 40 + rnd(g) % 160;
}

static void tcp_slot(struct gen *g)
{
    for (;;) {
        unsigned i = rnd(g) % g->n_sess;
        struct sess *s = &g->s[i];
        switch (s->st) {
            case CLOSED:
                sess_new(g, i);
                tcp_segment(g, s, true, MOPS_TCP_SYN, 0, true);
                s->st = SYN_SENT;
                if (s->natted) {
                    q_push(g, M_NATACK1, i, g->slot + 1);
                    q_push(g, M_NATACK2, i, g->slot + 1);
                }
                return;
            case SYN_SENT:
                tcp_segment(g, s, false, MOPS_TCP_SYN | MOPS_TCP_ACK, 0, true);
                s->st = SYN_RCVD;
                return;
            case SYN_RCVD:
                tcp_segment(g, s, true, MOPS_TCP_ACK, 0, true);
                s->st = OPEN;
                return;
            case MIGRATING: continue;
            case OPEN:
                if (s->left == 0) {
                    tcp_segment(g, s, true, MOPS_TCP_FIN | MOPS_TCP_ACK, 0, false);
                    s->st = FIN_SENT;
                    return;
                }
                /* request, its ack, the response, its ack */
                switch (s->step) {
                    case 0: tcp_segment(g, s, true, MOPS_TCP_ACK | MOPS_TCP_PSH, data_len(g), false); break;
                    case 1: tcp_segment(g, s, false, MOPS_TCP_ACK, 0, false); break;
                    case 2: tcp_segment(g, s, false, MOPS_TCP_ACK | MOPS_TCP_PSH, data_len(g), false); break;
                    default:
                        tcp_segment(g, s, true, MOPS_TCP_ACK, 0, false);
                        s->left--;
                        break;
                }
                s->step = (s->step + 1) % 4;
                return;
            case FIN_SENT:
                tcp_segment(g, s, false, MOPS_TCP_FIN | MOPS_TCP_ACK, 0, false);
                s->st = FIN_RCVD;
                return;
            case FIN_RCVD:
                tcp_segment(g, s, true, MOPS_TCP_ACK, 0, false);
                s->st = CLOSED;
                return;
        }
    }
}

static void usage(FILE *f)
{
    fprintf(f, "usage: mops-benchgen [-n FRAMES] [-s SESSIONS] [--seed N] IPFF.pcap IPV6.pcap\n"
               "  -n FRAMES     frames in each capture (default 1000000)\n"
               "  -s SESSIONS   concurrent TCP sessions (default 4000)\n"
               "  --seed N      random seed (default 1): the same seed, the same captures\n");
}

static unsigned long parse_num(const char *s, const char *what)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || !*s || v == 0) {
        fprintf(stderr, "mops-benchgen: %s: not a positive number: '%s'\n", what, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    struct gen *g = calloc(1, sizeof *g);
    unsigned long frames = 1000000, sessions = 4000, seed = 1;
    static const struct option lo[] = {{"seed", required_argument, NULL, 'S'}, {"help", no_argument, NULL, 'h'}, {0}};
    int c;
    while ((c = getopt_long(argc, argv, "n:s:h", lo, NULL)) != -1) {
        switch (c) {
            case 'n': frames = parse_num(optarg, "-n"); break;
            case 's': sessions = parse_num(optarg, "-s"); break;
            case 'S': seed = parse_num(optarg, "--seed"); break;
            case 'h': usage(stdout); return 0;
            default: usage(stderr); return 2;
        }
    }
    if (argc - optind != 2 || !g) {
        usage(stderr);
        return 2;
    }
    g->n_sess = (unsigned)sessions;
    g->s = calloc(sessions, sizeof *g->s);
    g->rng = 0x9e3779b97f4a7c15u ^ seed;
    struct mops_cap_iface ifc = {.linktype = 1, .snaplen = 262144, .name = "bench", .ts_digits = 6};
    char err[MOPS_CAP_ERRLEN];
    if (!g->s || mops_dump_open(argv[optind], MOPS_DUMP_PCAP, &ifc, 1, &g->ipff, err) < 0 ||
        mops_dump_open(argv[optind + 1], MOPS_DUMP_PCAP, &ifc, 1, &g->ipv6, err) < 0) {
        fprintf(stderr, "mops-benchgen: %s\n", g->s ? err : strerror(errno));
        return 2;
    }
    g->ts = UINT64_C(1795000000) * 1000000000u;
    for (g->frame = 1; g->frame <= frames; g->frame++, g->ts += FRAME_NS) {
        if (g->frame % MOPS_EVERY == 0)
            mops_slot(g);
        else
            tcp_slot(g);
    }
    int rc = 0;
    if (mops_dump_close(g->ipff) < 0 || mops_dump_close(g->ipv6) < 0) {
        fprintf(stderr, "mops-benchgen: writing the captures failed\n");
        rc = 2;
    }
    fprintf(stderr,
            "mops-benchgen: %llu frames each: %llu SYN, %llu data, %llu ACK, %llu FIN, %llu Migrate, %llu replies, "
            "%llu NAT acks; %llu sessions; %llu IPFF frames padded\n",
            (unsigned long long)frames, (unsigned long long)g->count[0], (unsigned long long)g->count[1],
            (unsigned long long)g->count[2], (unsigned long long)g->count[3], (unsigned long long)g->count[4],
            (unsigned long long)g->count[5], (unsigned long long)g->count[6], (unsigned long long)g->next_id,
            (unsigned long long)g->count[7]);
    free(g->q);
    free(g->s);
    free(g);
    return rc;
}
