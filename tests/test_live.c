/* Live capture on a real interface: a veth pair in a network namespace of
 * this test's own, frames sent on one end with an AF_PACKET socket and
 * captured through lib/ on the other (and on "any", as SLL2). Needs root:
 * exits 77 (skipped) without it. The namespace is deleted at exit. */
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mops/capture/capture.h"
#include "mops/decode/decode.h"

#include "check.h"
#include "samples.h"

static char ns[32];
static struct mops_builder b;
static struct mops_packet pkt;

static void cleanup(void)
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "ip netns del %s 2>/dev/null", ns);
    if (system(cmd) != 0)
        fprintf(stderr, "could not delete namespace %s\n", ns);
}

static int sh(const char *fmt, const char *a)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, fmt, a, a, a);
    return system(cmd);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static int send_all(int with_noise)
{
    int s = socket(AF_PACKET, SOCK_RAW, 0);
    struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_ifindex = (int)if_nametoindex("mva"), .sll_halen = 6};
    int sent = 0;
    for (int i = 0; i < sample_count(); i++) {
        sample_build(i, &b);
        carrier_wrap(1, &b); /* Ethernet */
        uint32_t n;
        const uint8_t *p = mops_build_data(&b, &n);
        if (sendto(s, p, n, 0, (struct sockaddr *)&to, sizeof to) == (ssize_t)n)
            sent++;
        else
            perror("sendto");
        if (with_noise) { /* an ARP-typed frame the filter must drop */
            uint8_t arp[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x06};
            if (sendto(s, arp, sizeof arp, 0, (struct sockaddr *)&to, sizeof to) < 0)
                perror("sendto");
        }
    }
    close(s);
    return sent;
}

/* Reads until `want` frames or 5 s; checks each decodes cleanly. */
static int receive(struct mops_cap *c, int want, enum mops_carrier carrier)
{
    int got = 0;
    double end = now() + 5;
    struct mops_frame f;
    while (got < want && now() < end) {
        int rc = mops_cap_next(c, &f);
        if (rc == MOPS_CAP_TIMEOUT)
            continue;
        if (rc != MOPS_CAP_FRAME) {
            fprintf(stderr, "  capture ended: %s\n", mops_cap_error(c));
            break;
        }
        mops_decode_frame(NULL, f.linktype, f.data, f.caplen, f.wirelen, &pkt);
        if (pkt.status == MOPS_ST_NOT_IPFF)
            continue; /* "any" also sees the namespace's own chatter */
        CHECK_EQ(pkt.status, MOPS_ST_OK);
        CHECK_EQ(pkt.link.carrier, carrier);
        CHECK(f.ts_ns > UINT64_C(1600000000) * 1000000000u);
        got++;
    }
    return got;
}

static struct mops_cap *c_break;
static void *breaker(void *arg)
{
    (void)arg;
    usleep(300000);
    mops_cap_break(c_break);
    return NULL;
}

/* A namespace of the test's own with a veth pair, entered: 0, or the exit
 * status to skip (77) or fail with. */
static int enter_namespace(void)
{
    if (geteuid() != 0) {
        printf("test_live: skipped, capturing needs root\n");
        return 77;
    }
    snprintf(ns, sizeof ns, "mopstest%d", (int)getpid());
    if (sh("ip netns add %s", ns) != 0) {
        printf("test_live: skipped, cannot create a network namespace\n");
        return 77;
    }
    atexit(cleanup);
    if (sh("ip -n %s link add mva type veth peer name mvb && ip -n %s link set mva up && "
           "ip -n %s link set mvb up",
           ns) != 0) {
        printf("test_live: skipped, cannot create a veth pair\n");
        return 77;
    }
    char p[64];
    snprintf(p, sizeof p, "/run/netns/%s", ns);
    int fd = open(p, O_RDONLY);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
        perror("setns");
        return 1;
    }
    close(fd);
    return 0;
}

/* Capturing on the pair, on "any", and through the interface's removal. */
static void captures(void)
{
    char err[MOPS_CAP_ERRLEN];
    struct mops_cap_opts o = {.iface = "mvb", .immediate = true, .filter = "ether proto 0x88b5", .buffer_kib = 4096};
    struct mops_cap *c;
    CHECK_EQ(mops_cap_open(&o, &c, err), 0);
    if (check_failed) {
        fprintf(stderr, "  %s\n", err);
        return;
    }
    CHECK(mops_cap_is_live(c));
    CHECK(mops_cap_fd(c) >= 0);
    CHECK_EQ(mops_cap_iface(c, 0)->linktype, MOPS_LINKTYPE_ETHERNET);
    CHECK_STR(mops_cap_iface(c, 0)->name, "mvb");
    int sent = send_all(1);
    CHECK_EQ(sent, sample_count());
    CHECK_EQ(receive(c, sent, MOPS_CARRIER_ETHERNET), sent);
    struct mops_cap_stats st;
    mops_cap_stats(c, &st);
    CHECK(st.have_kernel);
    CHECK_EQ(st.frames, (uint64_t)sent); /* the ARP frames did not pass */
    CHECK(st.received >= (uint64_t)sent);
    CHECK_EQ(st.dropped, 0);

    /* A break from another thread ends a blocked read promptly. */
    c_break = c;
    pthread_t t;
    pthread_create(&t, NULL, breaker, NULL);
    double t0 = now();
    struct mops_frame f;
    int rc;
    while ((rc = mops_cap_next(c, &f)) == MOPS_CAP_TIMEOUT && now() - t0 < 5)
        ;
    pthread_join(t, NULL);
    CHECK_EQ(rc, MOPS_CAP_END);
    CHECK(now() - t0 < 3);
    mops_cap_close(c);

    /* "any": cooked v2 headers; each frame is seen leaving and arriving. */
    struct mops_cap_opts any = {.iface = "any", .immediate = true};
    CHECK_EQ(mops_cap_open(&any, &c, err), 0);
    CHECK_EQ(mops_cap_iface(c, 0)->linktype, MOPS_LINKTYPE_SLL2);
    sent = send_all(0);
    CHECK_EQ(sent, sample_count());
    CHECK_EQ(receive(c, 2 * sent, MOPS_CARRIER_SLL2), 2 * sent);
    mops_cap_stats(c, &st);
    CHECK_EQ(st.dropped, 0); /* immediate mode sizes its ring for bursts */
    mops_cap_close(c);

    /* The interface disappearing ends the capture with a message. */
    CHECK_EQ(mops_cap_open(&o, &c, err), 0);
    sh("ip -n %s link del mva", ns);
    t0 = now();
    while ((rc = mops_cap_next(c, &f)) == MOPS_CAP_TIMEOUT && now() - t0 < 5)
        ;
    CHECK_EQ(rc, MOPS_CAP_ERROR);
    CHECK(mops_cap_error(c)[0] != 0);
    printf("test_live: interface removed: \"%s\"\n", mops_cap_error(c));
    mops_cap_close(c);
}

int main(void)
{
    int rc = enter_namespace();
    if (rc != 0)
        return rc;
    captures();
    return check_report("test_live");
}
